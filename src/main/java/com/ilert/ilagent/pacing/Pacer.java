package com.ilert.ilagent.pacing;

import java.util.Arrays;

/**
 * Paces requests to ilert per integration key (events), per heartbeat key (pings) and per process,
 * by told limits ({@link RateLimits}) and by limits learned from 429 answers ({@link PacedScope}
 * says how). Pure: times are epoch ms passed in; no Vert.x, no clock, no threads. Not thread-safe:
 * one event loop owns it.
 *
 * <p>The caller, for every request:
 *
 * <ol>
 *   <li>{@link #delayMs}: 0 means send now; otherwise keep the request (and the others of that key)
 *       queued and ask again after that many ms, or after the next {@link #answered}, whichever
 *       comes first. Other keys are asked independently.
 *   <li>{@link #sent} right when the request goes out; keep the returned {@link Sent}.
 *   <li>{@link #answered} with the HTTP status (0 for a network error or timeout) and Retry-After.
 * </ol>
 *
 * <p><b>Whatever limiter ilert runs</b> (fixed windows, a sliding window, a token bucket): each
 * scope keeps at most its allowance in any span of one window and never bursts it at a "reset"
 * ({@link PacedScope}).
 *
 * <p><b>Which limit a 429 is about</b> ilert does not say: {@link LimitJudge} decides. What one key
 * learns, the other keys of its kind take on ({@link SharedAllowances}): ilert limits keys alike.
 *
 * <p><b>A group of agents</b> shares ilert's limits: the per-key ones wherever its members run, the
 * per-IP one among the members behind one egress IP. {@link #share} tells the pacer this agent's
 * part ({@link Allotment}, dealt by the partitions it consumes); told allowances become that part,
 * learned ones are what the agent itself got.
 *
 * <p><b>Memory.</b> A key's state is dropped once it has been idle for {@link #IDLE_MS} (or two
 * windows, if longer) and nothing is pending; at most {@link #MAX_KEYS} keys per kind are kept, the
 * least recently used going first ({@link KeyScopes}). A dropped key starts afresh (its limit
 * learned again by one 429).
 */
public final class Pacer {
  /** 429s of different keys this close together are judged together. */
  public static final long CLUSTER_MS = 1_000;

  public static final int MAX_KEYS = 10_000;
  public static final long IDLE_MS = 10 * 60_000;

  /** The longest wait {@link #delayMs} answers: then the caller asks again. */
  static final long MAX_WAIT_MS = 1_000;

  /** How soon to ask again while this agent's share is being read. */
  static final long SHARE_POLL_MS = 20;

  /** What a 429 was put down to. */
  public enum Verdict {
    /** Not a 429. */
    NONE,
    KEY,
    PROCESS
  }

  /** One request as the pacer saw it go; hand it back to {@link #answered}. */
  public static final class Sent {
    final RequestKind kind;
    final PacedScope keyScope;
    final PacedScope.Sent keyPart;
    final PacedScope.Sent processPart;

    private Sent(
        RequestKind kind,
        PacedScope keyScope,
        PacedScope.Sent keyPart,
        PacedScope.Sent processPart) {
      this.kind = kind;
      this.keyScope = keyScope;
      this.keyPart = keyPart;
      this.processPart = processPart;
    }

    public RequestKind kind() {
      return kind;
    }

    /** When the request went (epoch ms). */
    public long sentAt() {
      return processPart.sentAt();
    }

    @Override
    public String toString() {
      return kind + " key " + keyPart + ", process " + processPart;
    }
  }

  private final RateLimits limits;
  private final PacedScope process;
  private final KeyScopes keys;
  private final SharedAllowances shared;
  private final AmbiguousLimitHold hold = new AmbiguousLimitHold();
  private final LimitJudge judge;
  private Share share = Share.ALONE;
  private boolean shareUnknown;
  private final HeldRecords held = new HeldRecords();

  public Pacer(RateLimits limits) {
    this.limits = limits;
    this.process = PacedScope.forProcess(limits);
    this.shared = new SharedAllowances(limits);
    this.keys = new KeyScopes(limits, Math.max(IDLE_MS, 2 * limits.windowMs()), shared, held);
    this.judge = new LimitJudge(process, keys, shared, hold);
  }

  public RateLimits limits() {
    return limits;
  }

  /**
   * 0 if a request for {@code key} may go at {@code now}; else ms until it is worth asking again
   * (at most {@link #MAX_WAIT_MS}).
   */
  public long delayMs(RequestKind kind, String key, long now) {
    if (shareUnknown) {
      return SHARE_POLL_MS;
    }
    keys.sweep(now);
    if (hold.holds(now)) {
      return PacedScope.PROBE_POLL_MS;
    }
    long delay = process.delayMs(now);
    PacedScope scope = keys.existing(kind, key);
    if (scope != null) {
      shared.adoptInto(kind, scope);
      delay = Math.max(delay, scope.delayMs(now));
    }
    // What the pacer knows may change meanwhile (another key learns the window's length, a share
    // grows): a caller that waits this long asks again soon enough.
    return Math.min(delay, MAX_WAIT_MS);
  }

  /** The request for {@code key} went at {@code now}. */
  public Sent sent(RequestKind kind, String key, long now) {
    hold.sent();
    PacedScope scope = keys.getOrCreate(kind, key);
    PacedScope.Sent keyPart = null;
    if (scope != null) {
      shared.adoptInto(kind, scope);
      keyPart = scope.onSent(now);
    }
    return new Sent(kind, scope, keyPart, process.onSent(now));
  }

