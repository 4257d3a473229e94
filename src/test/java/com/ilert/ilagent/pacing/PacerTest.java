package com.ilert.ilagent.pacing;

import static com.ilert.ilagent.pacing.RequestKind.EVENT;
import static com.ilert.ilagent.pacing.RequestKind.OTHER_API;
import static com.ilert.ilagent.pacing.RequestKind.PING;
import static org.assertj.core.api.Assertions.assertThat;

import com.ilert.ilagent.pacing.Pacer.Verdict;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pacer's rules one by one, with injected time (epoch ms). */
class PacerTest {
  private static final long T = 1_700_000_000_000L;
  private static final long W = 1_000;
  private static final long MARGIN = PacedScope.marginMs(W);
  private static final RateLimits LEARNED = new RateLimits(0, 0, 0, W);
  private static final int NONE = -1;

  private final List<Pacer.Sent> open = new ArrayList<>();

  /** Sends n requests for key at now (each after asking), all answered later with answerAll. */
  private void send(Pacer p, RequestKind kind, String key, int n, long now) {
    for (int i = 0; i < n; i++) {
      assertThat(p.delayMs(kind, key, now))
          .as("request %d of %s at +%d may go", i + 1, key, now - T)
          .isZero();
      open.add(p.sent(kind, key, now));
    }
  }

  private void answerAll(Pacer p, int status, long now) {
    for (Pacer.Sent s : open) {
      p.answered(s, status, NONE, now);
    }
    open.clear();
  }

  /**
   * The key may go first at {@code until}: before it the pacer says wait (at most {@link
   * Pacer#MAX_WAIT_MS} at a time, then the caller asks again), from it on 0.
   */
  private static void waitsUntil(Pacer p, RequestKind kind, String key, long now, long until) {
    assertThat(p.delayMs(kind, key, now))
        .as("%s at +%d waits until +%d", key, now - T, until - T)
        .isEqualTo(Math.min(until - now, Pacer.MAX_WAIT_MS));
    assertThat(p.delayMs(kind, key, until - 1)).as("%s at +%d", key, until - 1 - T).isEqualTo(1);
    assertThat(p.delayMs(kind, key, until)).as("%s at +%d", key, until - T).isZero();
  }

  /** One request for key at now, answered at now + 1 with status; returns the verdict. */
  private static Verdict once(
      Pacer p, RequestKind kind, String key, long now, int status, long retryAfterMs) {
    assertThat(p.delayMs(kind, key, now)).as("%s may go at +%d", key, now - T).isZero();
    Pacer.Sent s = p.sent(kind, key, now);
    return p.answered(s, status, retryAfterMs, now + 1);
  }

  /**
   * A key whose first window stopped at {@code accepted}: learned tentatively, blocked until +RA.
   */
  private Verdict limitKey(Pacer p, String key, int accepted, long now, long retryAfterMs) {
    for (int i = 0; i < accepted; i++) {
      assertThat(p.delayMs(EVENT, key, now)).as("request %d of %s", i + 1, key).isZero();
      p.answered(p.sent(EVENT, key, now), 202, NONE, now + 1);
    }
    return once(p, EVENT, key, now + 2, 429, retryAfterMs);
  }

  // ---- told limits ----

  @Test
  void toldAllowanceGoesAsOneBurstThenWaitsForTheWindow() {
    Pacer p = new Pacer(new RateLimits(3, 0, 0, W));
    send(p, EVENT, "a", 3, T);
    assertThat(p.delayMs(EVENT, "a", T))
        .as("the whole allowance on the wire: ask again after its answers")
        .isEqualTo(PacedScope.PROBE_POLL_MS);
    answerAll(p, 202, T);

    assertThat(p.delayMs(EVENT, "b", T)).as("another key has its own allowance").isZero();
    waitsUntil(p, EVENT, "a", T + 400, T + W + MARGIN);
  }

