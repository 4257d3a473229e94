package com.ilert.ilagent.pacing;

/**
 * One scope's current window as seen from here, and what its windows teach about the length of the
 * server's window ({@link WindowEstimate}). A window opens with the scope's first request, when a
 * probe finds the server's window reset, or a full window after the previous one began if that one
 * had no 429. It counts as <i>clean</i> when it began at a detected reset or after a full window of
 * time; the scope's first window is not clean (an earlier process may have used the server's
 * window). Each window has a generation, so that answers to requests of an earlier window are told
 * apart. Pure and mutable; part of a {@link PacedScope}.
 */
final class ScopeWindow {
  private final WindowEstimate bounds = new WindowEstimate();
  private boolean everOpened;
  private long start = -1;
  private long previousStart = -1;
  private boolean clean;
  private boolean openedByTime;
  private int generation;
  private int accepted;
  private boolean limited;
  private boolean earlyTried;

  /** What {@link #restore} puts back: the window before a 429. */
  record Saved(int generation, boolean limited, WindowEstimate bounds) {}

  /** The bounds on the server's window length. */
  WindowEstimate bounds() {
    return bounds;
  }

  /** When the current window began (epoch ms), -1 before the first one. */
  long start() {
    return start;
  }

  boolean everOpened() {
    return everOpened;
  }

  int generation() {
    return generation;
  }

  /** Requests answered (not 429) in the current window so far. */
  int accepted() {
    return accepted;
  }

  /** True if the current window already had its 429. */
  boolean limited() {
    return limited;
  }

  boolean clean() {
    return clean;
  }

  /** Opens a new window at {@code at}; {@code byTime}: a full window after the previous one. */
  void open(long at, boolean isClean, boolean byTime) {
    previousStart = start;
    start = at;
    everOpened = true;
    generation++;
    accepted = 0;
    limited = false;
    earlyTried = false;
    clean = isClean;
    openedByTime = byTime;
  }

  /** True if a window is open, had no 429 and began {@code length} ms or more before {@code at}. */
  boolean ranOut(long at, long length) {
    return start >= 0 && !limited && at >= start + length;
  }

  /** A request of window {@code sentGeneration} got through; true if that is the current one. */
  boolean accept(int sentGeneration) {
    if (sentGeneration != generation) {
      return false;
    }
    accepted++;
    return true;
  }

  /** When an early probe may narrow the bounds in this window, or -1. */
  long earlyProbeAt() {
    long after = bounds.earlyProbeAfter();
    if (after < 0 || limited || earlyTried || start < 0 || !clean) {
      return -1;
    }
    return start + after;
  }

  /** This window's early probe went; there is one at most. */
  void earlyProbeSent() {
    earlyTried = true;
  }

  /**
   * A reset probe or an early one, sent at {@code sentAt}, got through: the server's window had
   * reset by then, which bounds its length if this window's start was seen.
   */
  void resetSeen(long sentAt, boolean early) {
    if (start >= 0 && (limited || early) && (clean || bounds.hi() == 0)) {
      bounds.hadResetAfter(sentAt - start);
    }
  }

  /** A reset or early probe sent at {@code sentAt} was answered 429: not reset by then. */
  void probeLimited(long sentAt) {
    if (start >= 0) {
      bounds.notResetAfter(sentAt - start);
    }
    limited = true;
  }

  /** The request sent at {@code sentAt} got the current window's first 429. */
  void firstLimit(long sentAt) {
    limited = true;
    if (accepted == 0 && openedByTime && previousStart >= 0) {
      // Nothing got through since our window began: the server's window is longer than we thought.
      bounds.notResetAfter(sentAt - previousStart);
    }
  }

  /** A 429 at {@code now} said Retry-After {@code retryAfterMs} (-1 = none). */
  void resetsIn(long now, long retryAfterMs) {
    if (retryAfterMs >= 0 && start >= 0) {
      bounds.resetsAfter(now + retryAfterMs - start, clean);
    }
  }

  /** When the server's window is expected to reset (window start + upper bound), -1 if unknown. */
  long expectedResetAt() {
    long hi = bounds.hi();
    return hi > 0 && start >= 0 ? start + hi + PacedScope.marginMs(hi) : -1;
  }

  Saved save() {
    return new Saved(generation, limited, bounds.copy());
  }

  /** Takes back a 429 of the current window, as saved by {@link #save} before it. */
  void restore(Saved s) {
    limited = s.limited();
    bounds.restore(s.bounds());
  }
}
