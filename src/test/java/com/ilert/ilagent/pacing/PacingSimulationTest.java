package com.ilert.ilagent.pacing;

import static org.assertj.core.api.Assertions.assertThat;

import com.ilert.ilagent.pacing.PacingSimulation.Result;
import com.ilert.ilagent.pacing.PacingSimulation.Server;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The pacer against a modelled ilert (fixed windows, 429 until the window resets) in simulated
 * time: the drain targets of a rate-limited backlog, measured without a clock. Unless a test says
 * otherwise the limits are ilert's, ten times faster as in the benchmark (windows of 6 s): 50
 * events per key, 700 requests per process; 64 requests in flight, 4-6 ms round trips.
 *
 * <p>Ideal time for 200 events of a key at 50 per window: the fourth burst can start three windows
 * after the first, 18 s.
 */
class PacingSimulationTest {
  private static final long W = 6_000;
  private static final long T0 = 1_700_000_000_000L;
  private static final long IDEAL_10_KEYS = 3 * W;
  private static final RateLimits LEARNED = new RateLimits(0, 0, 0, W);
  private static final RateLimits TOLD = new RateLimits(50, 5, 700, W);

  private static Result run(RateLimits limits, Server server, Map<String, Integer> backlog) {
    return new PacingSimulation(new Pacer(limits), server, 64, 4, 2).drain(backlog, T0, 600_000);
  }

  private static Server ilert(boolean retryAfter) {
    return new Server(50, 700, W, retryAfter, false, 0);
  }

  @Test
  void toldLimitsDrainInTheIdealTimeWithout429() {
    Result r = run(TOLD, ilert(true), PacingSimulation.backlog(10, 200));

    assertThat(r.answered429()).as(r.toString()).isZero();
    assertThat(r.drainMs()).as(r.toString()).isLessThanOrEqualTo((long) (1.1 * IDEAL_10_KEYS));
  }

  @ParameterizedTest(name = "Retry-After {0}")
  @ValueSource(booleans = {true, false})
  void learnedLimitsDrainWithin130PercentOfTheIdealAndAtMost3PercentAnswered429(
      boolean retryAfter) {
    Result r = run(LEARNED, ilert(retryAfter), PacingSimulation.backlog(10, 200));

    assertThat(r.share429OfRecords()).as(r.toString()).isLessThanOrEqualTo(0.03);
    assertThat(r.drainMs()).as(r.toString()).isLessThanOrEqualTo((long) (1.3 * IDEAL_10_KEYS));
    assertThat(r.verdicts()).as("every 429 is put down to its key").containsOnly(Pacer.Verdict.KEY);
  }

  @ParameterizedTest(name = "Retry-After {0}")
  @ValueSource(booleans = {true, false})
  void learnedLimitsHoldWhenTheServersWindowsFollowTheClock(boolean retryAfter) {
    Result r =
        run(
            LEARNED,
            new Server(50, 700, W, retryAfter, true, 2_345),
            PacingSimulation.backlog(10, 200));

    assertThat(r.share429OfRecords()).as(r.toString()).isLessThanOrEqualTo(0.03);
    assertThat(r.drainMs()).as(r.toString()).isLessThanOrEqualTo((long) (1.3 * IDEAL_10_KEYS));
  }

  @Test
  void learnedLimitsAtIlertsRealScale() {
    // One-minute windows, 40-60 ms round trips: 200 events per key take three minutes at best.
    Server server = new Server(50, 700, 60_000, true, false, 0);
    Result r =
        new PacingSimulation(new Pacer(RateLimits.LEARNED_ONLY), server, 64, 40, 20)
            .drain(PacingSimulation.backlog(10, 200), T0, 3_600_000);

    assertThat(r.share429OfRecords()).as(r.toString()).isLessThanOrEqualTo(0.03);
    assertThat(r.drainMs()).as(r.toString()).isLessThanOrEqualTo((long) (1.3 * 180_000));
  }

  @Test
  void toldTotalKeepsManyKeysUnderThePerProcessLimit() {
    // 40 keys x 40 events: no key reaches 50, the 700 per window of the process binds (ideal 12 s).
    Result r = run(TOLD, ilert(true), PacingSimulation.backlog(40, 40));

    assertThat(r.answered429()).as(r.toString()).isZero();
    assertThat(r.drainMs()).as(r.toString()).isLessThanOrEqualTo((long) (1.1 * 2 * W));
  }

