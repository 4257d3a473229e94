package com.ilert.ilagent.pacing;

import com.ilert.ilagent.pacing.learning.WindowEstimate;
import java.util.EnumMap;
import java.util.Map;

/**
 * What the keys of one kind learn from each other: ilert limits every key of a kind alike. Per
 * kind, the server window's bounds (every key measures the same window, {@link Kind#bounds}), the
 * largest allowance a key confirmed, which a key's count at its first 429 is measured against (see
 * {@link LimitJudge}), and the key whose learned allowance and burst the other keys take on while
 * they have none of their own ({@link PacedScope#adopt}). Forgotten when the process's limit is
 * learned, as what the keys learned may have been that limit. Not thread-safe.
 */
final class SharedAllowances {

  /** What the keys of one kind share. */
  static final class Kind {
    final WindowEstimate bounds = new WindowEstimate();

    /** True while one key's early probe (narrowing the bounds) is on the wire. */
    boolean earlyProbeOut;

    /**
     * True once a key of the kind was found to be refilled at a rate (a token bucket): the window's
     * bounds then mean little, and early probes would only find a token.
     */
    boolean rateLimited;

    /**
     * True once a key of the kind had its whole allowance get through again a window after its 429,
     * and one more refused: the server counts in windows, and narrowing their bounds pays.
     */
    boolean windowConfirmed;

    /** Until when no key tries above this agent's share again (one was refused). */
    long spareRefusedUntil;

    /** True while one key's try above this agent's share is on the wire. */
    boolean spareProbeOut;

    int largestConfirmed;
    PacedScope reference;
  }

  private final RateLimits limits;
  private final Map<RequestKind, Kind> kinds = new EnumMap<>(RequestKind.class);

  SharedAllowances(RateLimits limits) {
    this.limits = limits;
    for (RequestKind k : RequestKind.values()) {
      kinds.put(k, new Kind());
    }
  }

  /** The shared state of this kind's keys. */
  Kind of(RequestKind kind) {
    return kinds.get(kind);
  }

  /** The per-key allowance a key of this kind is expected to have, 0 if none is known. */
  int expected(RequestKind kind, PacedScope scope) {
    int own = scope.confirmedAllowance();
    if (own > 0) {
      return own;
    }
    int told = limits.perKey(kind);
    return told > 0 ? told : kinds.get(kind).largestConfirmed;
  }

  /** Lets {@code scope} take on the learned allowance of its kind's reference key, if any. */
  void adoptInto(RequestKind kind, PacedScope scope) {
    PacedScope ref = kinds.get(kind).reference;
    if (ref != null && ref != scope) {
      scope.adopt(ref);
    }
  }

  /**
   * {@code scope} learned from a 429 of its own.
   *
   * @param trusted false when its count was far below its kind's known allowance: then the other
   *     keys do not take on what it learned
   */
  void learnedFrom(RequestKind kind, PacedScope scope, boolean trusted) {
    Kind k = kinds.get(kind);
    int confirmed = scope.confirmedAllowance();
    if (confirmed > 0) {
      k.largestConfirmed = Math.max(k.largestConfirmed, confirmed);
    }
    if (trusted && scope.teaches()) {
      k.reference = scope;
    }
  }

  /** Forgets what the keys taught each other about allowances (the window stays). */
  void clear() {
    for (Kind k : kinds.values()) {
      k.largestConfirmed = 0;
      k.reference = null;
    }
  }
}
