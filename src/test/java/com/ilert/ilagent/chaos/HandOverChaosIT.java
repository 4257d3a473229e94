package com.ilert.ilagent.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import com.ilert.ilagent.ExitCodes;
import com.ilert.ilagent.testkit.AgentProcess;
import com.ilert.ilagent.testkit.KafkaBroker;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A graceful hand-over, as a rolling update does it: a second agent joins the group while the first
 * delivers a backlog, then the first gets SIGTERM. Revoked partitions finish their requests on the
 * wire and commit (with the completed offsets above a pending one) before they move, and the stop
 * commits what it delivered: nothing is lost and nothing is sent twice.
 */
@Tag("chaos-full")
class HandOverChaosIT {
  private static final int EVENTS = 10_000;
  private static final String[] OPTS = {"--max_in_flight", "8"};

  @Test
  void aSecondAgentJoinsThenTheFirstStopsAndNothingIsSentTwice() {
    try (Scenario s = new Scenario("hand-over", KafkaBroker.shared(), 6, EVENTS, 300)) {
      s.produce(0, EVENTS);
      s.ilert.latency(20, 40); // slow enough that the second agent joins mid-stream
      AgentProcess first = s.startAgent("1", OPTS);
      s.awaitDelivered(EVENTS / 5, Duration.ofSeconds(90));
      AgentProcess second = s.startAgent("2", OPTS);
      int atJoin = s.ledger.distinct();
      s.awaitDelivered(atJoin + (EVENTS - atJoin) / 3, Duration.ofSeconds(90));
      first.sigterm();
      assertThat(first.awaitExit(Duration.ofSeconds(40)))
          .as("exit code after SIGTERM")
          .isEqualTo(ExitCodes.OK);
      int atStop = s.ledger.distinct();

      s.awaitAll(Duration.ofSeconds(120));
      assertThat(second.isAlive()).isTrue();
      s.stopAgents();
      long duplicates = s.verdict("delivered_at_join=" + atJoin + " delivered_at_stop=" + atStop);
      assertThat(duplicates).as("a graceful hand-over sends nothing twice").isZero();
    }
  }
}
