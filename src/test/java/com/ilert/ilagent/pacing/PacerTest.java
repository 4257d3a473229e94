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
    send(p, EVENT, key, accepted, now);
    answerAll(p, 202, now + 1);
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

    assertThat(p.delayMs(EVENT, "a", T)).isEqualTo(W + MARGIN);
    assertThat(p.delayMs(EVENT, "a", T + 400)).isEqualTo(W + MARGIN - 400);
    assertThat(p.delayMs(EVENT, "b", T)).as("another key has its own allowance").isZero();
    assertThat(p.delayMs(EVENT, "a", T + W + MARGIN)).isZero();
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
    assertThat(p.delayMs(EVENT, "a", T + 3)).as("the 429 came at +3").isEqualTo(2_000);
    assertThat(p.delayMs(EVENT, "b", T + 3)).as("other keys keep flowing").isZero();
  }

  @Test
  void afterTheResetOneProbeGoesAloneThenTheLearnedAllowance() {
    Pacer p = new Pacer(LEARNED);
    limitKey(p, "a", 5, T, 2_000);
    long reset = T + 3 + 2_000;

    Pacer.Sent probe = p.sent(EVENT, "a", reset);
    assertThat(p.delayMs(EVENT, "a", reset))
        .as("while the probe is out")
        .isEqualTo(PacedScope.PROBE_POLL_MS);
    p.answered(probe, 202, NONE, reset + 5);
    send(p, EVENT, "a", 4, reset + 5);

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
      assertThat(p.delayMs(EVENT, "a", t)).as("the 429 came at +%d", t - T).isEqualTo(step);
      t += step;
      once(p, EVENT, "a", t, 429, NONE); // the probe, answered 429 one ms later
      t += 1;
    }
  }

  @Test
  void theWindowLengthComesFromRetryAfter() {
    Pacer p = new Pacer(LEARNED);
    limitKey(p, "a", 5, T, 3_000); // window began at T, the 429 came at +3: resets at +3,003
    once(p, EVENT, "a", T + 3 + 3_000, 202, NONE);

    assertThat(p.describe(EVENT, "a")).contains("per 3003 ms");
  }

  @Test
  void aTentativeAllowanceIsConfirmedByOneProbeAboveIt() {
    Pacer p = new Pacer(LEARNED);
    limitKey(p, "a", 5, T, 1_000);
    long w2 = T + 3 + 1_000;
    once(p, EVENT, "a", w2, 202, NONE); // the reset probe: a clean window begins
    send(p, EVENT, "a", 4, w2 + 2);
    answerAll(p, 202, w2 + 3);

    assertThat(p.delayMs(EVENT, "a", w2 + 4)).as("one request above the tentative 5").isZero();
    Pacer.Sent above = p.sent(EVENT, "a", w2 + 4);
    assertThat(p.delayMs(EVENT, "a", w2 + 4))
        .as("only one at a time")
        .isEqualTo(PacedScope.PROBE_POLL_MS);
    p.answered(above, 429, 900, w2 + 5);

    assertThat(p.describe(EVENT, "a")).startsWith("allowance 5 (learned)");
    long w3 = w2 + 5 + 900;
    once(p, EVENT, "a", w3, 202, NONE);
    send(p, EVENT, "a", 4, w3 + 2);
    assertThat(p.delayMs(EVENT, "a", w3 + 2)).as("confirmed: no more probes above it").isPositive();
  }

  @Test
  void aTentativeAllowanceThatProbesDisproveIsDropped() {
    Pacer p = new Pacer(LEARNED);
    // After a restart the server's window was mostly used: only 2 got through.
    limitKey(p, "a", 2, T, 1_000);
    long w2 = T + 3 + 1_000;
    once(p, EVENT, "a", w2, 202, NONE);
    once(p, EVENT, "a", w2 + 2, 202, NONE);
    once(p, EVENT, "a", w2 + 4, 202, NONE); // above: 3
    once(p, EVENT, "a", w2 + 6, 202, NONE); // above: 4, twice more than it said

    assertThat(p.describe(EVENT, "a")).isNull();
    send(p, EVENT, "a", 100, w2 + 8);
  }

  @Test
  void aToldAllowanceIsNotLoweredByA429InTheFirstWindow() {
    // An earlier process used most of the server's window: not a reason to send less later.
    Pacer p = new Pacer(new RateLimits(10, 0, 0, W));
    limitKey(p, "a", 3, T, 500);
    long w2 = T + 3 + 500;
    once(p, EVENT, "a", w2, 202, NONE);

    send(p, EVENT, "a", 9, w2 + 2);
    assertThat(p.describe(EVENT, "a")).startsWith("allowance 10 per");
  }

  @Test
  void aToldAllowanceIsLoweredByA429InACleanWindow() {
    Pacer p = new Pacer(new RateLimits(10, 0, 0, W));
    long w2 = T + W + MARGIN + 10; // a full window later: the server's window has reset
    send(p, EVENT, "a", 1, T);
    answerAll(p, 202, T + 1);
    limitKey(p, "a", 6, w2, 500);

    assertThat(p.describe(EVENT, "a")).startsWith("allowance 6 (learned)");
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
    assertThat(p.delayMs(EVENT, "any", T + 4)).isEqualTo(3_000 - 1);
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
