package com.ilert.ilagent.pacing;

import com.ilert.ilagent.pacing.learning.Allowance;
import com.ilert.ilagent.pacing.learning.Episodes;
import com.ilert.ilagent.pacing.learning.RunStart;
import java.util.function.IntSupplier;

/**
 * One limit as the agent sees it: one integration key, one heartbeat key, or the whole process.
 * Takes the pacer's questions and events and hands them to its parts:
 *
 * <ul>
 *   <li>{@link SendLog}: its requests in the last window, which it never lets exceed the allowance,
 *       whatever window model the server runs (fixed, sliding, token bucket);
 *   <li>{@link Allowance}: the told allowance, or what 429s taught (tentative, confirmed, a rate, a
 *       token bucket's burst); {@link SharedAllowances.Kind}: what the keys of its kind share, as
 *       the server window's bounds;
 *   <li>{@link SendGate}: when the next request may go, and which go alone as probes;
 *   <li>{@link LimitLearner}: what an answer or a 429 teaches, and how to take a 429 back;
 *   <li>{@link GroupPart}: this agent's part of a limit shared with the other members of its group.
 * </ul>
 *
 * Unpaced until the first 429 (or paced by a told allowance). docs/delivery.md, "Rate limits and
 * pacing", tells the rules. Pure: times are epoch ms passed in, no clock, no threads; one thread.
 */
final class PacedScope {
  /**
   * How soon to ask again while a request that must go alone is on the wire (the caller asks again
   * on every answer anyway).
   */
  static final long PROBE_POLL_MS = 100;

  static final long MIN_MARGIN_MS = 10;

  /** The window assumed before anything is known: ilert's minute. */
  static final long DEFAULT_WINDOW_MS = RateLimits.ILERT_WINDOW_MS;

  /** The most requests the process's log keeps while unpaced: what its first 429 can teach. */
  static final int PROCESS_LOG_LIMIT = 100_000;

  /** What a request was besides an ordinary one. */
  enum Probe {
    NONE,
    /** Alone after a 429 without Retry-After: has the server's window room again? */
    RESET,
    /** Alone, before the window's upper bound has passed: is the window shorter? */
    EARLY,
    /** Alone, above a tentative allowance: is the allowance larger? */
    ABOVE,
    /** Alone, above this agent's share of a limit shared with other agents: have they left room? */
    SPARE,
    /**
     * Alone, above this agent's told part, for the short tail of a key's records at the end of a
     * backlog: have the other members, done with theirs, left room?
     */
    TAIL
  }

  /**
   * This scope's record of one request.
   *
   * @param alone whether nothing else of the scope went while it was on the wire
   * @param since what a probe's answer is measured from: the send time of the oldest request in the
   *     window (the run's first for a reset probe)
   * @param sinceAnswered that request's answer time
   */
  record Sent(
      long sentAt, int episode, boolean alone, Probe probe, long since, long sinceAnswered) {}

  private final int logLimit;
  private final SharedAllowances.Kind kind;
  private final SendLog log = new SendLog();
  private final Allowance allowance;
  private final Episodes episodes = new Episodes();
  private final RunStart runs = new RunStart();
  private final GroupPart group;
  private final SendGate gate;
  private final LimitLearner learner;
  private long lastSeen;

  /**
   * @param told the told allowance per window, 0 = none
   * @param toldWindowMs the window the told allowance refers to
   * @param logLimit how many requests the log keeps while nothing paces the scope: the most a first
   *     429 can teach
   * @param kind what this scope shares with the other scopes of its kind (the process has one of
   *     its own)
   * @param perKey true for a key's scope, false for the process's
   * @param held how many records of the scope's key the agent holds, -1 if unknown
   */
  PacedScope(
      int told,
      long toldWindowMs,
      int logLimit,
      SharedAllowances.Kind kind,
      boolean perKey,
      IntSupplier held) {
    this.logLimit = logLimit;
    this.kind = kind;
    this.allowance = new Allowance(told);
    this.group = new GroupPart(told, allowance);
    this.gate =
        new SendGate(log, allowance, episodes, runs, kind, group, toldWindowMs, perKey, held);
    this.learner = new LimitLearner(log, allowance, episodes, runs, kind, group, gate);
  }

  /** The whole process's scope, with a window-bounds estimate of its own. */
  static PacedScope forProcess(RateLimits limits) {
    return new PacedScope(
        limits.total(),
        limits.windowMs(),
        PROCESS_LOG_LIMIT,
        new SharedAllowances.Kind(),
        false,
        () -> -1);
  }

  // ---- asking ----

