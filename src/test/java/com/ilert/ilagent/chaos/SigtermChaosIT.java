package com.ilert.ilagent.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import com.ilert.ilagent.ExitCodes;
import com.ilert.ilagent.testkit.AgentProcess;
import com.ilert.ilagent.testkit.KafkaBroker;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM under load, then a restart: exit 0, nothing lost, and a graceful stop commits what it
 * delivered.
 */
@Tag("chaos-full")
class SigtermChaosIT {
  private static final int EVENTS = 10_000;

  @Test
  void sigtermUnderLoadThenRestartSendsNothingTwice() {
    try (Scenario s = new Scenario("sigterm", KafkaBroker.shared(), 6, EVENTS, 300)) {
      s.produce(0, EVENTS);
      s.ilert.latency(1, 10);
      AgentProcess first = s.startAgent("1");
      s.awaitDelivered(EVENTS / 3, Duration.ofSeconds(90));
      first.sigterm();
      assertThat(first.awaitExit(Duration.ofSeconds(40)))
          .as("exit code after SIGTERM")
          .isEqualTo(ExitCodes.OK);
      int deliveredAtStop = s.ledger.distinct();
      long uncommitted = s.deliveredButUncommitted();

      s.startAgent("2");
      s.awaitAll(Duration.ofSeconds(120));
      s.stopAgents();
      long duplicates =
          s.verdict("delivered_at_stop=" + deliveredAtStop + " uncommitted_at_stop=" + uncommitted);
      assertThat(uncommitted).as("a graceful stop commits everything it delivered").isZero();
      assertThat(duplicates).as("nothing delivered twice after a graceful stop").isZero();
    }
  }
}
