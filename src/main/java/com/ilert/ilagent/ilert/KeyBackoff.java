package com.ilert.ilagent.ilert;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;

/**
 * "Do not send before" times per integration key, set after a 429 so every record of that key
 * waits while other keys keep flowing (ilert's limit is per key). Times are epoch ms passed in by
 * the caller. Not thread-safe: used on one event loop.
 *
 * <p>Expired entries are dropped when looked up, and a full sweep runs at most once per {@link
 * #SWEEP_INTERVAL_MS} from {@link #remainingMs}, so keys that are never asked again cannot pile up.
 */
public final class KeyBackoff {
  /** How often {@link #remainingMs} sweeps out expired entries of other keys. */
  public static final long SWEEP_INTERVAL_MS = 60_000;

  private final HashMap<String, Long> until = new HashMap<>();
  private long nextSweepEpochMs = Long.MIN_VALUE;

  /** Holds back {@code key} until {@code untilEpochMs}; an existing later time is kept. */
  public void backOff(String key, long untilEpochMs) {
    Objects.requireNonNull(key, "key");
    Long existing = until.get(key);
    if (existing == null || existing < untilEpochMs) {
      until.put(key, untilEpochMs);
    }
  }

  /** How long records of {@code key} must still wait, 0 if they may be sent now. */
  public long remainingMs(String key, long nowEpochMs) {
    if (until.isEmpty()) {
      return 0; // the common case: no 429 anywhere
    }
    if (nowEpochMs >= nextSweepEpochMs) {
      prune(nowEpochMs);
    }
    Long t = until.get(key);
    if (t == null) {
      return 0;
    }
    long remaining = t - nowEpochMs;
    if (remaining <= 0) {
      until.remove(key);
      return 0;
    }
    return remaining;
  }

  /** Drops every entry that has passed at {@code nowEpochMs}. */
  public void prune(long nowEpochMs) {
    for (Iterator<Map.Entry<String, Long>> it = until.entrySet().iterator(); it.hasNext(); ) {
      if (it.next().getValue() <= nowEpochMs) {
        it.remove();
      }
    }
    nextSweepEpochMs = nowEpochMs + SWEEP_INTERVAL_MS;
  }

  /** Keys currently held back (entries not yet pruned may be included). */
  public int size() {
    return until.size();
  }
}