  /**
   * The answer to {@code sent} came at {@code now}.
   *
   * @param status the HTTP status, or 0 when no answer came (network error, timeout)
   * @param retryAfterMs the Retry-After in ms, or -1 when absent
   * @return what a 429 was put down to; {@link Verdict#NONE} for any other status
   */
  public Verdict answered(Sent sent, int status, long retryAfterMs, long now) {
    PacedScope held = hold.answered(sent.sentAt());
    if (status == 429) {
      return judge.limited(sent, held, retryAfterMs, now);
    }
    if (status <= 0) {
      process.onNoAnswer(sent.processPart, now);
      if (sent.keyScope != null) {
        sent.keyScope.onNoAnswer(sent.keyPart, now);
      }
    } else {
      process.onAnswer(sent.processPart, now);
      if (sent.keyScope != null) {
        sent.keyScope.onAnswer(sent.keyPart, now);
      }
    }
    return Verdict.NONE;
  }

  /**
   * Records of {@code key} this agent holds changed by {@code delta}: +1 for each record taken on,
   * -1 once it is done with (delivered, given up, dropped). In a group the pacer then knows when a
   * key's records outrun this agent's part only by a short tail, the one time the other members are
   * likely to leave room (see {@link PacedScope}); without it, a told part is never exceeded.
   */
  public void waiting(RequestKind kind, String key, int delta) {
    held.change(kind, key, delta);
  }

  /**
   * This agent's share, from {@code now} on, of limits it shares with other agents (members of its
   * consumer group): of the per-key limits (ilert counts them per tenant, wherever its requests
   * come from), per kind, and of the per-IP limit (the members behind this agent's egress IP). Told
   * allowances become that share of the told numbers; learned ones scale with it. A larger share
   * applies one window later, once the requests of members that left have left the window.
   */
  public void share(Share share, long now) {
    this.share = share;
    keys.share(share, now);
    process.share(share.ip(), now);
  }

  /**
   * While true, nothing goes: an assignment came and this agent's part of the group's limits is
   * being read (a round trip to the consumer), so that the first requests of new partitions are not
   * paced by the whole limit.
   */
  public void shareUnknown(boolean unknown) {
    shareUnknown = unknown;
  }

  /** The shares last set by {@link #share}. */
  public Share share() {
    return share;
  }

  /**
   * An agent's part of limits it shares with other agents: of events' and pings' per-key limits
   * (ilert counts them per tenant, whichever agent sends) and of the per-IP limit (the agents
   * behind one egress IP). Each is an {@link Allotment}: {@link #ALONE} for an agent that shares
   * nothing.
   */
  public record Share(Allotment events, Allotment pings, Allotment ip) {
    public static final Share ALONE = new Share(Allotment.ALL, Allotment.ALL, Allotment.ALL);

    /** The part of the per-key limits of this kind ({@link #ip} for other API calls). */
    public Allotment of(RequestKind kind) {
      return switch (kind) {
        case EVENT -> events;
        case PING -> pings;
        case OTHER_API -> ip;
      };
    }
  }

  /**
   * A part of a limit that the agents of a group deal out by the partitions they consume: the
   * records of a key are spread over the partitions, so an agent's part of the traffic is its part
   * of the partitions. Of {@code n} requests per window each of the {@code total} partitions gets
   * {@code n / total}, the remainder one each to the first partitions (in a fixed order every agent
   * knows: topic, then partition number): the agents' allotments add up to exactly {@code n}.
   *
   * @param total the partitions the limit is dealt over (at least 1)
   * @param owned the indices (in that order, 0-based) of this agent's partitions, ascending
   */
  public record Allotment(int total, int[] owned) {
    /** The whole limit: an agent alone. */
    public static final Allotment ALL = new Allotment(1, new int[] {0});

    public Allotment {
      if (total < 1) {
        throw new IllegalArgumentException("an allotment needs at least one partition: " + total);
      }
      owned = owned.clone();
      for (int i : owned) {
        if (i < 0 || i >= total) {
          throw new IllegalArgumentException("partition index " + i + " not below " + total);
        }
      }
    }

    /** This agent's part of {@code n} per window; at least 1 (an agent always may send). */
    public int of(int n) {
      int got = 0;
      for (int i : owned) {
        got += n / total + (i < n % total ? 1 : 0);
      }
      return Math.max(1, got);
    }

    /** This agent's fraction of the limit, in (0, 1]. */
    public double fraction() {
      return Math.max(1, owned.length) / (double) total;
    }

    public boolean whole() {
      return owned.length >= total;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Allotment a && a.total == total && Arrays.equals(a.owned, owned);
    }

    @Override
    public int hashCode() {
      return 31 * total + Arrays.hashCode(owned);
    }

    @Override
    public String toString() {
      return owned.length + " of " + total;
    }
  }

  // ---- for logs and metrics ----

  /** Keys with state held, all kinds together. */
  public int trackedKeys() {
    return keys.size();
  }

  /**
   * The allowance in force for a key, e.g. "50 per 60000 ms (learned)", or null when it is unpaced.
   * Never contains the key.
   */
  public String describe(RequestKind kind, String key) {
    PacedScope scope = keys.existing(kind, key);
    return scope == null || scope.allowance() == 0 ? null : scope.toString();
  }

  /** The process-wide allowance in force, or null when it is unpaced. */
  public String describeProcess() {
    return process.allowance() == 0 ? null : process.toString();
  }
}
