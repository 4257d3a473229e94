package com.ilert.ilagent.pacing;

import static com.ilert.ilagent.pacing.PacedScope.marginMs;

import com.ilert.ilagent.pacing.PacedScope.Probe;
import com.ilert.ilagent.pacing.PacedScope.Sent;
import com.ilert.ilagent.pacing.learning.Allowance;
import com.ilert.ilagent.pacing.learning.Episodes;
import com.ilert.ilagent.pacing.learning.RunStart;
import com.ilert.ilagent.pacing.learning.WindowEstimate;

/**
 * What a scope learns from the answers to its requests. From a 429 of its own: the allowance is
 * what got through in the window before it (tentative); a later 429 after fewer says it is too
 * large (a told one's rate stands and what got through is a token bucket's burst; a learned one is
 * lowered, or becomes the rate at which requests got through since the last 429); a refused probe
 * above it confirms it. The window's length comes from Retry-After, or from reset probes without
 * one. From a request that got through: probes' findings (the window had room again, the allowance
 * is larger), and the streak. Keeps what the last 429 changed, to take it back if it turns out to
 * be another scope's. One thread.
 */
final class LimitLearner {
  private record Undo(
      Episodes.Snapshot episodes,
      Allowance.Snapshot allowance,
      WindowEstimate bounds,
      SendGate.Snapshot gate) {}

  private final SendLog log;
  private final Allowance allowance;
  private final Episodes episodes;
  private final RunStart runs;
  private final SharedAllowances.Kind kind;
  private final GroupPart group;
  private final SendGate gate;
  private Undo undo;

  LimitLearner(
      SendLog log,
      Allowance allowance,
      Episodes episodes,
      RunStart runs,
      SharedAllowances.Kind kind,
      GroupPart group,
      SendGate gate) {
    this.log = log;
    this.allowance = allowance;
    this.episodes = episodes;
    this.runs = runs;
    this.kind = kind;
    this.group = group;
    this.gate = gate;
  }

  /** An answer other than 429 came for {@code s} at {@code now}. */
  void onAnswer(Sent s, long now) {
    switch (s.probe()) {
      case RESET, EARLY -> kind.bounds.hadResetAfter(now - s.since()); // room again by its answer
      case ABOVE -> allowance.raise(); // one above the allowance got through: it is larger
      case SPARE -> {
        if (allowance.learnedBinds()) {
          allowance.raise(); // the others left room: this member's part is larger
        }
      }
      case TAIL, NONE -> {} // a tail's try above a told part teaches nothing
    }
    if (episodes.sentBefore(s.sentAt())) {
      if (s.episode() == episodes.number() - 1) {
        allowance.countedBeforeLimit();
      }
      return;
    }
    episodes.accepted(allowance.told());
  }

  /** A 429 for {@code s} is this scope's limit; {@code retryAfterMs} is -1 without one. */
  void onLimited(Sent s, long retryAfterMs, long now) {
    undo = new Undo(episodes.snapshot(), allowance.snapshot(), kind.bounds.copy(), gate.snapshot());
    if (s.probe() == Probe.SPARE || s.probe() == Probe.TAIL) {
      // The other agents use their shares: no more tries above this one's for a while.
      if (s.probe() == Probe.SPARE) {
        kind.spareRefusedUntil = now + gate.windowMs();
      } else {
        gate.tailRefused(now);
      }
      if (retryAfterMs >= 0) {
        gate.blockUntil(now + retryAfterMs);
      }
      return;
    }
    if (s.probe() == Probe.RESET || s.probe() == Probe.EARLY) {
      probeRefused(s, retryAfterMs, now);
      return;
    }
    if (episodes.sentBefore(s.sentAt())) {
      // Sent before the current episode's first 429 was known: the same limit, nothing new.
      if (retryAfterMs >= 0) {
        gate.blockUntil(now + retryAfterMs);
      }
      return;
    }
    int a = allowance.inForce();
    long w = gate.windowMs();
    int counted = log.answeredAfter(now - w - marginMs(w));
    int got = episodes.acceptedSince();
    long overMs = episodes.sinceLastMs(now);
    boolean firstOfRun = runs.firstLimitOfRun();
    episodes.begin(now);
    allowance.newEpisode();
    runs.limited();
    learnAllowance(s, a, w, counted, got, overMs, retryAfterMs, now);
    learnWindow(s, a, w, counted, firstOfRun, retryAfterMs, now);
    allowance.goSerialIfTentative(group.whole());
  }

  /** Takes back the last {@link #onLimited}: the 429 turned out to be another scope's. */
  void undoLastLimit() {
    Undo u = undo;
    if (u == null || u.episodes().number() + 1 != episodes.number()) {
      return;
    }
    episodes.restore(u.episodes());
    allowance.restore(u.allowance());
    kind.bounds.restore(u.bounds());
    gate.restore(u.gate());
    undo = null;
  }

