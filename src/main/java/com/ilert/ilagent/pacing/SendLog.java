package com.ilert.ilagent.pacing;

import java.util.Arrays;

/**
 * The requests that count against one allowance. A request reaches the server, and is counted
 * there, some time between its sending and its answer; so a sent request without an answer is
 * <i>pending</i> (it may be counted at any moment), and an answered one counts from its answer on,
 * the latest time the server can have counted it. Pacing by these times keeps within the server's
 * window even when requests take long to get there (a first connection, a busy machine). Each
 * answered entry also keeps its send time, the earliest the server can have counted it.
 *
 * <p>Answered entries are a growable ring, ascending by answer time; pending ones a small array of
 * send times. No allocation per request once grown.
 */
final class SendLog {
  private long[] times = new long[8];
  private long[] sent = new long[8];
  private int head;
  private int size;
  private long[] pending = new long[8];
  private int pendingSize;
  private long lastDroppedSent = -1;

  /** Entries in all: answered and pending. */
  int size() {
    return size + pendingSize;
  }

  int pendingCount() {
    return pendingSize;
  }

  int answeredCount() {
    return size;
  }

  /** The i-th oldest answered entry's answer time, 0 being the oldest. */
  long answeredAt(int i) {
    return times[(head + i) % times.length];
  }

  /** The i-th oldest answered entry's send time. */
  long sentAt(int i) {
    return sent[(head + i) % times.length];
  }

  /** Answered entries answered after {@code at}. */
  int answeredAfter(long at) {
    int n = 0;
    for (int i = size - 1; i >= 0 && answeredAt(i) > at; i--) {
      n++;
    }
    return n;
  }

  /**
   * The send time of the first answered entry answered after {@code at} ({@code after} true), or of
   * the last one answered at or before it; -1 if there is none.
   */
  long sentAround(long at, boolean after) {
    int i = size - answeredAfter(at); // the first index answered after at
    int j = after ? i : i - 1;
    return j >= 0 && j < size ? sentAt(j) : -1;
  }

  /** A request went at {@code sentAt}: pending until {@link #answered}. */
  void add(long sentAt) {
    if (pendingSize == pending.length) {
      pending = Arrays.copyOf(pending, pendingSize * 2);
    }
    pending[pendingSize++] = sentAt;
  }

  /** The request sent at {@code sentAt} was answered (or given up on) at {@code at}. */
  void answered(long sentAt, long at) {
    if (removePending(sentAt)) {
      insert(Math.max(sentAt, at), sentAt);
    }
  }

  /** Drops answered entries answered at or before {@code at}. */
  void dropUpTo(long at) {
    while (size > 0 && times[head] <= at) {
      lastDroppedSent = sent[head];
      head = (head + 1) % times.length;
      size--;
    }
  }

  /** The send time of the newest entry dropped so far, -1 if none. */
  long lastDroppedSent() {
    return lastDroppedSent;
  }

  /** Keeps at most {@code n} entries, dropping the oldest answered ones. */
  void keepNewest(int n) {
    while (size() > n && size > 0) {
      head = (head + 1) % times.length;
      size--;
    }
  }

  /** Removes the request sent at {@code sentAt} (it did not count after all): pending first. */
  void remove(long sentAt) {
    if (removePending(sentAt)) {
      return;
    }
    for (int i = size - 1; i >= 0; i--) {
      if (sentAt(i) == sentAt) {
        for (int j = i; j < size - 1; j++) {
          times[(head + j) % times.length] = answeredAt(j + 1);
          sent[(head + j) % times.length] = sentAt(j + 1);
        }
        size--;
        return;
      }
    }
  }

  void clear() {
    head = 0;
    size = 0;
    pendingSize = 0;
    if (times.length > 64) {
      times = new long[8];
      sent = new long[8];
    }
  }

  private boolean removePending(long sentAt) {
    for (int i = pendingSize - 1; i >= 0; i--) {
      if (pending[i] == sentAt) {
        pending[i] = pending[--pendingSize];
        return true;
      }
    }
    return false;
  }

  /** Inserts keeping the order; answers come roughly in order, so from the newest end. */
  private void insert(long at, long sentAt) {
    if (size == times.length) {
      long[] grownTimes = new long[times.length * 2];
      long[] grownSent = new long[times.length * 2];
      for (int i = 0; i < size; i++) {
        grownTimes[i] = answeredAt(i);
        grownSent[i] = sentAt(i);
      }
      times = grownTimes;
      sent = grownSent;
      head = 0;
    }
    int i = size;
    while (i > 0 && answeredAt(i - 1) > at) {
      times[(head + i) % times.length] = answeredAt(i - 1);
      sent[(head + i) % times.length] = sentAt(i - 1);
      i--;
    }
    times[(head + i) % times.length] = at;
    sent[(head + i) % times.length] = sentAt;
    size++;
  }

  @Override
  public String toString() {
    long[] out = new long[size];
    for (int i = 0; i < size; i++) {
      out[i] = answeredAt(i);
    }
    return Arrays.toString(out) + (pendingSize == 0 ? "" : " + " + pendingSize + " pending");
  }
}
