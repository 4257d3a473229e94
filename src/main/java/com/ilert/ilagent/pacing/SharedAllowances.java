package com.ilert.ilagent.pacing;

import java.util.EnumMap;
import java.util.Map;

/**
 * What the keys of one kind learn from each other: ilert limits every key of a kind alike. Per
 * kind, the largest allowance a key confirmed, which a key's count at its first 429 is measured
 * against (see {@link LimitJudge}), and the key whose learned allowance the other keys take on
 * while they have none of their own ({@link PacedScope#adopt}). Forgotten when the process's limit
 * is learned, as what the keys learned may have been that limit. Not thread-safe.
 */
final class SharedAllowances {
  private final RateLimits limits;
  private final Map<RequestKind, Integer> largestConfirmed = new EnumMap<>(RequestKind.class);

  /** Per kind, the key whose learned allowance the other keys of that kind take on. */
  private final Map<RequestKind, PacedScope> reference = new EnumMap<>(RequestKind.class);

  SharedAllowances(RateLimits limits) {
    this.limits = limits;
  }

  /** The per-key allowance a key of this kind is expected to have, 0 if none is known. */
  int expected(RequestKind kind, PacedScope scope) {
    int own = scope.confirmedAllowance();
    if (own > 0) {
      return own;
    }
    int told = limits.perKey(kind);
    return told > 0 ? told : largestConfirmed.getOrDefault(kind, 0);
  }

  /** Lets {@code scope} take on the learned allowance of its kind's reference key, if any. */
  void adoptInto(RequestKind kind, PacedScope scope) {
    PacedScope ref = reference.get(kind);
    if (ref != null && ref != scope && ref.learnedAllowance() > 0) {
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
    int confirmed = scope.confirmedAllowance();
    if (confirmed > 0) {
      largestConfirmed.merge(kind, confirmed, Math::max);
    }
    if (trusted && scope.learnedAllowance() > 0) {
      reference.put(kind, scope);
    }
  }

  /** Forgets what the keys taught each other. */
  void clear() {
    largestConfirmed.clear();
    reference.clear();
  }
}
