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
  private final long idleMs;
  private final Map<RequestKind, LinkedHashMap<String, PacedScope>> keys =
      new EnumMap<>(RequestKind.class);
  private long nextSweep = Long.MIN_VALUE;

  /**
   * @param idleMs how long a key must have been idle to be swept
   */
  KeyScopes(RateLimits limits, long idleMs) {
    this.limits = limits;
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
      scope = new PacedScope(limits.perKey(kind), limits.windowMs());
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
