package com.ilert.ilagent.pacing;

import com.ilert.ilagent.pacing.PacedScope.Probe;
import com.ilert.ilagent.pacing.PacedScope.Sent;

/**
 * Learns from the 429s that are one scope's own limit, and takes the last one back when it turns
 * out to be another scope's. A window's first 429 teaches the allowance ({@link Allowance}); a
 * probe's 429, a Retry-After, or a 429 before anything got through in a window teaches about the
 * server's window length ({@link ScopeWindow}); then the scope is blocked until the expected reset
 * ({@link ProbeGate}). A 429 for a request sent before its window's first 429 was known teaches
 * nothing new. Part of a {@link PacedScope}.
 */
final class LimitLearner {
  private final Allowance allowance;
  private final ScopeWindow window;
  private final ProbeGate gate;
  private Undo undo;

  /** What {@link #undoLast()} restores. */
  private record Undo(ScopeWindow.Saved window, Allowance.Lesson lesson, ProbeGate.Hold hold) {}

  LimitLearner(Allowance allowance, ScopeWindow window, ProbeGate gate) {
    this.allowance = allowance;
    this.window = window;
    this.gate = gate;
  }

  /**
   * A 429 at {@code now} for {@code s} is this scope's limit.
   *
   * @param retryAfterMs the answer's Retry-After in ms, or -1
   * @param countTrusted false when the count of this window looks too small to be the allowance; it
   *     is then learned only tentatively
   */
  void limited(Sent s, long retryAfterMs, long now, boolean countTrusted) {
    undo = new Undo(window.save(), allowance.lesson(), gate.hold());
    if (s.probe() == Probe.RESET || s.probe() == Probe.EARLY) {
      gate.probeAnswered();
      window.probeLimited(s.sentAt());
      blockUntilReset(now, retryAfterMs);
      return;
    }
    if (s.probe() == Probe.ABOVE) {
      gate.probeAnswered();
    }
    if (s.generation() != window.generation() || window.limited()) {
      // Sent before the window's first 429 was known: expected, and nothing new.
      if (retryAfterMs >= 0) {
        gate.holdUntil(now + retryAfterMs);
      }
      return;
    }
    window.firstLimit(s.sentAt());
    if (window.accepted() > 0) {
      if (s.probe() == Probe.ABOVE) {
        allowance.aboveLimited(window.generation());
      } else {
        allowance.limited(window.generation(), window.accepted(), window.clean(), countTrusted);
      }
    }
    blockUntilReset(now, retryAfterMs);
  }

  /** Takes back the last {@link #limited} if it was in the current window. */
  void undoLast() {
    Undo u = undo;
    if (u == null || u.window().generation() != window.generation()) {
      return;
    }
    allowance.restore(u.lesson());
    window.restore(u.window());
    gate.restore(u.hold());
    undo = null;
  }

  /** After a 429 at {@code now}: learns from its Retry-After, then blocks until the reset. */
  private void blockUntilReset(long now, long retryAfterMs) {
    window.resetsIn(now, retryAfterMs);
    gate.block(now, retryAfterMs, window.expectedResetAt());
  }
}
