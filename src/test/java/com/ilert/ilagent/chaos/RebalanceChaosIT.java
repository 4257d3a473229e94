package com.ilert.ilagent.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import com.ilert.ilagent.testkit.AgentProcess;
import com.ilert.ilagent.testkit.KafkaBroker;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Three agents in one group on 6 partitions; one is killed (kill -9) and a fourth joins while they
 * deliver: two rebalances under load, nothing lost, per-alert order kept.
 */
@Tag("chaos-full")
class RebalanceChaosIT {
  private static final int EVENTS = 15_000;

  /** Kafka's minimum: the killed member's partitions move after 6 s instead of 45 s. */
  private static final String[] OPTS = {
    "--kafka_property", "session.timeout.ms=6000", "--kafka_property", "heartbeat.interval.ms=1000"
  };

  @Test
  void killOneAddOneWhileRunning() {
    try (Scenario s = new Scenario("rebalance", KafkaBroker.shared(), 6, EVENTS, 300)) {
      s.produce(0, EVENTS);
      s.ilert.latency(5, 20);
      AgentProcess a = s.startAgent("a", OPTS);
      AgentProcess b = s.startAgent("b", OPTS);
      AgentProcess c = s.startAgent("c", OPTS);
      int start = s.ledger.distinct();
      s.awaitDelivered(start + (EVENTS - start) / 4, Duration.ofSeconds(120));
      b.sigkill();
      assertThat(b.awaitExit(Duration.ofSeconds(10))).isEqualTo(137);
      int atKill = s.ledger.distinct();
      s.awaitDelivered(atKill + (EVENTS - atKill) / 3, Duration.ofSeconds(120));
      AgentProcess d = s.startAgent("d", OPTS);
      int atJoin = s.ledger.distinct();
      s.awaitAll(Duration.ofSeconds(180));
      for (AgentProcess agent : new AgentProcess[] {a, c, d}) {
        assertThat(agent.isAlive()).as("%s still running", agent.logFile()).isTrue();
        assertThat(agent.log()).as("survivors saw the rebalance").contains("Assigned");
      }
      s.stopAgents();
      s.verdict("delivered_at_kill=" + atKill + " delivered_at_join=" + atJoin);
    }
  }
}
