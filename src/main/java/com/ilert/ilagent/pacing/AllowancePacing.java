package com.ilert.ilagent.pacing;

import com.ilert.ilagent.pacing.PacedScope.Probe;

/**
 * Paces one scope's requests by the allowance in force: at most {@code a} counted requests in any
 * span of one window (plus a margin for latency jitter); a sliding log of send times ({@link
 * SendLog}), safe whatever the server window's phase. A backlog therefore goes out as a burst of
 * {@code a}, then the next burst one window later, as the server's window allows. Once the
 * allowance is used, single requests still go as probes: above a tentative allowance, and, while
 * the bounds on the window's length are far apart, one early probe per window, half-way between
 * them. A scope paced by a learned allowance also starts each window with a reset probe.
 *
 * <p>Reads the scope's {@link Allowance}, {@link ScopeWindow} and {@link ProbeGate}; the scope
 * records the answers in the log.
 */
final class AllowancePacing {
  /** The window assumed before anything is known: ilert's minute. */
  static final long DEFAULT_WINDOW_MS = RateLimits.ILERT_WINDOW_MS;

  /**
   * Send times kept while nothing paces the scope: enough to take on another key's allowance
   * mid-window.
   */
  static final int UNPACED_LOG_ENTRIES = 256;

  private final Allowance allowance;
  private final long toldWindowMs;
  private final ScopeWindow window;
  private final ProbeGate gate;
  private final SendLog log;

  /**
   * @param toldWindowMs the window the told allowance refers to
   */
  AllowancePacing(
      Allowance allowance, long toldWindowMs, ScopeWindow window, ProbeGate gate, SendLog log) {
    this.allowance = allowance;
    this.toldWindowMs = toldWindowMs;
    this.window = window;
    this.gate = gate;
    this.log = log;
  }

  /**
   * 0 if the allowance lets a request go at {@code now}, else how many ms until asking again makes
   * sense.
   */
  long delayMs(long now) {
    int a = allowance.inForce();
    if (a == 0) {
      return 0;
    }
    long w = windowMs();
    long m = PacedScope.marginMs(w);
    log.dropUpTo(now - w - m);
    if (log.size() < a || mayProbeAbove()) {
      return 0;
    }
    if (log.pendingCount() >= a) {
      return PacedScope.PROBE_POLL_MS; // a whole allowance on the wire: it may all be counted now
    }
    long freeAt = log.answeredAt(log.size() - a) + w + m;
    long earlyAt = earlyProbeAt();
    if (earlyAt >= 0 && earlyAt < freeAt) {
      return Math.max(0, earlyAt - now);
    }
    return Math.max(1, freeAt - now);
  }

  /** A learned allowance starts every window with a probe once the previous window has run out. */
  boolean windowStartProbeDue(long now) {
    long w = windowMs();
    return allowance.learnedBinds()
        && !gate.probing()
        && window.ranOut(now, w + PacedScope.marginMs(w));
  }

  /**
   * A request of the current window went at {@code now}: logs it, and says which probe it is if the
   * allowance is used.
   */
  Probe sent(long now) {
    Probe probe = Probe.NONE;
    int a = allowance.inForce();
    long w = windowMs();
    log.dropUpTo(now - w - PacedScope.marginMs(w));
    if (a > 0 && log.size() >= a) {
      long earlyAt = earlyProbeAt();
      if (mayProbeAbove()) {
        probe = Probe.ABOVE;
      } else if (earlyAt >= 0 && now >= earlyAt) {
        probe = Probe.EARLY;
        window.earlyProbeSent();
      }
    }
    log.add(now);
    log.keepNewest(
        a > 0 ? Math.max(allowance.told(), allowance.learned()) + 1 : UNPACED_LOG_ENTRIES);
    return probe;
  }

  /** The window the allowance is paced in. */
  long windowMs() {
    long w = Math.max(allowance.told() > 0 ? toldWindowMs : 0, window.bounds().hi());
    return w > 0 ? w : DEFAULT_WINDOW_MS;
  }

  private boolean mayProbeAbove() {
    return window.clean()
        && !window.limited()
        && !gate.probing()
        && allowance.mayProbeAbove(window.generation(), log.size());
  }

  /** When an early probe may narrow the window's bounds in this window, or -1. */
  private long earlyProbeAt() {
    return allowance.learnedBinds() && !gate.probing() ? window.earlyProbeAt() : -1;
  }
}
