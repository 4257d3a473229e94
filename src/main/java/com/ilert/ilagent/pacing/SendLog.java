package com.ilert.ilagent.pacing;

import java.util.Arrays;

/**
 * Send times (epoch ms, non-decreasing) of the requests that count against one allowance, oldest
 * first: a growable ring of longs, so pacing costs no allocation per request.
 */
final class SendLog {
  private long[] times = new long[8];
  private int head;
  private int size;

  int size() {
    return size;
  }

  /** The i-th oldest entry, 0 being the oldest. */
  long get(int i) {
    return times[(head + i) % times.length];
  }

  void add(long at) {
    if (size == times.length) {
      long[] grown = new long[times.length * 2];
      for (int i = 0; i < size; i++) {
        grown[i] = get(i);
      }
      times = grown;
      head = 0;
    }
    times[(head + size) % times.length] = at;
    size++;
  }

  /** Drops entries at or before {@code at}. */
  void dropUpTo(long at) {
    while (size > 0 && times[head] <= at) {
      head = (head + 1) % times.length;
      size--;
    }
  }

  /** Keeps only the newest {@code n} entries. */
  void keepNewest(int n) {
    while (size > n) {
      head = (head + 1) % times.length;
      size--;
    }
  }

  /** Removes one entry equal to {@code at}, if there is one (a request that did not count after all). */
  void remove(long at) {
    for (int i = size - 1; i >= 0; i--) {
      if (get(i) == at) {
        for (int j = i; j < size - 1; j++) {
          times[(head + j) % times.length] = get(j + 1);
        }
        size--;
        return;
      }
    }
  }

  void clear() {
    head = 0;
    size = 0;
    if (times.length > 64) {
      times = new long[8];
    }
  }

  @Override
  public String toString() {
    long[] out = new long[size];
    for (int i = 0; i < size; i++) {
      out[i] = get(i);
    }
    return Arrays.toString(out);
  }
}
