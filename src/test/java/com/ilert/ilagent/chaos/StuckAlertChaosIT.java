package com.ilert.ilagent.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import com.ilert.ilagent.testkit.AgentProcess;
import com.ilert.ilagent.testkit.Fault;
import com.ilert.ilagent.testkit.KafkaBroker;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * One alert's events keep failing (503 throughout, within a budget that outlasts the scenario)
 * while every other alert flows; kill -9 once everything else is delivered and the agent has
 * committed that (a kill in the middle of commits is {@link CrashChaosIT}'s); restart with ilert
 * healthy. The committed offset of the stuck alert's partition cannot pass its first record, offset
 * 0, so without the commit's metadata the restart would send that whole partition again (about
 * 2,000 events); with it the restart sends only the stuck alert's events and what was in flight.
 */
class StuckAlertChaosIT {
  private static final int EVENTS = 4_000;
  private static final int ALERTS = 200;

  /** The target: at most one duplicate per alert. */
  private static final int MAX_DUPLICATES = 200;

  @Test
  void aStuckAlertDoesNotMakeEverythingCompletedAfterItADuplicate() {
    try (Scenario s = new Scenario("stuck-alert", KafkaBroker.shared(), 2, EVENTS, ALERTS)) {
      s.produce(0, EVENTS);
      // Alert a0 (ids 0, 200, 400, ...) fails until the fault is cleared; the budget outlasts it.
      s.ilert.fault(Fault.status(503).matching(r -> "a0".equals(r.alertKey())));
      AgentProcess first = s.startAgent("1", "--retry_max_ms", "600000");
      int stuck = EVENTS / ALERTS;
      s.awaitDelivered(EVENTS - stuck, Duration.ofSeconds(120));
      s.await(
          "the deliveries committed, as offsets or as metadata",
          Duration.ofSeconds(20),
          () -> s.deliveredButUncommitted() == 0);
      first.sigkill();
      assertThat(first.awaitExit(Duration.ofSeconds(10))).isEqualTo(137);
      long redeliverable = s.deliveredButUncommitted();

      s.ilert.clearFaults();
      s.startAgent("2");
      s.awaitAll(Duration.ofSeconds(120));
      s.stopAgents();
      long duplicates = s.verdict("delivered_not_known_done_at_kill=" + redeliverable);
      assertThat(duplicates).as("duplicates after the kill").isLessThanOrEqualTo(MAX_DUPLICATES);
    }
  }
}