  /** A reset or early probe was refused: the window had no room yet that long after it began. */
  private void probeRefused(Sent s, long retryAfterMs, long now) {
    if (s.sinceAnswered() >= 0) {
      kind.bounds.notResetAfter(s.sentAt() - s.sinceAnswered());
    }
    if (retryAfterMs >= 0) {
      // Retry-After rounds up to whole seconds; after an early probe the log knows better when
      // the oldest request leaves (both are upper bounds).
      long until = now + retryAfterMs;
      if (s.probe() == Probe.EARLY && log.answeredCount() > 0) {
        long w = gate.windowMs();
        until = Math.min(until, log.answeredAt(0) + w + marginMs(w));
      }
      gate.blockUntil(until);
    } else if (s.probe() == Probe.RESET) {
      gate.backOff(now);
    }
    gate.probeDue(s.probe() == Probe.RESET && retryAfterMs < 0);
  }

  /**
   * The allowance from a 429 with {@code a} in force: {@code counted} got through in the window
   * {@code w}, {@code got} in the {@code overMs} since the last 429.
   */
  private void learnAllowance(
      Sent s, int a, long w, int counted, int got, long overMs, long retryAfterMs, long now) {
    boolean toldBinds = allowance.told() > 0 && allowance.told() == a;
    if (s.probe() == Probe.ABOVE) {
      allowance.confirm(true); // the one above the allowance was refused: it is the limit
      kind.windowConfirmed = true;
    } else if (a == 0) {
      if (counted > 0) {
        allowance.learn(counted);
        // In a group every member learns its part of one race for the window; climbing above it
        // would be another race that the fastest member wins. Spare room is tried instead.
        allowance.confirm(!group.whole());
      }
    } else if (got > 0 && got < a && overMs > 0 && overMs <= 2 * w) {
      // A second 429 soon after the last, with less than the allowance through in between: the
      // server gives back no more than that in that time (a token bucket's rate, or what other
      // agents leave of a shared window).
      allowance.learnRate(got, overMs, w);
      kind.rateLimited = true;
    } else if (allowance.ownRateBinds()) {
      allowance.backOffRate();
    } else if (counted > 0 && counted < a) {
      if (toldBinds) {
        // The told rate stands. A token bucket gives its next token back within a second or two:
        // what got through is its burst (without Retry-After, taken as one too). A Retry-After
        // well into the window means the window was used by others (an earlier process before a
        // restart); in a group, another member took part of it: the told allowance stands.
        boolean bucketLike =
            group.whole() && (retryAfterMs < 0 || retryAfterMs <= bucketRetryAfterMs(a, w));
        if (bucketLike) {
          allowance.learnBurst(counted, now);
        }
      } else {
        allowance.learn(counted);
      }
    }
  }

  /** The window's length, and when to send again, from a 429 (see {@link #learnAllowance}). */
  private void learnWindow(
      Sent s, int a, long w, int counted, boolean firstOfRun, long retryAfterMs, long now) {
    // Refusals that our own log cannot explain lengthen the window only for an agent alone: in a
    // group the other members explain them.
    boolean windowMode = !allowance.rateBinds() && group.whole();
    boolean windowKnown = allowance.told() > 0 || kind.bounds.known();
    if (retryAfterMs >= 0) {
      if (firstOfRun && !kind.bounds.own()) {
        runs.teachRetryAfter(
            kind.bounds,
            s.sentAt(),
            retryAfterMs,
            now,
            counted,
            log::answeredAfter,
            PacedScope.DEFAULT_WINDOW_MS);
      } else if (windowMode && a > 0 && (counted == 0 || s.probe() == Probe.ABOVE)) {
        // Refused until then with exactly the allowance in the window we pace by (from its oldest
        // request), or with nothing of ours in it (from our last request before it): the window
        // is at least that long (one that began before our first request teaches the first
        // Retry-After too little).
        long from = earliestMaybeCounted(now, w, counted > 0);
        if (from >= 0) {
          kind.bounds.notShorterThan(now + retryAfterMs - from);
        }
      }
      gate.blockUntil(now + retryAfterMs);
    } else if (a == 0 || counted < a || !windowKnown) {
      long from = earliestMaybeCounted(now, w, false);
      if (counted == 0 && windowMode && a > 0 && windowKnown && from >= 0) {
        kind.bounds.notShorterThan(now - from);
      }
      // Refused before the allowance was used, and no word on when: back off, then one request
      // alone. (Refused with the allowance used, the log knows when its requests leave the window.)
      gate.backOff(now);
      gate.probeDue(true);
    }
  }

  /**
   * The longest Retry-After a token bucket refilled at {@code a} per {@code w} answers (the time
   * for two tokens, in whole seconds): a longer one means a window that is used up.
   */
  private static long bucketRetryAfterMs(int a, long w) {
    long twoTokens = 2 * w / Math.max(1, a);
    long r = WindowEstimate.RETRY_AFTER_RESOLUTION_MS;
    return Math.max(r, (twoTokens + r - 1) / r * r);
  }

  /**
   * The send time of the request a refusal measures the window from: the oldest in the window we
   * pace by ({@code inside}), or our last one before it; -1 if the log has none.
   */
  private long earliestMaybeCounted(long now, long w, boolean inside) {
    long at = log.sentAround(now - w - marginMs(w), inside);
    return at >= 0 || inside ? at : log.lastDroppedSent();
  }
}
