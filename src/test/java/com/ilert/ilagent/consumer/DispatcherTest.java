package com.ilert.ilagent.consumer;

import static com.ilert.ilagent.consumer.CoreHarness.answer;
import static com.ilert.ilagent.consumer.CoreHarness.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Dispatching records to ilert: slots, 429 back-off, retries and order. */
class DispatcherTest {
  private static final String LIMITED = "il1apilimited00000001";
  private static final String HEALTHY = "il1apihealthy00000001";

  private CoreHarness core;

  @AfterEach
  void close() {
    core.close();
  }

  @Test
  void healthyKeysKeepFlowingWhileEverySlotsRecordOfAnotherKeyWaitsForItsBackOff() {
    core = new CoreHarness("MAX_IN_FLIGHT", "4");
    core.ilert.set(
        (w, n) ->
            Future.succeededFuture(
                w.key().equals(LIMITED) ? answer(429, "10") : answer(202, null)));
    core.assign(0, 0);
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      records.add(event(0, i, LIMITED, "limited-" + i)); // eight alerts: every slot's first taker
    }
    for (int i = 8; i < 12; i++) {
      records.add(event(0, i, HEALTHY, "healthy-" + i));
    }
    long started = System.nanoTime();
    core.poll(records.toArray(ConsumerRecord[]::new));

    await()
        .atMost(Duration.ofSeconds(1))
        .until(() -> core.sent.stream().filter(s -> s.key().equals(HEALTHY)).count() == 4);
    assertThat((System.nanoTime() - started) / 1_000_000)
        .as("healthy key within a second")
        .isLessThan(1_000);
    assertThat(core.sent.stream().filter(s -> s.key().equals(LIMITED)).count())
        .as("the first 429 backs the key off: the other records of it wait at the gate, unsent")
        .isLessThanOrEqualTo(4);
    assertThat(core.onLoop(() -> core.dispatcher.inFlight()))
        .as("waiting records hold no slot")
        .isZero();
    assertThat(core.onLoop(() -> core.dispatcher.waiting())).isPositive();
  }

  @Test
  void anAlertsNextEventWaitsForItsRetryingEvent() {
    core = new CoreHarness();
    core.ilert.set(
        (w, n) ->
            Future.succeededFuture(
                w.offset == 0 && n == 1 ? answer(503, null) : answer(202, null)));
    core.assign(0, 0);
    core.poll(event(0, 0, HEALTHY, "a"), event(0, 1, HEALTHY, "a"), event(0, 2, HEALTHY, "b"));

    await().atMost(Duration.ofSeconds(5)).until(() -> core.sent.size() == 4);
    assertThat(core.sentOffsets(0))
        .as("b is not held up; a's second event follows a's retried first")
        .containsExactly(0L, 2L, 0L, 1L);
  }

  @Test
  void waitingForARateLimitedKeysWindowDoesNotSpendTheRetryBudget() {
    core = new CoreHarness("RETRY_MAX_MS", "1000");
    // The first answer holds the key back for 3 s, longer than the records' 1 s budget.
    core.ilert.set(
        (w, n) ->
            Future.succeededFuture(w.offset == 0 && n == 1 ? answer(429, "3") : answer(202, null)));
    core.assign(0, 0);
    long started = System.nanoTime();
    core.poll(event(0, 0, LIMITED, "a"), event(0, 1, LIMITED, "b"));

    await().atMost(Duration.ofSeconds(10)).until(() -> core.sent.size() == 3);
    assertThat(core.sentOffsets(0))
        .as("the 429, then both once the key may send")
        .containsExactly(0L, 0L, 1L);
    assertThat((System.nanoTime() - started) / 1_000_000)
        .as("after the key's 3 s")
        .isGreaterThanOrEqualTo(2_900);
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> core.onLoop(() -> core.partitions.get(CoreHarness.tp(0)).committable()) == 2);
    assertThat(core.failures).as("no delivery failure for a rate limit").isEmpty();
  }

  @Test
  void aSpentBudgetFailsTheAgentAndLeavesTheRecordUncommitted() {
    core = new CoreHarness("RETRY_MAX_MS", "600");
    core.ilert.set(
        (w, n) -> Future.succeededFuture(w.offset == 1 ? answer(503, null) : answer(202, null)));
    core.assign(0, 0);
    core.poll(event(0, 0, HEALTHY, "a"), event(0, 1, HEALTHY, "b"), event(0, 2, HEALTHY, "c"));

    await().atMost(Duration.ofSeconds(5)).until(() -> !core.failures.isEmpty());
    assertThat(core.failures.get(0))
        .contains("offset=1")
        .contains("il1a****01")
        .doesNotContain(HEALTHY);
    assertThat(core.onLoop(() -> core.partitions.get(CoreHarness.tp(0)).committable()))
        .isEqualTo(1);
  }

  @Test
  void repliesThatComeAtOnceDoNotNestOneCallPerRecord() {
    core = new CoreHarness("MAX_IN_FLIGHT", "1");
    core.assign(0, 0);
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      records.add(event(0, i, HEALTHY, null));
    }
    core.poll(records.toArray(ConsumerRecord[]::new)); // 202 at once, for each of them in turn

    assertThat(core.sent).hasSize(20_000);
    assertThat(core.onLoop(() -> core.partitions.get(CoreHarness.tp(0)).committable()))
        .isEqualTo(20_000);
  }
}
