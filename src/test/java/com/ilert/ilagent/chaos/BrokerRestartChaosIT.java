package com.ilert.ilagent.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import com.ilert.ilagent.ExitCodes;
import com.ilert.ilagent.testkit.AgentProcess;
import com.ilert.ilagent.testkit.KafkaBroker;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The broker goes away for 10 s in the middle of a stream and comes back on the same ports and
 * data: the agent rides it out without exiting, delivers everything, and keeps consuming what is
 * produced afterwards. A broker of its own, so the shared one stays up for the other tests.
 */
@Tag("chaos-full")
class BrokerRestartChaosIT {
  private static final int BEFORE = 8_000;
  private static final int AFTER = 2_000;
  private static final Duration OUTAGE = Duration.ofSeconds(10);

  @Test
  void brokerStoppedForTenSecondsMidStream() {
    try (KafkaBroker broker = KafkaBroker.start(Map.of());
        Scenario s = new Scenario("broker-restart", broker, 6, BEFORE + AFTER, 300)) {
      s.produce(0, BEFORE);
      s.ilert.latency(2, 10);
      AgentProcess agent = s.startAgent("1");
      s.awaitDelivered(BEFORE / 4, Duration.ofSeconds(90));
      broker.stop();
      int atStop = s.ledger.distinct();
      long down = System.nanoTime();
      // The outage itself: the agent must stay up all along.
      s.await(
          "the agent to stay up while the broker is down",
          OUTAGE.plusSeconds(5),
          () -> !agent.isAlive() || System.nanoTime() - down >= OUTAGE.toNanos());
      assertThat(agent.isAlive()).as("agent alive while the broker is down").isTrue();
      int duringOutage = s.ledger.distinct() - atStop;
      broker.restart();
      s.produce(BEFORE, BEFORE + AFTER);
      s.awaitAll(Duration.ofSeconds(180));
      assertThat(agent.isAlive()).as("the agent reconnected by itself, no restart").isTrue();
      s.stopAgents();
      assertThat(agent.awaitExit(Duration.ofSeconds(1))).isEqualTo(ExitCodes.OK);
      s.verdict("delivered_at_stop=" + atStop + " delivered_while_down=" + duringOutage);
    }
  }
}
