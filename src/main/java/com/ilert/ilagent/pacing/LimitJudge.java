package com.ilert.ilagent.pacing;

import com.ilert.ilagent.pacing.Pacer.Sent;
import com.ilert.ilagent.pacing.Pacer.Verdict;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;

/**
 * Decides which limit a 429 is about, and tells the key's and the process's scopes. ilert does not
 * say; these heuristics decide, in order:
 *
 * <ol>
 *   <li>A request for no key (other API calls), one the process sent alone after its 429, or one
 *       sent before a process-wide 429 was known: the process.
 *   <li>One a key sent alone after its 429, or sent before that key's 429 was known: that key.
 *   <li>Any other, while the process's known allowance (told or learned) is nine tenths used in its
 *       window: the process.
 *   <li>A key's first 429 in its window: the key, unless within {@link Pacer#CLUSTER_MS} of it (a)
 *       two or more keys answered 429 while far below (less than half) the per-key allowance known
 *       for their kind (its own confirmed one, else the told one, else the largest confirmed for
 *       any key of that kind: ilert limits every key alike; with none known, an agent alone counts
 *       a key that got nothing through while other keys did), or (b) three or more keys answered
 *       429 with counts that differ by 2x or more. A per-key limit stops every key at about the
 *       same count; the per-IP limit stops them wherever they happen to be. Keys that the cluster
 *       had already been put down to are then taken back.
 * </ol>
 *
 * A single key far below the known allowance is ambiguous (the per-IP limit, or a window an earlier
 * process used up before a restart): it is the key's, learned only tentatively, and the next
 * request goes alone to tell them apart ({@link AmbiguousLimitHold}). The cost of a wrong "key" is
 * one more 429 for the next key; a wrong "process" would stop every key for a window. Not
 * thread-safe.
 */
final class LimitJudge {
  private record FirstLimit(long at, PacedScope scope, int accepted, boolean belowAllowance) {}

  private final PacedScope process;
  private final KeyScopes keys;
  private final SharedAllowances shared;
  private final AmbiguousLimitHold hold;
  private final ArrayDeque<FirstLimit> cluster = new ArrayDeque<>();

  /** Set by {@link #verdict}: the key's count was far below its kind's known allowance. */
  private boolean judgedBelowAllowance;

  LimitJudge(PacedScope process, KeyScopes keys, SharedAllowances shared, AmbiguousLimitHold hold) {
    this.process = process;
    this.keys = keys;
    this.shared = shared;
    this.hold = hold;
  }

  /**
   * A 429 for {@code sent} came at {@code now}: puts it down to the key or the process and tells
   * both scopes. {@code held} is the key of an ambiguous 429 if {@code sent} was the request that
   * tells them apart ({@link AmbiguousLimitHold}), else null.
   */
  Verdict limited(Sent sent, PacedScope held, long retryAfterMs, long now) {
    Verdict verdict;
    if (held != null && sent.keyScope != null && sent.keyScope != held) {
      // Another key, alone right after a key was stopped far below any allowance, refused too:
      // both are the process's limit.
      held.undoLastLimit();
      verdict = Verdict.PROCESS;
    } else {
      verdict = verdict(sent, now);
    }
    if (verdict == Verdict.PROCESS) {
      int before = process.learnedAllowance();
      process.onLimited(sent.processPart, retryAfterMs, now);
      if (process.learnedAllowance() != before) {
        demoteKeys();
      }
      if (sent.keyScope != null) {
        sent.keyScope.onLimitedElsewhere(sent.keyPart);
      }
    } else {
      boolean trusted = !judgedBelowAllowance;
      if (!trusted && held == null) {
        hold.begin(sent.keyScope, now);
      }
      sent.keyScope.onLimited(sent.keyPart, retryAfterMs, now);
      process.onLimitedElsewhere(sent.processPart);
      shared.learnedFrom(sent.kind, sent.keyScope, trusted);
    }
    return verdict;
  }

  /**
   * The process's limit was just learned: allowances the keys learned may have been that limit seen
   * from one key (every key stopped at about the same count), so each key probes above its own
   * again, now under the process's allowance, and keeps it only if the key itself is stopped.
   */
  private void demoteKeys() {
    keys.forEach(PacedScope::demote);
    shared.clear();
  }

  /** What the 429 for {@code sent}, answered at {@code now}, is put down to. */
  private Verdict verdict(Sent sent, long now) {
    judgedBelowAllowance = false;
    PacedScope scope = sent.keyScope;
    if (scope == null || sent.processPart.alone() || process.limitedIn(sent.processPart)) {
      return Verdict.PROCESS;
    }
    if (sent.keyPart.alone() || scope.limitedIn(sent.keyPart)) {
      return Verdict.KEY;
    }
    int processAllowance = process.allowance();
    if (processAllowance > 0 && 10 * process.accepted(now) >= 9 * processAllowance) {
      return Verdict.PROCESS; // the process's known allowance is (nearly) used: that is the limit
    }
    int accepted = scope.accepted(now);
    int reference = shared.expected(sent.kind, scope);
    // With nothing known of the per-key allowance, a key that got none through while the process
    // got others through is below any allowance ilert may have (a group's other members may have
    // used the key, so only an agent alone says so).
    boolean below =
        reference > 0
            ? accepted * 2 < reference
            : accepted == 0 && scope.whole() && process.accepted(now) > 0;
    judgedBelowAllowance = below;
    while (!cluster.isEmpty() && cluster.peekFirst().at() < now - Pacer.CLUSTER_MS) {
      cluster.pollFirst();
    }
    cluster.addLast(new FirstLimit(now, scope, accepted, below));
    Set<PacedScope> belowKeys = new HashSet<>();
    Set<PacedScope> all = new HashSet<>();
    int min = Integer.MAX_VALUE;
    int max = 0;
    for (FirstLimit f : cluster) {
      all.add(f.scope());
      if (f.belowAllowance()) {
        belowKeys.add(f.scope());
      }
      min = Math.min(min, f.accepted());
      max = Math.max(max, f.accepted());
    }
    boolean perIp =
        processMayBeFull(now)
            && (belowKeys.size() >= 2 || (all.size() >= 3 && max >= 2 * Math.max(1, min)));
    if (!perIp) {
      return Verdict.KEY;
    }
    for (FirstLimit f : cluster) {
      if (f.scope() != scope) {
        f.scope().undoLastLimit();
      }
    }
    cluster.clear();
    return Verdict.PROCESS;
  }

  /**
   * False when the process has a told allowance and got far less than it through in its window:
   * then the limit that stopped the keys is not the per-IP one (all keys stopped at the same small
   * count are a token bucket's burst per key, not the IP's limit).
   */
  private boolean processMayBeFull(long now) {
    int told = process.allowance();
    return told == 0 || process.learnedAllowance() > 0 || 2 * process.accepted(now) >= told;
  }
}
