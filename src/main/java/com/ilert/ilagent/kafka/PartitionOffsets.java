package com.ilert.ilagent.kafka;

/**
 * Tracks the records of one assigned partition from hand-out to completion and tells which offset
 * may be committed: never one past a record that is still pending, so a crash or a delivery
 * failure redelivers it (at-least-once).
 *
 * <p>Offsets are kept in a growable ring buffer in increasing order, with a done flag each; the
 * completed prefix is popped as soon as its head completes. In-order completion is O(1),
 * out-of-order completion is a binary search. Not thread-safe: used on one event loop.
 */
public final class PartitionOffsets {
  private static final int MIN_CAPACITY = 16;

  // Capacity is always a power of two so a physical index is (head + i) & mask.
  private long[] offsets = new long[MIN_CAPACITY];
  private boolean[] done = new boolean[MIN_CAPACITY];
  private int head;
  // Tracked records: pending ones plus completed ones behind a pending head.
  private int size;
  private int pending;
  private long lastAdded = -1;
  private long lastCommitted = -1;

  /**
   * Records a newly received record.
   *
   * @throws IllegalArgumentException if the offset is negative or not greater than every offset
   *     added before (Kafka hands out a partition's records in increasing order; anything else is
   *     a bug that would make the commit position wrong)
   */
  public void add(long offset) {
    if (offset <= lastAdded) {
      throw new IllegalArgumentException(
          "offset " + offset + " is not greater than the last added offset " + lastAdded);
    }
    if (size == offsets.length) {
      resize(offsets.length << 1);
    }
    int i = (head + size) & (offsets.length - 1);
    offsets[i] = offset;
    done[i] = false;
    size++;
    pending++;
    lastAdded = offset;
  }

  /**
   * Marks a record done (delivered, or deliberately skipped).
   *
   * @return false, changing nothing, if the offset was never added or is already complete
   */
  public boolean complete(long offset) {
    if (size == 0 || offset < offsets[head] || offset > lastAdded) {
      return false;
    }
    int idx = offsets[head] == offset ? head : find(offset);
    if (idx < 0 || done[idx]) {
      return false;
    }
    done[idx] = true;
    pending--;
    if (idx == head) {
      popCompletedPrefix();
    }
    return true;
  }

  /**
   * The offset to commit (Kafka's "next record to read"): the lowest pending offset, or the last
   * added offset + 1 when nothing is pending, or -1 if nothing was ever added.
   */
  public long committable() {
    if (size > 0) {
      // Invariant: the head of a non-empty buffer is always pending.
      return offsets[head];
    }
    return lastAdded < 0 ? -1 : lastAdded + 1;
  }

  /** Whether {@link #committable()} moved past the last value given to {@link #markCommitted}. */
  public boolean needsCommit() {
    long c = committable();
    return c >= 0 && c > lastCommitted;
  }

  /**
   * Records that {@code offset} was committed (or a commit of it was sent). Keeps the highest value
   * seen, so an acknowledgement arriving late for an older commit does not move it back.
   */
  public void markCommitted(long offset) {
    if (offset > lastCommitted) {
      lastCommitted = offset;
    }
  }

  /** The highest offset given to {@link #markCommitted}, or -1. */
  public long lastCommitted() {
    return lastCommitted;
  }

  /**
   * Records from the lowest pending one up: pending records plus the completed ones above the
   * lowest pending record. None of them can be committed yet, so all of them are delivered again
   * after a crash.
   */
  public int uncommittable() {
    return size;
  }

  /** The highest offset added so far, or -1. */
  public long lastAdded() {
    return lastAdded;
  }

  /** Records added and not yet completed. */
  public int pending() {
    return pending;
  }

  /** Binary search over the logical (sorted) order of the ring; physical index or -1. */
  private int find(long offset) {
    int mask = offsets.length - 1;
    int lo = 0;
    int hi = size - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      int p = (head + mid) & mask;
      long v = offsets[p];
      if (v < offset) {
        lo = mid + 1;
      } else if (v > offset) {
        hi = mid - 1;
      } else {
        return p;
      }
    }
    return -1;
  }

  private void popCompletedPrefix() {
    int mask = offsets.length - 1;
    while (size > 0 && done[head]) {
      head = (head + 1) & mask;
      size--;
    }
    // Give memory back after a burst; shrinking at a quarter (growing at full) keeps it amortized O(1).
    if (offsets.length > MIN_CAPACITY && size < (offsets.length >>> 2)) {
      resize(offsets.length >>> 1);
    }
  }

  private void resize(int capacity) {
    long[] o = new long[capacity];
    boolean[] d = new boolean[capacity];
    int mask = offsets.length - 1;
    for (int i = 0; i < size; i++) {
      int p = (head + i) & mask;
      o[i] = offsets[p];
      d[i] = done[p];
    }
    offsets = o;
    done = d;
    head = 0;
  }
}
