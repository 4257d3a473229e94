package com.ilert.ilagent.offsets;

import java.util.Arrays;

/**
 * Offsets of one partition known to be done before their records arrive (read back from a commit's
 * metadata after a restart or hand-over), ascending; each is taken once its record comes, or passed
 * when the position moves beyond it without one. Not thread-safe: used on one event loop.
 */
final class KnownDone {
  private static final long[] NONE = new long[0];

  private long[] offsets = NONE;
  // The live ones are offsets[next..end).
  private int next;
  private int end;

  /** The offsets above {@code lastAdded} of {@code ascending}, replacing any before. */
  void set(long[] ascending, long lastAdded) {
    offsets = Arrays.stream(ascending).filter(o -> o > lastAdded).sorted().distinct().toArray();
    next = 0;
    end = offsets.length;
  }

  /** Whether the record at {@code offset} is known done; offsets below it never came. */
  boolean take(long offset) {
    skipBelow(offset); // below it: never arrived (compacted away), nothing to skip
    if (next < end && offsets[next] == offset) {
      next++;
      return true;
    }
    return false;
  }

  /** The position passed everything below {@code position}: none of it comes any more. */
  void skipBelow(long position) {
    while (next < end && offsets[next] < position) {
      next++;
    }
  }

  /** The position moved back to {@code from}: offsets from there on hold other records now. */
  void dropFrom(long from) {
    while (end > next && offsets[end - 1] >= from) {
      end--;
    }
  }

  /** How many are still to come. */
  int size() {
    return end - next;
  }

  /** The {@code i}-th still to come, ascending. */
  long get(int i) {
    return offsets[next + i];
  }
}
