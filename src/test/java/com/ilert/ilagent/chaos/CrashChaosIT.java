package com.ilert.ilagent.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import com.ilert.ilagent.testkit.AgentProcess;
import com.ilert.ilagent.testkit.KafkaBroker;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * {@code kill -9} of the agent in the middle of 10,000 events on 6 partitions, then a restart:
 * nothing lost, per-alert order kept, and the duplicates are what was delivered but neither
 * committed nor listed done in the commit's metadata when the agent died (plus requests in flight),
 * within the documented bound: {@code --max_in_flight} plus one commit round trip of completions.
 */
class CrashChaosIT {
  private static final int EVENTS = 10_000;
  private static final int MAX_IN_FLIGHT = 64;
  private static final int COMMIT_INTERVAL_MS = 100;

  @Test
  void killMinus9MidStreamThenRestartLosesNothing() {
    try (Scenario s = new Scenario("kill9", KafkaBroker.shared(), 6, EVENTS, 300)) {
      s.produce(0, EVENTS);
      s.ilert.latency(1, 5);
      String[] opts = {
        "--max_in_flight",
        String.valueOf(MAX_IN_FLIGHT),
        "--commit_interval_ms",
        String.valueOf(COMMIT_INTERVAL_MS)
      };
      AgentProcess first = s.startAgent("1", opts);
      // The delivery rate just before the kill, not since the start (the first second is the
      // JIT's).
      s.awaitDelivered(EVENTS / 4, Duration.ofSeconds(90));
      int n0 = s.ledger.distinct();
      long t0 = System.nanoTime();
      s.awaitDelivered(EVENTS / 3, Duration.ofSeconds(90));
      double rate = (s.ledger.distinct() - n0) / ((System.nanoTime() - t0) / 1e9);
      double commitMs = s.longestCommitMs(first);
      first.sigkill();
      assertThat(first.awaitExit(Duration.ofSeconds(10))).as("killed").isEqualTo(137);
      int deliveredAtKill = s.ledger.distinct();
      long uncommitted = s.deliveredButUncommitted();

      s.startAgent("2", opts);
      s.awaitAll(Duration.ofSeconds(120));
      s.stopAgents();
      long bound = DuplicateBound.afterCrash(MAX_IN_FLIGHT, rate, commitMs);
      long duplicates =
          s.verdict(
              String.format(
                  "delivered_at_kill=%d uncommitted_at_kill=%d rate=%.0f/s longest_commit=%.0fms bound=%d",
                  deliveredAtKill, uncommitted, rate, commitMs, bound));
      assertThat(duplicates)
          .as(
              "duplicates after kill -9: what was delivered and not committed, plus what was in flight")
          .isBetween(uncommitted, uncommitted + MAX_IN_FLIGHT);
      assertThat(duplicates)
          .as("duplicates after kill -9, within the documented bound")
          .isLessThanOrEqualTo(bound);
    }
  }
}