  @Test
  void neverMoreThanTheAllowanceInAnySpanOfOneWindowWhateverTheServersWindow() {
    Pacer p = new Pacer(new RateLimits(3, 0, 0, W));
    once(p, EVENT, "a", T, 202, NONE);
    once(p, EVENT, "a", T + W / 2, 202, NONE);
    once(p, EVENT, "a", T + 9 * W / 10, 202, NONE);

    long firstLeaves = T + 1 + W + MARGIN;
    assertThat(p.delayMs(EVENT, "a", firstLeaves - 1)).isEqualTo(1);
    once(p, EVENT, "a", firstLeaves, 202, NONE);
    assertThat(p.delayMs(EVENT, "a", firstLeaves + 2))
        .as("only the oldest left: the next one when the second leaves")
        .isEqualTo(T + W / 2 + 1 + W + MARGIN - (firstLeaves + 2));
  }

  @Test
  void aToldAllowanceHasOnlyAFewOnTheWireUntilAWholeAllowanceGotThrough() {
    Pacer p = new Pacer(new RateLimits(50, 0, 0, W));
    send(p, EVENT, "a", 3, T);
    assertThat(p.delayMs(EVENT, "a", T))
        .as("a token bucket whose burst is below 50 refuses only what is on the wire")
        .isEqualTo(PacedScope.PROBE_POLL_MS);
    answerAll(p, 202, T + 1);
    for (int i = 3; i < 50; i++) {
      once(p, EVENT, "b", T + 2, 202, NONE); // key b gets its 50 through, one by one
    }
    send(p, EVENT, "a", 3, T + 3);
    answerAll(p, 202, T + 4);
    for (int i = 6; i < 50; i++) {
      once(p, EVENT, "a", T + 5, 202, NONE);
    }
    Pacer q = new Pacer(new RateLimits(50, 0, 0, W));
    for (int i = 0; i < 50; i++) {
      once(q, EVENT, "a", T, 202, NONE);
    }
    send(q, EVENT, "a", 50, T + W + MARGIN + 2);
    assertThat(q.describe(EVENT, "a"))
        .as("a whole allowance got through: later windows go as one burst")
        .startsWith("allowance 50 per");
  }

  @Test
  void toldTotalPacesEveryKeyTogether() {
    Pacer p = new Pacer(new RateLimits(0, 0, 4, W));
    send(p, EVENT, "a", 2, T);
    send(p, PING, "b", 1, T);
    send(p, OTHER_API, null, 1, T);
    answerAll(p, 202, T);

    assertThat(p.delayMs(EVENT, "c", T + 10)).isEqualTo(W + MARGIN - 10);
  }

  @Test
  void aRequestCountsFromItsAnswerAsItMayReachIlertThatLate() {
    Pacer p = new Pacer(new RateLimits(2, 0, 0, W));
    send(p, EVENT, "a", 2, T);
    answerAll(p, 202, T + 700); // a slow first connection: they reached ilert up to 700 ms late

    assertThat(p.delayMs(EVENT, "a", T + W + MARGIN))
        .as("not yet one window after they may have counted")
        .isEqualTo(700);
    assertThat(p.delayMs(EVENT, "a", T + 700 + W + MARGIN)).isZero();
  }

  @Test
  void pingsAndEventsOfTheSameKeyArePacedApart() {
    Pacer p = new Pacer(new RateLimits(5, 1, 0, W));
    send(p, PING, "same", 1, T);

    assertThat(p.delayMs(PING, "same", T)).isPositive();
    assertThat(p.delayMs(EVENT, "same", T)).isZero();
  }

  @Test
  void withoutAnyLimitNothingWaits() {
    Pacer p = new Pacer(LEARNED);
    send(p, EVENT, "a", 5_000, T);
    answerAll(p, 202, T + 1);

    assertThat(p.delayMs(EVENT, "a", T + 2)).isZero();
    assertThat(p.describe(EVENT, "a")).isNull();
  }

  // ---- learned limits: one key ----

  @Test
  void a429WithRetryAfterHoldsThatKeyOnlyUntilTheReset() {
    Pacer p = new Pacer(LEARNED);
    Verdict v = limitKey(p, "a", 5, T, 2_000);

    assertThat(v).isEqualTo(Verdict.KEY);
    assertThat(p.delayMs(EVENT, "b", T + 3)).as("other keys keep flowing").isZero();
    assertThat(p.delayMs(EVENT, "a", T + 3 + 1_999)).as("the 429 came at +3").isEqualTo(1);
  }