  /**
   * Learned only, 40 keys equally loaded under a per-process limit: at the first 429s every key is
   * stopped at the same count, which looks exactly like a per-key limit (see {@link Pacer}). The
   * sum of the keys' allowances equals the process's, so pacing holds from the first backlog on;
   * the next backlog exposes the process limit (keys at their allowances, the process still
   * answered 429), and after that the keys unlearn theirs. Measured here so that it stays so.
   */
  @Test
  void learnedPerProcessLimitWithEquallyLoadedKeysConverges() {
    Pacer pacer = new Pacer(LEARNED);
    PacingSimulation sim = new PacingSimulation(pacer, ilert(true), 64, 4, 2);
    long ideal = 2 * W; // 1,600 events at 700 per window
    long t = T0;
    int first3 = 0;
    for (int i = 0; i < 5; i++) {
      Result r = sim.drain(PacingSimulation.backlog(40, 40), t, 600_000);
      if (i < 3) {
        first3 += r.answered429();
        assertThat(r.drainMs())
            .as("backlog %d: %s", i, r)
            .isLessThanOrEqualTo((long) (2.2 * ideal));
      } else {
        assertThat(r.answered429()).as("backlog %d: %s", i, r).isZero();
        assertThat(r.drainMs())
            .as("backlog %d: %s", i, r)
            .isLessThanOrEqualTo((long) (1.1 * ideal));
      }
      t += r.drainMs() + 3 * W; // the next backlog a while later: the server's windows have reset
    }
    assertThat(first3).as("429s while learning, of 3 x 1,600 events").isLessThanOrEqualTo(350);
    assertThat(pacer.describeProcess()).startsWith("allowance 700 (learned)");
  }

  /**
   * A restart: the previous process used 45 of each key's 50 in the server's current window, so
   * every key is stopped far below the told allowance, which looks like the per-process limit (see
   * {@link Pacer}). Either way the whole process waits for the reset: few requests are wasted, the
   * drain loses about one window, and the next backlog is paced as before.
   */
  @Test
  void afterARestartTheFirstWindowCostsLittleAndLaterBacklogsAreNotSlowed() {
    Server server = ilert(true);
    for (int k = 0; k < 10; k++) {
      for (int i = 0; i < 45; i++) {
        server.receive("k" + k, T0 - 2_000);
      }
    }
    Pacer pacer = new Pacer(TOLD);
    PacingSimulation sim = new PacingSimulation(pacer, server, 64, 4, 2);
    Result r = sim.drain(PacingSimulation.backlog(10, 200), T0, 600_000);
    Result next = sim.drain(PacingSimulation.backlog(10, 200), T0 + r.drainMs() + 3 * W, 600_000);

    assertThat(r.answered429()).as(r.toString()).isLessThanOrEqualTo(64);
    assertThat(r.drainMs())
        .as(r.toString())
        .isLessThanOrEqualTo((long) (1.1 * (IDEAL_10_KEYS + W)));
    assertThat(next.answered429()).as(next.toString()).isZero();
    assertThat(next.drainMs())
        .as(next.toString())
        .isLessThanOrEqualTo((long) (1.1 * IDEAL_10_KEYS));
  }

  @Test
  void toldLimitsHoldWithRoundTripsThatVaryByTensOfMilliseconds() {
    Result r =
        new PacingSimulation(new Pacer(TOLD), ilert(true), 64, 20, 80)
            .drain(PacingSimulation.backlog(10, 200), T0, 600_000);

    assertThat(r.answered429()).as(r.toString()).isZero();
    assertThat(r.drainMs()).as(r.toString()).isLessThanOrEqualTo((long) (1.1 * IDEAL_10_KEYS));
  }

  @Test
  void aLimitedKeyDoesNotHoldBackTheOthers() {
    Map<String, Integer> backlog = new LinkedHashMap<>();
    backlog.put("hot", 300);
    for (int k = 0; k < 9; k++) {
      backlog.put("cool" + k, 20);
    }
    Result r = run(LEARNED, ilert(false), backlog);

    for (int k = 0; k < 9; k++) {
      assertThat(r.doneAtByKey().get("cool" + k) - T0)
          .as("cool key %d done after (ms)", k)
          .isLessThan(1_000);
    }
    assertThat(r.doneAtByKey().get("hot") - T0)
        .as("the hot key took its windows")
        .isGreaterThan(5 * W);
  }
}
