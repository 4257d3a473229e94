package com.ilert.ilagent.pacing;

import static com.ilert.ilagent.pacing.PacedScope.PROBE_POLL_MS;
import static com.ilert.ilagent.pacing.PacedScope.marginMs;

import com.ilert.ilagent.pacing.PacedScope.Probe;
import com.ilert.ilagent.pacing.PacedScope.Sent;
import com.ilert.ilagent.pacing.learning.Allowance;
import com.ilert.ilagent.pacing.learning.Episodes;
import com.ilert.ilagent.pacing.learning.RunStart;
import java.util.function.IntSupplier;

/**
 * When a scope's next request may go, and which request goes alone as a probe. In order: not while
 * a 429 blocks (its Retry-After, or a back-off of 1, 2, 4 ... 30 s before a reset probe); not while
 * a request that must go alone is on the wire; otherwise by the rolling log (at most the allowance
 * in any span of one window), a learned token bucket, and few requests on the wire while nothing is
 * proven. Probes may go before the log would let a request go: early ones narrow the window's
 * bounds, ones above a tentative allowance climb it, spare ones try above a group member's part.
 * Owns the block and the probe on the wire; one thread.
 */
final class SendGate {
  /** In a group, an unpaced key's requests on the wire until this many got through in a row. */
  static final int UNPACED_ON_WIRE = 3;

  static final int UNPACED_PROVEN = 100;

  /** Told allowances from this size on start with only a few requests on the wire. */
  static final int FIRST_ON_WIRE_FROM = 32;

  static final long FIRST_PROBE_STEP_MS = 1_000;
  static final long MAX_PROBE_STEP_MS = 30_000;

  /** What {@link #restore} puts back. */
  record Snapshot(long blockedUntil, boolean probeDue) {}

  private final SendLog log;
  private final Allowance allowance;
  private final Episodes episodes;
  private final RunStart runs;
  private final SharedAllowances.Kind kind;
  private final GroupPart group;
  private final long toldWindowMs;
  private final boolean perKey;
  private long blockedUntil;
  private long probeStep = FIRST_PROBE_STEP_MS;
  private boolean probeDue;
  private boolean aloneOut;
  private final IntSupplier held;

  /** Until when no tail probe of this key goes again (one was refused). */
  private long tailRefusedUntil;

  SendGate(
      SendLog log,
      Allowance allowance,
      Episodes episodes,
      RunStart runs,
      SharedAllowances.Kind kind,
      GroupPart group,
      long toldWindowMs,
      boolean perKey,
      IntSupplier held) {
    this.log = log;
    this.allowance = allowance;
    this.episodes = episodes;
    this.runs = runs;
    this.kind = kind;
    this.group = group;
    this.toldWindowMs = toldWindowMs;
    this.perKey = perKey;
    this.held = held;
  }

  /** 0 if a request may go at {@code now}, else how many ms until asking again makes sense. */
  long delayMs(long now) {
    if (now < blockedUntil) {
      return blockedUntil - now;
    }
    if (aloneOut) {
      return PROBE_POLL_MS;
    }
    if (probeDue) {
      return 0; // the reset probe goes whatever the log says: the log's window is a guess
    }
    int a = allowance.inForce();
    if (a == 0) {
      // In a group, a key nothing is known of yet has only a few requests on the wire until many
      // got through: when the group's window fills, every member's requests on the wire are
      // refused at once.
      return perKey
              && !group.whole()
              && episodes.streak() < UNPACED_PROVEN
              && log.pendingCount() >= UNPACED_ON_WIRE
          ? PROBE_POLL_MS
          : 0;
    }
    long w = windowMs();
    long m = marginMs(w);
    log.dropUpTo(now - w - m);
    int told = allowance.told();
    if (told > 0
        && a == told
        && !episodes.toldProven()
        && allowance.bucket().burst() == 0
        && log.pendingCount() >= firstOnWire(told)) {
      return PROBE_POLL_MS; // asked again at each answer
    }
    long wait = 0;
    if (log.size() >= a && !climbing() && !spareProbeMayGo(now)) {
      if (log.pendingCount() >= a) {
        return PROBE_POLL_MS; // a whole allowance on the wire: it may all be counted now
      }
      long at = log.answeredAt(log.size() - a) + w + m;
      long earlyAt = earlyProbeAt();
      long spareAt = spareProbeAt(now);
      if (earlyAt >= 0 && earlyAt < at) {
        at = earlyAt;
      }
      if (spareAt >= 0 && spareAt < at) {
        at = spareAt;
      }
      wait = at - now;
    }
    if (allowance.bucket().paces(a)) {
      wait = Math.max(wait, allowance.bucket().waitMs(now, a, w));
    }
    return wait <= 0 ? 0 : Math.max(1, wait);
  }