  @Test
  void afterA429OnlyWhatLeftTheWindowIsFreeAgainAndItGoesOneAtATime() {
    Pacer p = new Pacer(LEARNED);
    limitKey(p, "a", 5, T, 2_000); // window from T, reset at +2,003: w = 2,003
    long w = 2_003;
    long free = T + 1 + w + PacedScope.marginMs(w); // the five were answered at +1

    assertThat(p.delayMs(EVENT, "a", T + 3 + 2_000))
        .as("Retry-After is over, but the five still count until a window after their answers")
        .isEqualTo(free - (T + 3 + 2_000));
    Pacer.Sent first = p.sent(EVENT, "a", free);
    assertThat(p.delayMs(EVENT, "a", free))
        .as("tentative: one at a time")
        .isEqualTo(PacedScope.PROBE_POLL_MS);
    p.answered(first, 202, NONE, free + 5);
    assertThat(p.delayMs(EVENT, "a", free + 5)).isZero();
    assertThat(p.describe(EVENT, "a")).startsWith("allowance 5 (tentative)");
  }

  @Test
  void answersThatArriveAfterThe429StillCountTowardsTheAllowance() {
    Pacer p = new Pacer(LEARNED);
    send(p, EVENT, "a", 7, T);
    List<Pacer.Sent> sent = new ArrayList<>(open);
    open.clear();
    for (int i = 0; i < 4; i++) {
      p.answered(sent.get(i), 202, NONE, T + 1);
    }
    p.answered(sent.get(6), 429, 1_000, T + 2);
    p.answered(sent.get(4), 202, NONE, T + 3);
    p.answered(sent.get(5), 202, NONE, T + 3);

    assertThat(p.describe(EVENT, "a")).startsWith("allowance 6 ");
  }

  @Test
  void withoutRetryAfterProbesComeOneTwoFourSecondsApart() {
    Pacer p = new Pacer(LEARNED);
    limitKey(p, "a", 5, T, NONE);
    long t = T + 3;
    for (long step : new long[] {1_000, 2_000, 4_000}) {
      assertThat(p.delayMs(EVENT, "a", t + step - 1)).as("the 429 came at +%d", t - T).isEqualTo(1);
      t += step;
      once(p, EVENT, "a", t, 429, NONE); // the probe, answered 429 one ms later
      t += 1;
    }
  }

  @Test
  void theWindowLengthComesFromRetryAfter() {
    Pacer p = new Pacer(LEARNED);
    limitKey(p, "a", 5, T, 3_000); // the run began at T, the 429 came at +3: resets at +3,003

    assertThat(p.describe(EVENT, "a")).contains("per 3003 ms");
  }

  @Test
  void aTentativeAllowanceIsConfirmedByOneRequestAboveItThatIsRefused() {
    Pacer p = new Pacer(LEARNED);
    limitKey(p, "a", 5, T, 1_000); // w = 1,003
    long t = T + 1 + 1_003 + PacedScope.marginMs(1_003);
    for (int i = 0; i < 5; i++) {
      once(p, EVENT, "a", t, 202, NONE); // the allowance, one at a time
      t += 2;
    }
    assertThat(p.delayMs(EVENT, "a", t)).as("then one above the tentative 5").isZero();
    Pacer.Sent above = p.sent(EVENT, "a", t);
    assertThat(p.delayMs(EVENT, "a", t)).as("alone").isEqualTo(PacedScope.PROBE_POLL_MS);
    p.answered(above, 429, 900, t + 1);

    assertThat(p.describe(EVENT, "a")).startsWith("allowance 5 (learned)");
  }