  /** 0 if a request may go at {@code now}, else how many ms until asking again makes sense. */
  long delayMs(long now) {
    group.applyDue(now);
    return gate.delayMs(now);
  }

  // ---- telling ----

  /** A request went at {@code now} (normally after {@link #delayMs} said 0). */
  Sent onSent(long now) {
    lastSeen = now;
    int a = allowance.inForce();
    long w = windowMs();
    log.dropUpTo(now - w - marginMs(w));
    runs.sent(now, log.size() == 0);
    Sent s = gate.onSent(now, a);
    log.add(now);
    if (allowance.bucket().paces(a)) {
      allowance.bucket().take(now, a, w);
    }
    int keep = Math.max(a, Math.max(allowance.told(), allowance.learned())) + 1;
    log.keepNewest(a > 0 ? keep : logLimit);
    return s;
  }

  /** An answer other than 429 came for {@code s}. */
  void onAnswer(Sent s, long now) {
    lastSeen = Math.max(lastSeen, now);
    log.answered(s.sentAt(), now);
    runs.answered(s.sentAt(), now);
    gate.onAnswer(s);
    learner.onAnswer(s, now);
  }

  /**
   * No answer came for {@code s} (network error, timeout): it may have counted, at the latest now;
   * it taught nothing.
   */
  void onNoAnswer(Sent s, long now) {
    log.answered(s.sentAt(), now);
    gate.onNotAnswered(s);
  }

  /**
   * A 429 for {@code s} was put down to another scope: the request did not count here and taught
   * this scope nothing.
   */
  void onLimitedElsewhere(Sent s) {
    log.remove(s.sentAt());
    gate.onNotAnswered(s);
  }

  /**
   * A 429 for {@code s} is this scope's limit.
   *
   * @param retryAfterMs the answer's Retry-After in ms, or -1
   */
  void onLimited(Sent s, long retryAfterMs, long now) {
    lastSeen = Math.max(lastSeen, now);
    log.remove(s.sentAt());
    gate.endAlone(s);
    learner.onLimited(s, retryAfterMs, now);
  }

  /** Takes back the last {@link #onLimited}: the 429 turned out to be another scope's. */
  void undoLastLimit() {
    learner.undoLastLimit();
  }

  /**
   * Takes on another key's learned allowance (and told burst), tentatively, while this key has none
   * of its own: ilert limits every key alike ({@link Allowance#adopt}).
   */
  void adopt(PacedScope other) {
    allowance.adopt(other.allowance, runs.limitedInRun());
  }

  /** True if another key may take on what this one learned. */
  boolean teaches() {
    return allowance.teaches();
  }

  /**
   * The limit the learned allowance came from may have been the process's, which now paces every
   * key: so after its next 429 the key learns its own again ({@link Allowance#demote}).
   */
  void demote() {
    allowance.demote();
  }

  /** This agent's share of the limit changed at {@code now} ({@link GroupPart#set}). */
  void share(Pacer.Allotment newShare, long now) {
    group.set(newShare, now, this::windowMs);
  }

  // ---- state for the pacer ----

  /** True while this agent paces the whole limit, not a group member's share of it. */
  boolean whole() {
    return group.whole();
  }

  /** Requests answered (not 429) in the window so far. */
  int accepted(long now) {
    long w = windowMs();
    return log.answeredAfter(now - w - marginMs(w));
  }

  /** True if {@code s} was sent before the scope's last 429 was known (the same limit). */
  boolean limitedIn(Sent s) {
    return episodes.sentBefore(s.sentAt());
  }

  /** The learned allowance once confirmed, else 0. */
  int confirmedAllowance() {
    return allowance.confirmed() ? allowance.learned() : 0;
  }

  /** The allowance in force, 0 = none. */
  int allowance() {
    return allowance.inForce();
  }

  /** The learned allowance, confirmed or tentative; 0 if none. */
  int learnedAllowance() {
    return allowance.learned();
  }

  /** True if the scope holds nothing that matters any more at {@code now}. */
  boolean forgettable(long now, long idleMs) {
    return now - lastSeen >= idleMs && gate.idle(now);
  }

  /** The window the allowance is paced in. */
  long windowMs() {
    return gate.windowMs();
  }

  /** Slack added to a window: requests sent one window apart may arrive closer together. */
  static long marginMs(long windowMs) {
    return Math.max(MIN_MARGIN_MS, windowMs / 200);
  }

  @Override
  public String toString() {
    long blockedUntil = gate.blockedUntil();
    return allowance
        + " per "
        + windowMs()
        + " ms, window bounds "
        + kind.bounds
        + (blockedUntil > 0 ? ", blocked until " + blockedUntil : "");
  }
}
