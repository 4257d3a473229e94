package com.ilert.ilagent.pacing.learning;

/**
 * What one scope knows about the length W of the server's rate-limit window: {@code lo < W <= hi},
 * 0 meaning unknown. Retry-After counts whole seconds, so one 429's gives both bounds, a second
 * apart; a request that got through after a 429 bounds W from above. Pure and mutable; the keys of
 * one kind share one (they all measure the same server window).
 */
public final class WindowEstimate {
  /** Retry-After counts whole seconds. */
  public static final long RETRY_AFTER_RESOLUTION_MS = 1_000;

  /** Bounds this close need no narrowing. */
  static final long MIN_GAP_MS = 100;

  /**
   * No window is taken to be longer (ilert documents one minute): a longer estimate comes from
   * requests of other clients or a misread Retry-After, and would slow pacing to a crawl.
   */
  static final long MAX_WINDOW_MS = 5 * 60_000;

  private long lo;
  private long hi;

  /** False while the bounds are another key's (adopted) or nothing was observed. */
  private boolean own;

  public long lo() {
    return lo;
  }

  /** The upper bound, 0 if unknown: the safe length to pace by. */
  public long hi() {
    return hi;
  }

  public boolean known() {
    return hi > 0;
  }

  public boolean own() {
    return own;
  }

  /**
   * A 429's Retry-After said the window that began with a run's first request resets {@code hi} ms
   * after it; {@code lo} is the least it can be given the second's rounding.
   */
  public void resetsAfter(long hiMs, long loMs) {
    if (hiMs <= 0) {
      return;
    }
    hiMs = Math.min(hiMs, MAX_WINDOW_MS);
    if (!own || hi == 0 || hiMs < hi) {
      hi = hiMs;
    }
    lo = Math.max(own ? lo : 0, Math.max(0, Math.min(loMs, hi - 1)));
    own = true;
  }

  /** A request got through {@code elapsedMs} after the window began: it had room by then. */
  public void hadResetAfter(long elapsedMs) {
    if (elapsedMs <= 0) {
      return;
    }
    elapsedMs = Math.min(elapsedMs, MAX_WINDOW_MS);
    hi = hi == 0 || !own ? elapsedMs : Math.min(hi, elapsedMs);
    own = true;
    if (lo >= hi) {
      lo = 0;
    }
  }

  /**
   * A 429 said the window is at least {@code lengthMs} (it had no room that long after). One
   * observation at most doubles a known upper bound.
   */
  public void notShorterThan(long lengthMs) {
    if (lengthMs <= 0) {
      return;
    }
    lengthMs = Math.min(lengthMs, MAX_WINDOW_MS);
    if (own && hi > 0) {
      lengthMs = Math.min(lengthMs, 2 * hi);
    }
    lo = Math.max(own ? lo : 0, lengthMs - RETRY_AFTER_RESOLUTION_MS);
    if (hi < lengthMs) {
      hi = lengthMs;
    }
    own = true;
  }

  /** A request {@code elapsedMs} after the window began was refused: it had no room by then. */
  public void notResetAfter(long elapsedMs) {
    if (elapsedMs <= 0) {
      return;
    }
    lo = Math.max(own ? lo : 0, elapsedMs);
    own = true;
    if (hi > 0 && hi <= lo) {
      hi = lo + RETRY_AFTER_RESOLUTION_MS; // contradicted: widen, the next reset narrows it again
    }
  }

  /**
   * How long after a window's start an early probe, half-way between the bounds, would narrow them;
   * -1 when they are close enough (within {@code max(100 ms, hi / 30)}) or unknown.
   */
  public long earlyProbeAfter() {
    if (hi == 0 || hi - lo <= Math.max(MIN_GAP_MS, hi / 30)) {
      return -1;
    }
    return (lo + hi) / 2;
  }

  public WindowEstimate copy() {
    WindowEstimate c = new WindowEstimate();
    c.lo = lo;
    c.hi = hi;
    c.own = own;
    return c;
  }

  public void restore(WindowEstimate from) {
    lo = from.lo;
    hi = from.hi;
    own = from.own;
  }

  @Override
  public String toString() {
    return "(" + lo + ", " + hi + "]";
  }
}