  @Test
  void eachRequestAboveATentativeAllowanceThatGetsThroughRaisesIt() {
    Pacer p = new Pacer(LEARNED);
    // After a restart the server's window was mostly used: only 2 got through.
    limitKey(p, "a", 2, T, 1_000);
    long t = T + 1 + 1_003 + PacedScope.marginMs(1_003);
    for (int i = 0; i < 6; i++) {
      once(p, EVENT, "a", t, 202, NONE); // 2 within the allowance, then 4 above it
      t += 2;
    }

    assertThat(p.describe(EVENT, "a")).startsWith("allowance 6 (tentative)");
  }

  @Test
  void aToldAllowanceStandsWhenA429SaysTheWindowWasUsedByOthers() {
    // An earlier process used most of the server's minute: Retry-After well into the window.
    Pacer p = new Pacer(new RateLimits(10, 0, 0, 60_000));
    limitKey(p, "a", 3, T, 40_000);

    assertThat(p.describe(EVENT, "a")).startsWith("allowance 10 per").doesNotContain("burst");
  }

  @Test
  void aToldAllowanceRefusedSoonAfterItsStartLearnsATokenBucketsBurst() {
    // A token bucket of 3, refilled at the told 10 per second: its next token within a second.
    Pacer p = new Pacer(new RateLimits(10, 0, 0, W));
    limitKey(p, "a", 3, T, 0);

    assertThat(p.describe(EVENT, "a")).startsWith("allowance 10, burst 3 per 1000 ms");
    assertThat(p.delayMs(EVENT, "a", T + 3))
        .as("the bucket refills at the told rate: one token per 100 ms")
        .isEqualTo(100);
  }

  @Test
  void aSecond429SoonAfterTheFirstPacesByTheRateThatGotThroughInBetween() {
    Pacer p = new Pacer(LEARNED);
    limitKey(p, "a", 10, T, 1_000); // 10 per 1,003 ms, tentative; the 429 came at +3
    long t = T + 1 + 1_003 + PacedScope.marginMs(1_003);
    for (int i = 0; i < 4; i++) {
      once(p, EVENT, "a", t + 200 * i, 202, NONE); // then only 4 got through, one at a time
    }
    once(p, EVENT, "a", t + 800, 429, 1_000); // answered at +1,815

    // (4 - 0.5) per 1,812 ms: 2 (what the window of 1,003 ms holds at that rate) per 1,036 ms.
    assertThat(p.describe(EVENT, "a")).startsWith("allowance 2 (learned) (a rate) per 1036 ms");
  }

  @Test
  void aNetworkErrorOnTheProbeLetsTheNextRequestProbe() {
    Pacer p = new Pacer(LEARNED);
    limitKey(p, "a", 5, T, 1_000);
    long reset = T + 3 + 1_000;
    Pacer.Sent probe = p.sent(EVENT, "a", reset);
    p.answered(probe, 0, NONE, reset + 10_000);

    assertThat(p.delayMs(EVENT, "a", reset + 10_000)).isZero();
    Pacer.Sent again = p.sent(EVENT, "a", reset + 10_000);
    assertThat(p.delayMs(EVENT, "a", reset + 10_000)).isEqualTo(PacedScope.PROBE_POLL_MS);
    assertThat(again).isNotNull();
  }

  @Test
  void anotherKeyTakesOnALearnedAllowanceBeforeItsOwn429() {
    Pacer p = new Pacer(LEARNED);
    send(p, EVENT, "b", 5, T);
    limitKey(p, "a", 5, T, 1_000);

    assertThat(p.delayMs(EVENT, "b", T + 3))
        .as("b reached a's count: it would be stopped too")
        .isPositive();
    assertThat(p.delayMs(EVENT, "c", T + 3)).as("a key with room goes").isZero();
  }

  // ---- which limit a 429 is about ----

  @Test
  void twoKeysFarBelowTheToldAllowanceMeanThePerProcessLimit() {
    Pacer p = new Pacer(new RateLimits(50, 0, 0, W));
    assertThat(limitKey(p, "a", 3, T, 2_000)).isEqualTo(Verdict.KEY);
    assertThat(limitKey(p, "b", 4, T + 100, 2_000)).isEqualTo(Verdict.PROCESS);

    assertThat(p.delayMs(EVENT, "c", T + 200)).as("every key waits for the process").isPositive();
    assertThat(p.describe(EVENT, "a"))
        .as("a's own limit was taken back")
        .startsWith("allowance 50 per");
  }

