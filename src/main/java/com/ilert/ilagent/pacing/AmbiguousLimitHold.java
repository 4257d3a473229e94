package com.ilert.ilagent.pacing;

/**
 * After a key's 429 far below any allowance, which may be the key's own limit or the per-IP one:
 * the next request, of whichever key, goes alone, and nothing else goes until its answer (or {@link
 * #HOLD_MAX_MS}). Refused too and of another key, both 429s were the process's; otherwise the key's
 * stands. One request tells them apart instead of a whole wave on the wire. One thread.
 */
final class AmbiguousLimitHold {
  /**
   * The longest the process keeps one request on the wire after a 429 it could not tell apart: an
   * answer normally ends that much sooner.
   */
  static final long HOLD_MAX_MS = 5_000;

  private long heldAt = -1;
  private PacedScope heldKey;
  private boolean probeOut;

  /** The 429 of {@code key} at {@code now} could not be told apart: hold. */
  void begin(PacedScope key, long now) {
    heldAt = now;
    heldKey = key;
    probeOut = false;
  }

  /** True while the request that tells the limits apart is on the wire: nothing else goes. */
  boolean holds(long now) {
    if (heldAt >= 0 && now - heldAt > HOLD_MAX_MS) {
      heldAt = -1;
    }
    return heldAt >= 0 && probeOut;
  }

  /** A request went: while held, it is the one that tells. */
  void sent() {
    if (heldAt >= 0) {
      probeOut = true;
    }
  }

  /**
   * The request sent at {@code sentAt} was answered: if it was the one that tells, the hold ends
   * and the key whose 429 it was is returned, else null.
   */
  PacedScope answered(long sentAt) {
    if (heldAt < 0 || sentAt < heldAt) {
      return null;
    }
    PacedScope held = heldKey;
    heldAt = -1;
    heldKey = null;
    return held;
  }
}
