package com.ilert.ilagent.pacing;

import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The {@link PacedScope} of every key the pacer holds state for, per kind: made on a key's first
 * request, at most {@link Pacer#MAX_KEYS} per kind (the least recently used going first), and swept
 * once idle with nothing pending (see "Memory" in {@link Pacer}). Requests for no key, and kinds
 * without keys, have no scope here. Not thread-safe.
 */
final class KeyScopes {
  static final long SWEEP_INTERVAL_MS = 60_000;

  private final RateLimits limits;
  private final SharedAllowances shared;
  private final long idleMs;
  private final HeldRecords held;
  private final Map<RequestKind, LinkedHashMap<String, PacedScope>> keys =
      new EnumMap<>(RequestKind.class);
  private long nextSweep = Long.MIN_VALUE;
  private Pacer.Share share = Pacer.Share.ALONE;

  /** The most requests a key's log keeps while unpaced: what its first 429 can teach. */
  static final int KEY_LOG_LIMIT = 1_024;

  /**
   * @param idleMs how long a key must have been idle to be swept
   * @param held the records of each key the agent holds
   */
  KeyScopes(RateLimits limits, long idleMs, SharedAllowances shared, HeldRecords held) {
    this.limits = limits;
    this.held = held;
    this.shared = shared;
    this.idleMs = idleMs;
    for (RequestKind kind : new RequestKind[] {RequestKind.EVENT, RequestKind.PING}) {
      keys.put(
          kind,
          new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, PacedScope> eldest) {
              return size() > Pacer.MAX_KEYS;
            }
          });
    }
  }

  /** The scope of {@code key}, or null if it has none. */
  PacedScope existing(RequestKind kind, String key) {
    LinkedHashMap<String, PacedScope> map = keys.get(kind);
    return map == null || key == null ? null : map.get(key);
  }

  /** The scope of {@code key}, made if it has none; null for no key or a kind without keys. */
  PacedScope getOrCreate(RequestKind kind, String key) {
    LinkedHashMap<String, PacedScope> map = keys.get(kind);
    if (map == null || key == null) {
      return null;
    }
    PacedScope scope = map.get(key);
    if (scope == null) {
      scope =
          new PacedScope(
              limits.perKey(kind),
              limits.windowMs(),
              KEY_LOG_LIMIT,
              shared.of(kind),
              true,
              () -> held.of(kind, key));
      scope.share(share.of(kind), Long.MIN_VALUE);
      map.put(key, scope);
    }
    return scope;
  }

  /** Drops the scopes that hold nothing any more, at most once per {@link #SWEEP_INTERVAL_MS}. */
  void sweep(long now) {
    if (now < nextSweep) {
      return;
    }
    nextSweep = now + SWEEP_INTERVAL_MS;
    for (LinkedHashMap<String, PacedScope> map : keys.values()) {
      for (Iterator<PacedScope> it = map.values().iterator(); it.hasNext(); ) {
        if (it.next().forgettable(now, idleMs)) {
          it.remove();
        }
      }
    }
  }

  /** Applies the agent's shares of the per-key limits to every key, and to keys made later. */
  void share(Pacer.Share newShare, long now) {
    share = newShare;
    keys.forEach((kind, map) -> map.values().forEach(scope -> scope.share(newShare.of(kind), now)));
  }

  /** Calls {@code action} for every key's scope, all kinds together. */
  void forEach(Consumer<PacedScope> action) {
    for (LinkedHashMap<String, PacedScope> map : keys.values()) {
      for (PacedScope scope : map.values()) {
        action.accept(scope);
      }
    }
  }

  /** Keys with state held, all kinds together. */
  int size() {
    int n = 0;
    for (LinkedHashMap<String, PacedScope> map : keys.values()) {
      n += map.size();
    }
    return n;
  }
}