  /**
   * The request going at {@code now}, with the allowance {@code a} in force: a probe if one is due
   * or may go, alone if requests go one at a time. Call before the log has it.
   */
  Sent onSent(long now, int a) {
    Probe probe = Probe.NONE;
    long since = -1;
    long sinceAnswered = -1;
    if (probeDue) {
      probe = Probe.RESET;
      probeDue = false;
      // Measured from the run that was refused (this probe may begin a new one).
      since = runs.limitedRunStart();
      sinceAnswered = runs.limitedRunFirstAnswer();
    } else if (a > 0 && log.size() >= a) {
      long earlyAt = earlyProbeAt();
      if (earlyAt >= 0 && now >= earlyAt) {
        probe = Probe.EARLY;
        kind.earlyProbeOut = true;
        since = log.sentAt(0);
        sinceAnswered = log.answeredAt(0);
      } else if (climbing()) {
        probe = Probe.ABOVE;
      } else if (spareProbeMayGo(now)) {
        if (allowance.learnedBinds()) {
          probe = Probe.SPARE;
          kind.spareProbeOut = true;
        } else {
          probe = Probe.TAIL;
        }
      }
    }
    boolean alone = allowance.serial() || probe != Probe.NONE;
    aloneOut = alone;
    return new Sent(now, episodes.number(), alone, probe, since, sinceAnswered);
  }

  /** An answer other than 429 came for {@code s}: a reset probe's back-off starts afresh. */
  void onAnswer(Sent s) {
    endAlone(s);
    if (s.probe() == Probe.RESET) {
      probeStep = FIRST_PROBE_STEP_MS;
    }
  }

  /** {@code s} taught nothing (no answer, or another scope's 429): a reset probe goes again. */
  void onNotAnswered(Sent s) {
    endAlone(s);
    if (s.probe() == Probe.RESET) {
      probeDue = true;
    }
  }

  /** {@code s} is no longer on the wire. */
  void endAlone(Sent s) {
    if (s.alone()) {
      aloneOut = false;
    }
    if (s.probe() == Probe.EARLY) {
      kind.earlyProbeOut = false;
    }
    if (s.probe() == Probe.SPARE) {
      kind.spareProbeOut = false;
    }
  }

  /** Nothing goes before {@code at}. */
  void blockUntil(long at) {
    blockedUntil = Math.max(blockedUntil, at);
  }

  /** Refused with no word on when: nothing goes for 1, 2, 4 ... 30 s while refused. */
  void backOff(long now) {
    blockUntil(now + probeStep);
    probeStep = Math.min(2 * probeStep, MAX_PROBE_STEP_MS);
  }

  /** Whether the next request goes alone as a reset probe, whatever the log says. */
  void probeDue(boolean due) {
    probeDue = due;
  }

  long blockedUntil() {
    return blockedUntil;
  }

  /** True if nothing blocks at {@code now} and nothing alone is on the wire. */
  boolean idle(long now) {
    return now >= blockedUntil && !aloneOut;
  }

  Snapshot snapshot() {
    return new Snapshot(blockedUntil, probeDue);
  }

  void restore(Snapshot s) {
    blockedUntil = s.blockedUntil();
    probeDue = s.probeDue();
  }

