package com.ilert.ilagent.pacing;

/**
 * What one scope knows about the length W of the server's rate-limit window: {@code lo < W <= hi},
 * 0 meaning unknown. Retry-After gives the reset time in whole seconds ({@code hi} = reset - window
 * start, {@code lo} 1 s less); a probe that got through bounds W from above, one answered 429 from
 * below. Pure and mutable; used by {@link ScopeWindow}.
 */
final class WindowEstimate {
  /** Retry-After counts whole seconds. */
  static final long RETRY_AFTER_RESOLUTION_MS = 1_000;

  private long lo;
  private long hi;

  /** False while the bounds are another key's (adopted) or nothing was observed. */
  private boolean own;

  long lo() {
    return lo;
  }

  /** The upper bound, 0 if unknown: the safe length to pace by. */
  long hi() {
    return hi;
  }

  /**
   * Retry-After said that the window which began (as seen from here) {@code length} ms before its
   * reset ends then. From a clean window (its start seen) that is W itself; otherwise only a first
   * guess.
   */
  void resetsAfter(long length, boolean clean) {
    if (length <= 0) {
      return;
    }
    if (clean) {
      hi = length;
      lo = Math.max(0, length - RETRY_AFTER_RESOLUTION_MS);
      own = true;
    } else if (hi == 0 || !own) {
      hi = length;
      lo = 0;
      own = true;
    }
  }

  /** A request {@code elapsed} ms after the window began got through: it had reset by then. */
  void hadResetAfter(long elapsed) {
    hi = hi == 0 || !own ? elapsed : Math.min(hi, elapsed);
    own = true;
    if (lo >= hi) {
      lo = 0;
    }
  }

  /** A request {@code elapsed} ms after the window began was answered 429: not reset by then. */
  void notResetAfter(long elapsed) {
    lo = Math.max(own ? lo : 0, elapsed);
    own = true;
    if (hi > 0 && hi <= lo) {
      hi = 0; // contradicted: learn it again
    }
  }

  /** Another key's bounds, taken while this scope has observed nothing of its own. */
  void adopt(long otherLo, long otherHi) {
    if (!own) {
      lo = otherLo;
      hi = otherHi;
    }
  }

  /**
   * How long after a window's start an early probe, half-way between the bounds, would narrow them;
   * -1 when they are known well enough ({@code max(1 s, hi/10)} apart or closer) or not at all.
   */
  long earlyProbeAfter() {
    if (hi == 0 || hi - lo <= Math.max(RETRY_AFTER_RESOLUTION_MS, hi / 10)) {
      return -1;
    }
    return (lo + hi) / 2;
  }

  WindowEstimate copy() {
    WindowEstimate c = new WindowEstimate();
    c.lo = lo;
    c.hi = hi;
    c.own = own;
    return c;
  }

  void restore(WindowEstimate from) {
    lo = from.lo;
    hi = from.hi;
    own = from.own;
  }

  @Override
  public String toString() {
    return "(" + lo + ", " + hi + "]";
  }
}
