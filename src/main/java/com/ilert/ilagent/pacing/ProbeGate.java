package com.ilert.ilagent.pacing;

import com.ilert.ilagent.pacing.PacedScope.Probe;

/**
 * Holds a scope's requests back after a 429 and while a probe is on the wire. After a 429 nothing
 * goes until the expected reset (Retry-After, else the window's start + its upper bound, else
 * probes 1, 2, 4 ... 30 s apart); then one request goes alone, the reset probe: its success opens a
 * new window, its 429 blocks again. Probes of any kind go one at a time, and nothing else goes
 * while one is out. Pure and mutable; part of a {@link PacedScope}.
 */
final class ProbeGate {
  static final long FIRST_PROBE_STEP_MS = 1_000;
  static final long MAX_PROBE_STEP_MS = 30_000;

  private long blockedUntil;
  private boolean resetProbeNeeded;
  private Probe probeInFlight = Probe.NONE;
  private long probeStep = FIRST_PROBE_STEP_MS;

  /** What {@link #restore} puts back: the gate before a 429. */
  record Hold(long blockedUntil, boolean resetProbeNeeded, long probeStep) {}

  /**
   * How long a request waits at {@code now} for a block to end or a probe to be answered; 0 if it
   * goes now as the reset probe; -1 if the gate holds nothing back (the allowance decides).
   */
  long delayMs(long now) {
    if (now < blockedUntil) {
      return blockedUntil - now;
    }
    if (probeInFlight != Probe.NONE) {
      return PacedScope.PROBE_POLL_MS;
    }
    return resetProbeNeeded ? 0 : -1;
  }

  /** True if the next request must go alone to see whether the server's window has reset. */
  boolean resetProbeNeeded() {
    return resetProbeNeeded;
  }

  /** True while a probe is on the wire. */
  boolean probing() {
    return probeInFlight != Probe.NONE;
  }

  long blockedUntil() {
    return blockedUntil;
  }

  /** True if nothing is held back at {@code now}: no block, no probe on the wire. */
  boolean holdsNothing(long now) {
    return now >= blockedUntil && probeInFlight == Probe.NONE;
  }

  /** The probe {@code probe} went: nothing else goes until it is answered. */
  void probeSent(Probe probe) {
    resetProbeNeeded = false;
    probeInFlight = probe;
  }

  /** The probe on the wire was answered (429 or not). */
  void probeAnswered() {
    probeInFlight = Probe.NONE;
  }

  /** A reset or early probe got through: the server's window has reset, nothing is held back. */
  void windowReset() {
    probeInFlight = Probe.NONE;
    resetProbeNeeded = false;
  }

  /** {@code probe} got no answer, or a 429 meant for another scope: it taught nothing. */
  void probeLost(Probe probe) {
    if (probe != Probe.NONE && probeInFlight == probe) {
      probeInFlight = Probe.NONE;
      if (probe == Probe.RESET) {
        resetProbeNeeded = true;
      }
    }
  }

  /** A new window began: the probes after its 429, if any, start 1 s apart again. */
  void windowOpened() {
    probeStep = FIRST_PROBE_STEP_MS;
  }

  /** Nothing goes before {@code until} (a Retry-After for an earlier request of the window). */
  void holdUntil(long until) {
    blockedUntil = Math.max(blockedUntil, until);
  }

  /**
   * A 429 at {@code now} blocks until the expected reset, then lets one probe go.
   *
   * @param retryAfterMs the answer's Retry-After in ms, or -1
   * @param resetAt when the server's window is expected to reset, or -1 if unknown; used if no
   *     Retry-After came and it is still ahead
   */
  void block(long now, long retryAfterMs, long resetAt) {
    long until;
    if (retryAfterMs >= 0) {
      until = now + retryAfterMs;
    } else if (resetAt > now) {
      until = resetAt;
    } else {
      until = now + probeStep;
      probeStep = Math.min(probeStep * 2, MAX_PROBE_STEP_MS);
    }
    blockedUntil = Math.max(blockedUntil, until);
    resetProbeNeeded = true;
  }

  Hold hold() {
    return new Hold(blockedUntil, resetProbeNeeded, probeStep);
  }

  /** Takes back a 429's block, as saved by {@link #hold} before it; the probe on the wire stays. */
  void restore(Hold h) {
    blockedUntil = h.blockedUntil();
    resetProbeNeeded = h.resetProbeNeeded();
    probeStep = h.probeStep();
  }
}