  @Test
  void threeKeysStoppedAtCountsFarApartMeanThePerProcessLimit() {
    Pacer p = new Pacer(LEARNED);
    assertThat(limitKey(p, "a", 20, T, 2_000)).isEqualTo(Verdict.KEY);
    assertThat(limitKey(p, "b", 19, T + 10, 2_000)).isEqualTo(Verdict.KEY);
    assertThat(limitKey(p, "c", 3, T + 20, 2_000)).isEqualTo(Verdict.PROCESS);
  }

  @Test
  void keysStoppedAtAboutTheSameCountAreEachTheirOwnLimit() {
    Pacer p = new Pacer(LEARNED);
    assertThat(limitKey(p, "a", 20, T, 2_000)).isEqualTo(Verdict.KEY);
    assertThat(limitKey(p, "b", 19, T + 10, 2_000)).isEqualTo(Verdict.KEY);
    assertThat(limitKey(p, "c", 18, T + 20, 2_000)).isEqualTo(Verdict.KEY);
    assertThat(p.delayMs(EVENT, "d", T + 30)).isZero();
  }

  @Test
  void keysStoppedMoreThanASecondApartAreJudgedAlone() {
    Pacer p = new Pacer(new RateLimits(50, 0, 0, W));
    assertThat(limitKey(p, "a", 3, T, 500)).isEqualTo(Verdict.KEY);
    assertThat(limitKey(p, "b", 4, T + Pacer.CLUSTER_MS + 100, 500)).isEqualTo(Verdict.KEY);
  }

  @Test
  void otherApiCallsAnswered429PaceTheProcess() {
    Pacer p = new Pacer(LEARNED);
    send(p, OTHER_API, null, 10, T);
    answerAll(p, 200, T + 1);

    assertThat(once(p, OTHER_API, null, T + 2, 429, 3_000)).isEqualTo(Verdict.PROCESS);
    assertThat(p.delayMs(EVENT, "any", T + 4)).isEqualTo(Pacer.MAX_WAIT_MS);
    assertThat(p.delayMs(EVENT, "any", T + 3 + 2_999)).as("until the reset").isEqualTo(1);
  }

  @Test
  void requestsOfAProcessWindowAlreadyLimitedAreNotPutDownToTheirKeys() {
    Pacer p = new Pacer(new RateLimits(50, 0, 0, W));
    send(p, EVENT, "x", 1, T); // in flight when the process limit hits
    Pacer.Sent inFlight = open.remove(0);
    limitKey(p, "a", 3, T, 2_000);
    limitKey(p, "b", 3, T + 10, 2_000); // the process

    assertThat(p.answered(inFlight, 429, 2_000, T + 20)).isEqualTo(Verdict.PROCESS);
    assertThat(p.describe(EVENT, "x")).startsWith("allowance 50 per");
  }

  // ---- a group of agents ----

  @Test
  void theMembersAllotmentsAddUpToTheToldNumber() {
    assertThat(new Pacer.Allotment(6, new int[] {0, 1}).of(50)).isEqualTo(18);
    assertThat(new Pacer.Allotment(6, new int[] {2, 3}).of(50)).isEqualTo(16);
    assertThat(new Pacer.Allotment(6, new int[] {4, 5}).of(50)).isEqualTo(16);
    assertThat(new Pacer.Allotment(6, new int[] {0, 2, 4}).of(700)).isEqualTo(350);
    assertThat(Pacer.Allotment.ALL.of(50)).isEqualTo(50);
    assertThat(new Pacer.Allotment(6, new int[0]).of(50))
        .as("a member without partitions may still send")
        .isEqualTo(1);
  }

  private static Pacer member(RateLimits limits, int[] owned, int of) {
    Pacer p = new Pacer(limits);
    Pacer.Allotment a = new Pacer.Allotment(of, owned);
    p.share(new Pacer.Share(a, a, a), T);
    return p;
  }

