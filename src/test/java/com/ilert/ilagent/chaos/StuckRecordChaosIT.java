package com.ilert.ilagent.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import com.ilert.ilagent.testkit.AgentProcess;
import com.ilert.ilagent.testkit.Fault;
import com.ilert.ilagent.testkit.KafkaBroker;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * One alert's events keep failing (503, retried within the budget) while every other alert of the
 * same partition flows, then kill -9: the agent must not deliver an unbounded run of records above
 * the stuck one, since none of them can be committed and a crash sends them all again. The agent
 * pauses a partition at {@link DuplicateBound#WINDOW_RECORDS} uncommitted records.
 */
class StuckRecordChaosIT {
  private static final int EVENTS = 5_000;

  @Test
  void aStuckRecordHoldsBackItsPartitionNotAnUnboundedRunOfDuplicates() {
    try (Scenario s = new Scenario("stuck-record", KafkaBroker.shared(), 1, EVENTS, 100)) {
      s.produce(0, EVENTS);
      // Alert a0 (ids 0, 100, 200, ...) fails until the fault is cleared; the budget outlasts it.
      s.ilert.fault(Fault.status(503).matching(r -> "a0".equals(r.alertKey())));
      AgentProcess first = s.startAgent("1", "--retry_max_ms", "120000");
      s.awaitDelivered(500, Duration.ofSeconds(60));
      // Everything the agent may deliver past the stuck record: wait until it stops growing.
      long[] last = {-1};
      long[] stableSince = {System.nanoTime()};
      s.await("deliveries to stall behind the stuck record", Duration.ofSeconds(90), () -> {
        long n = s.ledger.distinct();
        if (n != last[0]) {
          last[0] = n;
          stableSince[0] = System.nanoTime();
        }
        return n >= EVENTS - EVENTS / 100 || System.nanoTime() - stableSince[0] > 2_000_000_000L;
      });
      first.sigkill();
      first.awaitExit(Duration.ofSeconds(10));
      long uncommitted = s.deliveredButUncommitted();
      s.ilert.clearFaults();
      s.startAgent("2");
      s.awaitAll(Duration.ofSeconds(120));
      s.stopAgents();
      long duplicates = s.verdict("uncommitted_at_kill=" + uncommitted);
      long bound = DuplicateBound.WINDOW_RECORDS + DuplicateBound.POLL_RECORDS;
      assertThat(uncommitted).as("delivered above the stuck record, uncommitted, at the kill").isLessThanOrEqualTo(bound);
      assertThat(duplicates).isLessThanOrEqualTo(bound + 64);
    }
  }
}
