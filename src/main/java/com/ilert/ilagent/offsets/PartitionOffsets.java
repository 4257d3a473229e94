package com.ilert.ilagent.offsets;

import java.util.function.LongConsumer;

/**
 * Tracks the records of one assigned partition from hand-out to completion and tells which offset
 * may be committed: never one past a record that is still pending, so a crash or a delivery failure
 * redelivers it (at-least-once).
 *
 * <p>Offsets are kept in a growable ring buffer in increasing order, with a done flag each; the
 * completed prefix is popped as soon as its head completes. In-order completion is O(1),
 * out-of-order completion is a binary search. Offsets known to be done before they arrive (read
 * back from a commit's metadata after a restart) wait in a sorted array until their record comes.
 * Not thread-safe: used on one event loop.
 */
public final class PartitionOffsets {
  private static final int MIN_CAPACITY = 16;

  // Capacity is always a power of two so a physical index is (head + i) & mask.
  private long[] offsets = new long[MIN_CAPACITY];
  private boolean[] done = new boolean[MIN_CAPACITY];
  private int head;
  // Tracked records: pending ones plus completed ones behind a pending head.
  private int size;
  private long lastAdded = -1;
  // A start was given or a record added: from then on the committable offset is known, 0 included.
  private boolean started;
  private long lastCommitted = -1;
  private final KnownDone knownDone = new KnownDone();

  /**
   * Where consumption of the partition starts: nothing below {@code position} is tracked, and with
   * nothing received {@link #committable()} is the position itself, so a start position that was
   * never committed gets committed (else a restart on 'latest' would skip what arrived meanwhile).
   *
   * @param committed the group's committed offset as read at assignment, or -1 if it has none
   */
  public void start(long position, long committed) {
    if (size > 0 || position < 0) {
      throw new IllegalStateException("start(" + position + ") after records were added");
    }
    lastAdded = position - 1;
    lastCommitted = committed;
    started = true;
  }

  /**
   * Offsets above the start that completed before a restart (see {@link OffsetMetadata}): their
   * records are reported by {@link #add} as done already. Offsets at or below the last added one
   * are ignored.
   */
  public void knownDone(long[] ascending) {
    knownDone.set(ascending, lastAdded);
  }

  /**
   * The record at {@code offset} is not the one a commit's metadata listed as done there (the log
   * was truncated below it and the offset reused): neither it nor any listed offset above it is
   * done.
   */
  public void forgetKnownDoneFrom(long offset) {
    knownDone.dropFrom(offset);
  }

  /**
   * Records a newly received record.
   *
   * @return true if the record was known done before it arrived: it is tracked as complete already
   *     and must not be delivered again
   * @throws IllegalArgumentException if the offset is negative or not greater than every offset
   *     added before (the caller detects a position that moved back and calls {@link #rewind})
   */
  public boolean add(long offset) {
    if (offset <= lastAdded || offset < 0) {
      throw new IllegalArgumentException(
          "offset " + offset + " is not greater than the last added offset " + lastAdded);
    }
    started = true;
    boolean doneAlready = knownDone.take(offset);
    if (doneAlready && size == 0) {
      lastAdded = offset; // nothing pending below it: it simply moves the committable offset on
      return true;
    }
    if (size == offsets.length) {
      resize(offsets.length << 1);
    }
    int i = (head + size) & (offsets.length - 1);
    offsets[i] = offset;
    done[i] = doneAlready;
    size++;
    lastAdded = offset;
    return doneAlready;
  }

  /**
   * The consumer's position reached {@code position} past offsets that hold no record for this
   * consumer (transaction markers, aborted or compacted records): nothing is delivered for them, so
   * once everything before them is done, the position itself may be committed. The caller passes a
   * position read after the records below it were added.
   *
   * @return true if the committable offset may have moved
   */
  public boolean skipTo(long position) {
    if (position <= lastAdded + 1) {
      return false;
    }
    lastAdded = position - 1;
    knownDone.skipBelow(position); // listed done, yet no record came: one of these offsets
    return size == 0;
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
    if (idx == head) {
      popCompletedPrefix();
    }
    return true;
  }

  /**
   * The fetch position moved back to {@code from} (log truncation after an unclean leader election,
   * or an offset reset): records at and above it are new records, whatever was tracked there is
   * forgotten, and the lower position must be committed again.
   */
  public void rewind(long from) {
    int mask = offsets.length - 1;
    while (size > 0 && offsets[(head + size - 1) & mask] >= from) {
      size--;
    }
    knownDone.dropFrom(from);
    lastAdded = Math.min(lastAdded, from - 1);
    lastCommitted = Math.min(lastCommitted, from - 1);
    if (size > 0 && done[head]) {
      popCompletedPrefix();
    }
  }

  /**
   * The offset to commit (Kafka's "next record to read"): the lowest pending offset, or the last
   * added offset + 1 when nothing is pending, or -1 if nothing was ever added nor a start given.
   */
  public long committable() {
    if (size > 0) {
      // Invariant: the head of a non-empty buffer is always pending.
      return offsets[head];
    }
    return started ? lastAdded + 1 : -1;
  }

  /** Whether {@link #committable()} moved past the last value given to {@link #markCommitted}. */
  public boolean needsCommit() {
    long c = committable();
    return c >= 0 && c > lastCommitted;
  }

  /**
   * Records that {@code offset} was committed. Keeps the highest value seen, so an acknowledgement
   * arriving late for an older commit does not move it back.
   */
  public void markCommitted(long offset) {
    if (offset > lastCommitted) {
      lastCommitted = offset;
    }
  }

  /** The highest offset given to {@link #markCommitted} (or {@link #start}), or -1. */
  public long lastCommitted() {
    return lastCommitted;
  }

  /**
   * Records from the lowest pending one up: pending records plus the completed ones above the
   * lowest pending record. None of them can be committed as an offset yet.
   */
  public int uncommittable() {
    return size;
  }

  /** The highest offset added (or below the start), or -1. */
  public long lastAdded() {
    return lastAdded;
  }

  /** Receives runs of consecutive done offsets; answers false to stop. */
  public interface RunSink {
    boolean run(long start, long length);
  }

  /**
   * Hands {@code sink} every run of consecutive offsets above {@link #committable()} known to be
   * done, in increasing order: completed records behind the pending head, then offsets known done
   * that have not arrived yet. One pass, no allocation; stops when the sink says so.
   */
  public void forEachDoneRun(RunSink sink) {
    int mask = offsets.length - 1;
    long runStart = -1;
    long runEnd = -2;
    for (int i = 0; i < size + knownDone.size(); i++) {
      boolean isDone;
      long o;
      if (i < size) {
        int p = (head + i) & mask;
        o = offsets[p];
        isDone = done[p];
      } else {
        o = knownDone.get(i - size);
        isDone = true;
      }
      if (isDone && o == runEnd + 1) {
        runEnd = o;
        continue;
      }
      if (runStart >= 0 && !sink.run(runStart, runEnd - runStart + 1)) {
        return;
      }
      runStart = isDone ? o : -1;
      runEnd = isDone ? o : -2;
    }
    if (runStart >= 0) {
      sink.run(runStart, runEnd - runStart + 1);
    }
  }

  /** Calls {@code action} with every offset {@link #forEachDoneRun} covers, in increasing order. */
  public void forEachDoneAboveCommittable(LongConsumer action) {
    forEachDoneRun(
        (start, length) -> {
          for (long o = start; o < start + length; o++) {
            action.accept(o);
          }
          return true;
        });
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
    // Give memory back after a burst; shrinking at a quarter (growing at full) keeps it amortized
    // O(1).
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