  /** The window the allowance is paced in. */
  long windowMs() {
    if (allowance.rateBinds()) {
      return allowance.rateWindowMs();
    }
    long w = Math.max(allowance.told() > 0 ? toldWindowMs : 0, kind.bounds.hi());
    return w > 0 ? w : PacedScope.DEFAULT_WINDOW_MS;
  }

  /**
   * How many requests of a told allowance may be on the wire before a whole allowance has got
   * through: a token bucket whose burst is below the told number refuses what is on the wire when
   * its burst runs out, and ilert's limits are far below what a few requests at a time can send.
   */
  private static int firstOnWire(int told) {
    return told < FIRST_ON_WIRE_FROM ? told : Math.max(2, told / 16);
  }

  /** One request above a tentative learned allowance, while requests go one at a time. */
  private boolean climbing() {
    return allowance.climbing(episodes.streak(), group.whole());
  }

  /**
   * True if one request may go above what this agent learned of a limit it shares with the other
   * members of its group: its part is used, the limit itself is not (the most it ever got through
   * at its part), and no such try was refused in the last window. A learned part is what the member
   * got when the window first filled, which only falls when the others take more; this is how it
   * grows again, and how a member whose records outrun its part takes what the others leave at the
   * end of a backlog. (Told parts add up to the told number exactly: a try above one could only
   * take another member's place.)
   */
  private boolean spareProbeMayGo(long now) {
    long at = spareProbeAt(now);
    return at >= 0 && now >= at;
  }

  /**
   * When a try above this agent's share may go (see {@link #spareProbeMayGo}), or -1 if none may in
   * this window. Only in the middle of the window: by then the other members have sent their
   * shares, and none of their requests is about to leave the window (the members' windows run
   * together), so a try takes what they leave, not a place one of them is about to take again.
   */
  private long spareProbeAt(long now) {
    if (group.whole() || aloneOut || allowance.serial()) {
      return -1;
    }
    int a = allowance.inForce();
    boolean learned = allowance.learnedBinds();
    if (learned ? kind.spareProbeOut : !shortTail(a)) {
      return -1;
    }
    if (a == 0 || log.size() >= group.wholeAllowance(a) || log.answeredCount() == 0) {
      return -1;
    }
    long w = windowMs();
    long first = log.sentAt(0);
    int bunch = Math.min(a, log.answeredCount());
    if (log.sentAt(bunch - 1) - first > w / 2) {
      return -1; // requests spread over the window: the others' come back at any moment too
    }
    // A learned part's try tells of every key's (one at a time for all); a tail's only of its own
    // key, whose told part the others keep to: from a quarter into the window their parts are out.
    long from =
        learned
            ? Math.max(first + w / 3, kind.spareRefusedUntil)
            : Math.max(first + w / 4, tailRefusedUntil);
    return from <= first + 3 * w / 4 ? Math.max(from, now) : -1;
  }

  /** A tail probe was refused at {@code now}: none of this key tries again for a window. */
  void tailRefused(long now) {
    tailRefusedUntil = now + windowMs();
  }

  /**
   * True if the records of this key not yet sent are a short tail beyond this agent's part: at most
   * half a part. Then the other members, whose parts are dealt like this one's, are likely near the
   * end of theirs too and leave room; while records outrun the part by more, the others' do too.
   */
  private boolean shortTail(int a) {
    int waiting = held.getAsInt();
    int unsent = waiting - log.pendingCount();
    return waiting >= 0 && unsent > 0 && 2 * unsent <= a;
  }

  /** When an early probe may narrow the window's bounds, or -1. */
  private long earlyProbeAt() {
    if (kind.earlyProbeOut
        || kind.rateLimited
        || !kind.windowConfirmed
        || aloneOut
        || log.answeredCount() == 0
        || allowance.hasRate()) {
      return -1;
    }
    long after = kind.bounds.earlyProbeAfter();
    return after < 0 ? -1 : log.sentAt(0) + after;
  }
}
