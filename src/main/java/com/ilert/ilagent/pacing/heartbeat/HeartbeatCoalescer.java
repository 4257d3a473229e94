package com.ilert.ilagent.pacing.heartbeat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.Predicate;

/**
 * At most one ping per heartbeat key per interval, leading and trailing: a ping says "alive", and
 * more of them than ilert's 5 a minute only earn 429s. The first record of a quiet key pings at
 * once; records within the interval after that ping are coalesced; when the interval ends a
 * trailing ping goes out if any record was coalesced, carrying the newest of them, so the last
 * record's liveness always reaches ilert, at most one interval late.
 *
 * <p>Each record is represented by a token of the caller's choosing (e.g. its offset handle):
 *
 * <ul>
 *   <li>{@link #onRecord} answers {@link Decision#sendNow()}: ping now, commit the record after it.
 *   <li>Otherwise the record rides on the pending trailing ping (do not commit it yet), and the
 *       record it replaced there, {@link Decision#superseded()} (null for the first), is done:
 *       commit it now and count it {@code result="coalesced"}.
 *   <li>{@link #due} at {@link #nextDueAt()} (a timer) returns the trailing pings to send now, each
 *       with the token riding on it; commit that record when its ping is done.
 * </ul>
 *
 * So every record is committed within one interval (plus a ping's round trip) after it arrived.
 * Pure: times are epoch ms passed in; not thread-safe, one event loop owns it. Memory: a key is
 * held only while its interval runs or a trailing ping is pending.
 *
 * @param <T> the caller's record token
 */
public final class HeartbeatCoalescer<T> {
  /** What to do with a record. */
  public record Decision<T>(boolean sendNow, T superseded) {
    static final Decision<?> SEND_NOW = new Decision<>(true, null);
  }

  /** A trailing ping to send now, and the record that rides on it. */
  public record Due<T>(String key, T token) {}

  private static final class KeyState<T> {
    long lastPingAt;
    T pending;

    KeyState(long lastPingAt) {
      this.lastPingAt = lastPingAt;
    }
  }

  private record Pending(long dueAt, String key) {}

  private final long intervalMs;
  private final Map<String, KeyState<T>> states = new HashMap<>();
  private final PriorityQueue<Pending> queue =
      new PriorityQueue<>((a, b) -> Long.compare(a.dueAt(), b.dueAt()));
  private long nextPrune = Long.MIN_VALUE;

  /**
   * @param intervalMs normally {@link com.ilert.ilagent.pacing.RateLimits#pingIntervalMs()} (12.24
   *     s for ilert's 5 a minute)
   */
  public HeartbeatCoalescer(long intervalMs) {
    if (intervalMs < 1) {
      throw new IllegalArgumentException("interval must be >= 1 ms: " + intervalMs);
    }
    this.intervalMs = intervalMs;
  }

  public long intervalMs() {
    return intervalMs;
  }

  /** A heartbeat record for {@code key} arrived at {@code now}. */
  @SuppressWarnings("unchecked")
  public Decision<T> onRecord(String key, T token, long now) {
    prune(now);
    KeyState<T> state = states.get(key);
    if (state == null || (state.pending == null && now >= state.lastPingAt + intervalMs)) {
      states.put(key, new KeyState<>(now));
      return (Decision<T>) Decision.SEND_NOW;
    }
    T superseded = state.pending;
    state.pending = token;
    if (superseded == null) {
      queue.add(new Pending(state.lastPingAt + intervalMs, key));
    }
    return new Decision<>(false, superseded);
  }

  /** The trailing pings due at {@code now}; each key's next interval starts now. */
  public List<Due<T>> due(long now) {
    List<Due<T>> out = new ArrayList<>();
    while (!queue.isEmpty() && queue.peek().dueAt() <= now) {
      Pending p = queue.poll();
      KeyState<T> state = states.get(p.key());
      if (state == null || state.pending == null) {
        continue;
      }
      out.add(new Due<>(p.key(), state.pending));
      state.pending = null;
      state.lastPingAt = now;
    }
    return out;
  }

  /** When the next trailing ping is due, or {@link Long#MAX_VALUE} if none is pending. */
  public long nextDueAt() {
    Pending head = queue.peek();
    return head == null ? Long.MAX_VALUE : head.dueAt();
  }

  /**
   * Every pending trailing ping, due or not (e.g. at shutdown, to send them or to leave their
   * records uncommitted); nothing is pending afterwards.
   */
  public List<Due<T>> takeAll() {
    List<Due<T>> out = new ArrayList<>();
    for (Pending p : queue) {
      KeyState<T> state = states.get(p.key());
      if (state != null && state.pending != null) {
        out.add(new Due<>(p.key(), state.pending));
        state.pending = null;
      }
    }
    queue.clear();
    return out;
  }

  /**
   * Drops the pending tokens that match (e.g. records of a revoked partition, which are no longer
   * ours to commit); their trailing pings are not sent unless another record comes. Returns them.
   */
  public List<T> abandon(Predicate<T> which) {
    List<T> out = new ArrayList<>();
    for (KeyState<T> state : states.values()) {
      if (state.pending != null && which.test(state.pending)) {
        out.add(state.pending);
        state.pending = null;
      }
    }
    return out;
  }

  /** Records riding on pending trailing pings. */
  public int pendingCount() {
    int n = 0;
    for (KeyState<T> state : states.values()) {
      if (state.pending != null) {
        n++;
      }
    }
    return n;
  }

  /** Keys held (in their interval or with a pending ping). */
  public int trackedKeys() {
    return states.size();
  }

  /** Forgets keys whose interval has passed with nothing pending: they behave as never seen. */
  private void prune(long now) {
    if (now < nextPrune) {
      return;
    }
    nextPrune = now + intervalMs;
    for (Iterator<KeyState<T>> it = states.values().iterator(); it.hasNext(); ) {
      KeyState<T> state = it.next();
      if (state.pending == null && now >= state.lastPingAt + intervalMs) {
        it.remove();
      }
    }
  }
}
