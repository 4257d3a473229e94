package com.ilert.ilagent.pacing;

/**
 * One limit as the agent sees it: one integration key, one heartbeat key, or the whole process.
 * Paces by a told allowance, a learned one or both ({@link Allowance}), and learns from 429
 * answers. Pure: times are epoch ms passed in, no clock, no threads; used from one thread.
 *
 * <p>The model: the server counts requests in fixed windows (ilert: a minute) and answers 429 once
 * a window's allowance is used, until the window resets. So:
 *
 * <ul>
 *   <li><b>Allowance</b> ({@link AllowancePacing}): at most {@code a} counted requests in any span
 *       of one window (plus a margin for latency jitter), on a sliding log of send times.
 *   <li><b>Learning the allowance</b> ({@link Allowance}): the requests answered (not 429) in our
 *       current window ({@link ScopeWindow}) when its first 429 arrives. What a window that is not
 *       <i>clean</i> teaches is <i>tentative</i> (an earlier process may have used the server's
 *       window), and single requests probe above it, one at a time, in the next clean window.
 *   <li><b>Learning the window</b>: bounds on the server's window length ({@link WindowEstimate})
 *       from Retry-After and from probes; while they are far apart, one early probe per window,
 *       half-way between them, narrows them.
 *   <li><b>After a 429</b> ({@link LimitLearner}, {@link ProbeGate}): nothing goes until the
 *       expected reset; then one request goes alone (the probe); its success starts a new clean
 *       window, its 429 blocks again. A scope paced by a learned allowance also starts each later
 *       window with such a probe, so a window length that was learned too short costs one 429, not
 *       a burst.
 * </ul>
 *
 * This class takes the pacer's questions and events and hands them to those parts, which share the
 * scope's {@link Allowance}, {@link ScopeWindow}, {@link ProbeGate} and {@link SendLog}.
 */
final class PacedScope {
  /**
   * How soon to ask again while a probe is on the wire (the caller asks again on every answer
   * anyway).
   */
  static final long PROBE_POLL_MS = 100;

  static final long MIN_MARGIN_MS = 50;

  /** What a request was besides an ordinary one. */
  enum Probe {
    NONE,
    /** Alone after a block or at a learned window's start: has the server's window reset? */
    RESET,
    /** Alone, above a tentative allowance: is the allowance larger? */
    ABOVE,
    /** Alone, before the window's known upper bound: is the window shorter? */
    EARLY
  }

  /** This scope's record of one request. */
  record Sent(int generation, Probe probe, long sentAt) {}

  private final Allowance allowance;
  private final ScopeWindow window = new ScopeWindow();
  private final SendLog log = new SendLog();
  private final ProbeGate gate = new ProbeGate();
  private final AllowancePacing pacing;
  private final LimitLearner limits;
  private long lastSeen;

  /**
   * @param told the told allowance per window, 0 = none
   * @param toldWindowMs the window the told allowance refers to
   */
  PacedScope(int told, long toldWindowMs) {
    this.allowance = new Allowance(told);
    this.pacing = new AllowancePacing(allowance, toldWindowMs, window, gate, log);
    this.limits = new LimitLearner(allowance, window, gate);
  }

  // ---- asking ----

  /** 0 if a request may go at {@code now}, else how many ms until asking again makes sense. */
  long delayMs(long now) {
    long held = gate.delayMs(now);
    return held >= 0 ? held : pacing.delayMs(now);
  }

  // ---- telling ----

  /** A request went at {@code now} (normally after {@link #delayMs} said 0). */
  Sent onSent(long now) {
    lastSeen = now;
    if (gate.resetProbeNeeded() || pacing.windowStartProbeDue(now)) {
      gate.probeSent(Probe.RESET);
      return new Sent(window.generation(), Probe.RESET, now);
    }
    if (window.start() < 0) {
      openWindow(now, window.everOpened(), false);
    } else if (window.ranOut(now, pacing.windowMs())) {
      openWindow(now, true, true);
    }
    Probe probe = pacing.sent(now);
    if (probe != Probe.NONE) {
      gate.probeSent(probe);
    }
    return new Sent(window.generation(), probe, now);
  }