  @Test
  void aMemberPacesByItsAllotmentOfTheToldLimits() {
    Pacer p = member(new RateLimits(50, 0, 700, W), new int[] {2, 3}, 6);
    for (int i = 0; i < 16; i++) {
      once(p, EVENT, "a", T, 202, NONE);
    }

    assertThat(p.delayMs(EVENT, "a", T + 2)).as("16 of the key's 50").isPositive();
    assertThat(p.describe(EVENT, "a")).startsWith("allowance 16 per");
    assertThat(p.describeProcess()).startsWith("allowance 234 per");
  }

  /**
   * A member with 2 of 6 partitions, told 50 per key (its part 16), that holds {@code heldA} and
   * {@code heldB} records of two keys and sent its part of each at T.
   */
  private Pacer partsSent(String a, int heldA, String b, int heldB) {
    Pacer p = member(new RateLimits(50, 0, 0, W), new int[] {2, 3}, 6);
    p.waiting(EVENT, a, heldA);
    p.waiting(EVENT, b, heldB);
    for (int i = 0; i < 16; i++) {
      once(p, EVENT, a, T, 202, NONE);
      once(p, EVENT, b, T, 202, NONE);
    }
    p.waiting(EVENT, a, -16);
    p.waiting(EVENT, b, -16);
    return p;
  }

  @Test
  void aMemberGoesAboveItsToldPartOnlyForAShortTailOfItsRecordsAndInTheMiddleOfAWindow() {
    Pacer p = partsSent("long", 40, "tail", 20);

    long middle = T + W / 4;
    assertThat(p.delayMs(EVENT, "tail", T + 2))
        .as("the others' parts are still going")
        .isPositive();
    assertThat(p.delayMs(EVENT, "tail", middle - 1)).isPositive();
    assertThat(p.delayMs(EVENT, "tail", middle)).as("4 left of a part of 16").isZero();
    assertThat(p.delayMs(EVENT, "long", middle))
        .as("24 left: the others' records outrun their parts too")
        .isPositive();

    Pacer silent = member(new RateLimits(50, 0, 0, W), new int[] {2, 3}, 6);
    for (int i = 0; i < 16; i++) {
      once(silent, EVENT, "tail", T, 202, NONE);
    }
    assertThat(silent.delayMs(EVENT, "tail", middle))
        .as("told nothing of its records: never above its part")
        .isPositive();
  }

  @Test
  void aRefusedTailTryHoldsOnlyItsOwnKeysTailForAWindow() {
    Pacer p = partsSent("a", 20, "b", 20);
    long middle = T + W / 4;

    Pacer.Sent tryA = p.sent(EVENT, "a", middle);
    assertThat(p.delayMs(EVENT, "b", middle))
        .as("each key's tail tries at once: its limit is its own")
        .isZero();
    assertThat(p.delayMs(EVENT, "a", middle)).as("one try of a key at a time").isPositive();
    p.answered(tryA, 429, 500, middle + 1);

    assertThat(p.delayMs(EVENT, "a", middle + 501))
        .as("refused: the others use their parts; no try of this key for a window")
        .isPositive();
    once(p, EVENT, "b", middle + 2, 202, NONE);
    assertThat(p.delayMs(EVENT, "b", middle + 3)).as("the other key's tail goes on").isZero();
    assertThat(p.describe(EVENT, "a"))
        .as("a refused try teaches nothing")
        .startsWith("allowance 16 per");
  }

  @Test
  void aSmallerShareAppliesAtOnceALargerOneAWindowLater() {
    Pacer p = member(new RateLimits(50, 0, 0, W), new int[] {0, 1, 2}, 6);
    send(p, EVENT, "a", 1, T);
    assertThat(p.describe(EVENT, "a")).startsWith("allowance 26 per");

    Pacer.Allotment third = new Pacer.Allotment(6, new int[] {0, 1});
    p.share(new Pacer.Share(third, third, third), T + 10);
    assertThat(p.describe(EVENT, "a")).as("a member joined").startsWith("allowance 18 per");

    Pacer.Allotment half = new Pacer.Allotment(6, new int[] {0, 1, 2});
    p.share(new Pacer.Share(half, half, half), T + 20);
    p.delayMs(EVENT, "a", T + 20 + W - 1);
    assertThat(p.describe(EVENT, "a"))
        .as("a member left: its requests still count for a window")
        .startsWith("allowance 18 per");
    p.delayMs(EVENT, "a", T + 20 + W);
    assertThat(p.describe(EVENT, "a")).startsWith("allowance 26 per");
  }

