package com.ilert.ilagent.pacing;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;

/**
 * How many records of each key the agent holds, as the dispatcher reports them ({@link
 * Pacer#waiting}): what a group member's tail try asks ({@link SendGate}). One thread.
 */
final class HeldRecords {
  private final Map<RequestKind, Map<String, Integer>> counts = new EnumMap<>(RequestKind.class);

  /** Records of {@code key} held changed by {@code delta}. */
  void change(RequestKind kind, String key, int delta) {
    if (key == null) {
      return;
    }
    Map<String, Integer> m = counts.computeIfAbsent(kind, k -> new HashMap<>());
    int n = m.getOrDefault(key, 0) + delta;
    if (n > 0) {
      m.put(key, n);
    } else {
      m.remove(key); // nothing held: no entry, so a key's count costs nothing once it is done
    }
  }

  /** Records of {@code key} held, or -1 while nothing of its kind was ever reported. */
  int of(RequestKind kind, String key) {
    Map<String, Integer> m = counts.get(kind);
    return m == null ? -1 : m.getOrDefault(key, 0);
  }
}
