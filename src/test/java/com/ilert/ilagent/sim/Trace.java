package com.ilert.ilagent.sim;

import java.util.ArrayDeque;
import java.util.List;

/**
 * The last steps of a run, for a failing seed's report. Off in normal runs (nothing is built); a
 * failing seed is run again with it on, which replays the same steps.
 */
final class Trace {
  private final int keep;
  private final ArrayDeque<String> lines;

  /** A trace keeping the last {@code keep} lines; 0 keeps none and costs nothing. */
  Trace(int keep) {
    this.keep = keep;
    this.lines = new ArrayDeque<>(Math.max(1, keep));
  }

  boolean on() {
    return keep > 0;
  }

  void add(long now, String who, Object what) {
    if (keep == 0) {
      return;
    }
    if (lines.size() == keep) {
      lines.pollFirst();
    }
    lines.addLast(String.format("%9d ms  %-9s %s", now, who, what == null ? "" : what));
  }

  List<String> lines() {
    return List.copyOf(lines);
  }
}