  @Test
  void aMemberTriesForWhatTheOthersLeaveAboveWhatItLearnedInTheMiddleOfAWindowOnly() {
    Pacer p = member(LEARNED, new int[] {2, 3}, 6);
    send(p, EVENT, "a", 3, T);
    assertThat(p.delayMs(EVENT, "a", T))
        .as("in a group, a key nothing is known of has only a few on the wire")
        .isEqualTo(PacedScope.PROBE_POLL_MS);
    answerAll(p, 202, T + 1);
    for (int i = 3; i < 16; i++) {
      p.answered(p.sent(EVENT, "a", T), 202, NONE, T + 1);
    }
    once(p, EVENT, "a", T + 2, 429, 1_000); // its part of the group's race: 16 per 1,003 ms
    long w = 1_003;
    long burst = T + 1 + w + PacedScope.marginMs(w);
    for (int i = 0; i < 16; i++) {
      once(p, EVENT, "a", burst, 202, NONE);
    }

    assertThat(p.delayMs(EVENT, "a", burst))
        .as("a third of a window after its burst")
        .isEqualTo(w / 3);
    Pacer.Sent spare = p.sent(EVENT, "a", burst + w / 3);
    p.answered(spare, 202, NONE, burst + w / 3 + 1);
    assertThat(p.describe(EVENT, "a"))
        .as("it got through: its part grows")
        .startsWith("allowance 17");
    Pacer.Sent refused = p.sent(EVENT, "a", burst + w / 3 + 2);
    assertThat(p.answered(refused, 429, 1_000, burst + w / 3 + 3)).isEqualTo(Verdict.KEY);

    assertThat(p.delayMs(EVENT, "b", burst + w / 3 + 4))
        .as("another key, unpaced, is not held by it")
        .isZero();
    assertThat(p.delayMs(EVENT, "a", burst + w / 3 + 4))
        .as("refused: no try again within the window")
        .isGreaterThan(w / 3);
  }

  @Test
  void aMemberNeverTriesAboveItsToldPartTheOthersPartsAddUpToTheRest() {
    Pacer p = member(new RateLimits(50, 0, 0, W), new int[] {2, 3}, 6);
    send(p, EVENT, "a", 16, T);
    answerAll(p, 202, T + 1);

    assertThat(p.delayMs(EVENT, "a", T + W / 2))
        .as("until its oldest leaves the window")
        .isEqualTo(T + 1 + W + MARGIN - (T + W / 2));
  }

  // ---- memory and logs ----

  @Test
  void idleKeysAreForgotten() {
    Pacer p = new Pacer(new RateLimits(5, 5, 0, W));
    for (int k = 0; k < 100; k++) {
      send(p, EVENT, "key" + k, 1, T);
    }
    answerAll(p, 202, T + 1);
    assertThat(p.trackedKeys()).isEqualTo(100);

    p.delayMs(EVENT, "key0", T + Pacer.IDLE_MS + 1);

    assertThat(p.trackedKeys()).isZero();
  }

  @Test
  void atMostMaxKeysPerKindAreKept() {
    Pacer p = new Pacer(new RateLimits(5, 5, 0, W));
    for (int k = 0; k < Pacer.MAX_KEYS + 50; k++) {
      p.sent(EVENT, "key" + k, T);
    }
    assertThat(p.trackedKeys()).isEqualTo(Pacer.MAX_KEYS);
  }

  @Test
  void describeNeverNamesTheKey() {
    Pacer p = new Pacer(new RateLimits(5, 0, 0, W));
    String key = "il1api0123456789secret";
    send(p, EVENT, key, 1, T);

    assertThat(p.describe(EVENT, key)).isNotNull().doesNotContain(key).doesNotContain("secret");
  }
}