  /** An answer other than 429 came for {@code s}. */
  void onAnswer(Sent s, long now) {
    lastSeen = Math.max(lastSeen, now);
    switch (s.probe()) {
      case RESET, EARLY -> {
        gate.windowReset();
        window.resetSeen(s.sentAt(), s.probe() == Probe.EARLY);
        openWindow(s.sentAt(), true, false);
        log.clear();
        log.addAnswered(now);
        window.accept(window.generation()); // the probe is the new window's first request
      }
      case ABOVE -> {
        log.answered(s.sentAt(), now);
        gate.probeAnswered();
        if (window.accept(s.generation())) {
          allowance.aboveGotThrough();
        }
      }
      case NONE -> {
        log.answered(s.sentAt(), now);
        if (window.accept(s.generation()) && window.limited()) {
          allowance.answeredAfterLimit(window.generation(), window.accepted());
        }
      }
    }
  }

  /**
   * No answer came for {@code s} (network error, timeout): it may have counted, at the latest now;
   * it taught nothing.
   */
  void onNoAnswer(Sent s, long now) {
    log.answered(s.sentAt(), now);
    gate.probeLost(s.probe());
  }

  /**
   * A 429 for {@code s} was put down to another scope: the request did not count here and taught
   * this scope nothing.
   */
  void onLimitedElsewhere(Sent s) {
    log.remove(s.sentAt());
    gate.probeLost(s.probe());
  }

  /**
   * A 429 for {@code s} is this scope's limit.
   *
   * @param retryAfterMs the answer's Retry-After in ms, or -1
   * @param countTrusted false when the count of this window looks too small to be the allowance
   *     (the caller suspects another limit); it is then learned only tentatively
   */
  void onLimited(Sent s, long retryAfterMs, long now, boolean countTrusted) {
    lastSeen = Math.max(lastSeen, now);
    log.remove(s.sentAt());
    limits.limited(s, retryAfterMs, now, countTrusted);
  }

  /**
   * Takes on another key's learned allowance and window, tentatively, while this key has none of
   * its own: ilert limits every key alike, so a key that reaches the count at which another one was
   * stopped would be stopped too. Called again as the other key learns more; ends once this key
   * learns from a 429 of its own, or drops the allowance as wrong.
   */
  void adopt(PacedScope other) {
    if (allowance.adopt(other.allowance.learned(), window.limited())) {
      window.bounds().adopt(other.window.bounds().lo(), other.window.bounds().hi());
    }
  }

  /**
   * Makes a learned allowance tentative again: the limit it was learned from turned out to be the
   * process's, so in its next clean window the scope probes above it (see the class comment).
   */
  void demote() {
    allowance.demote();
  }

  /**
   * Takes back the last {@link #onLimited} of the current window: the 429 turned out to be another
   * scope's.
   */
  void undoLastLimit() {
    limits.undoLast();
  }

  // ---- state for the pacer ----

  int generation() {
    return window.generation();
  }

  /** Requests answered (not 429) in the current window so far. */
  int accepted() {
    return window.accepted();
  }

  /** True if the current window already had its 429 and {@code s} belongs to it. */
  boolean limitedIn(Sent s) {
    return window.limited() && s.generation() == window.generation();
  }

  /** The learned allowance once confirmed, else 0. */
  int confirmedAllowance() {
    return allowance.confirmed();
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
    return now - lastSeen >= idleMs && gate.holdsNothing(now);
  }

  // ---- inner workings ----

  /** Opens a new window: the probe back-off and the probes above the allowance start afresh. */
  private void openWindow(long at, boolean isClean, boolean byTime) {
    window.open(at, isClean, byTime);
    gate.windowOpened();
    allowance.windowOpened();
  }

  /** Slack added to a window: requests sent one window apart may arrive closer together. */
  static long marginMs(long windowMs) {
    return Math.max(MIN_MARGIN_MS, windowMs / 50);
  }

  @Override
  public String toString() {
    return "allowance "
        + allowance
        + " per "
        + pacing.windowMs()
        + " ms, window bounds "
        + window.bounds()
        + (gate.blockedUntil() > 0 ? ", blocked until " + gate.blockedUntil() : "");
  }
}
