package com.ilert.ilagent.consumer;

import static com.ilert.ilagent.consumer.CoreHarness.answer;
import static com.ilert.ilagent.consumer.CoreHarness.event;
import static com.ilert.ilagent.consumer.CoreHarness.ping;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.ilert.ilagent.offsets.Backpressure;
import com.ilert.ilagent.pacing.RateLimits;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The dispatcher under the pacer's limits, and pings through the coalescer. */
class PacedDispatchTest {
  private static final String KEY = "il1apipaced0000000001";
  private static final String OTHER = "il1apipaced0000000002";
  private static final String BEAT = "il1hbtpaced0000000001";

  private CoreHarness core;

  @AfterEach
  void close() {
    core.close();
  }

  @Test
  void aToldPerKeyLimitSendsAWindowsAllowanceAtOnceThenWaitsAndOtherKeysFlow() {
    // 5 events per key per 1 s window, told: the sixth waits for the next window, no 429 needed.
    core = new CoreHarness(Backpressure.DEFAULT, new RateLimits(5, 0, 0, 1_000));
    core.assign(0, 0);
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      records.add(event(0, i, KEY, null));
    }
    records.add(event(0, 8, OTHER, null));
    long started = System.nanoTime();
    core.poll(records.toArray(ConsumerRecord[]::new));

    await()
        .atMost(Duration.ofSeconds(1))
        .until(() -> core.sent.stream().anyMatch(s -> s.key().equals(OTHER)));
    assertThat(core.sent.stream().filter(s -> s.key().equals(KEY)).count())
        .as("the first window's allowance")
        .isEqualTo(5);
    await().atMost(Duration.ofSeconds(5)).until(() -> core.sent.size() == 9);
    List<CoreHarness.Sent> limited = core.sent.stream().filter(s -> s.key().equals(KEY)).toList();
    assertThat((limited.get(5).atNanos() - started) / 1_000_000)
        .as("the sixth in the next window")
        .isGreaterThanOrEqualTo(900);
  }

  @Test
  void aKeyAnswered429WaitsForItsWindowWhileOthersFlowAndItsRecordsAreDeliveredLater() {
    core = new CoreHarness(Backpressure.DEFAULT, RateLimits.LEARNED_ONLY);
    int[] calls = {0};
    core.ilert.set(
        (w, n) ->
            Future.succeededFuture(
                w.key().equals(KEY) && calls[0]++ == 2 ? answer(429, "1") : answer(202, null)));
    core.assign(0, 0);
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      records.add(event(0, i, KEY, "a" + i));
    }
    for (int i = 6; i < 9; i++) {
      records.add(event(0, i, OTHER, "b" + i));
    }
    core.poll(records.toArray(ConsumerRecord[]::new));

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> core.onLoop(() -> core.partitions.get(CoreHarness.tp(0)).committable()) == 9);
    assertThat(core.sent.stream().filter(s -> s.key().equals(OTHER))).hasSize(3);
    assertThat(core.failures).isEmpty();
  }

  @Test
  void aFloodOfHeartbeatsForOneKeyPingsLeadingAndTrailingAndCommitsEverything() {
    // 5 pings per key per 1 s window: one ping per about 250 ms interval.
    RateLimits limits = new RateLimits(0, 5, 0, 1_000);
    core = new CoreHarness(Backpressure.DEFAULT, limits);
    core.assign(CoreHarness.BEATS, 0, 0);
    long started = System.nanoTime();
    for (int i = 0; i < 100; i++) {
      core.poll(ping(0, i, BEAT));
    }
    TopicPartition tp = new TopicPartition(CoreHarness.BEATS, 0);
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> core.onLoop(() -> core.partitions.get(tp).committable()) == 100);
    long ms = (System.nanoTime() - started) / 1_000_000;
    assertThat(core.sent).as("a leading ping, then a trailing one for the rest").hasSize(2);
    assertThat(core.sent.get(1).offset())
        .as("the trailing ping carries the last record")
        .isEqualTo(99);
    assertThat(ms)
        .as("committed within about one interval after the last record")
        .isLessThan(limits.pingIntervalMs() + 2_000);
  }

  @Test
  void aRecordRidingOnATrailingPingIsDroppedWhenItsPartitionIsRevoked() {
    core = new CoreHarness(Backpressure.DEFAULT, new RateLimits(0, 5, 0, 60_000));
    core.assign(CoreHarness.BEATS, 0, 0);
    core.poll(ping(0, 0, BEAT), ping(0, 1, BEAT), ping(0, 2, BEAT));
    TopicPartition tp = new TopicPartition(CoreHarness.BEATS, 0);
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> core.onLoop(() -> core.partitions.get(tp).committable()) == 2);

    java.util.concurrent.CompletableFuture<
            java.util.Map<TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata>>
        offsets = new java.util.concurrent.CompletableFuture<>();
    core.run(
        () ->
            core.rebalances
                .revoked(java.util.Set.of(tp))
                .onComplete((r, e) -> offsets.complete(r)));
    offsets.join();
    java.util.List<Long> committed =
        core.commits.stream().filter(c -> c.containsKey(tp)).map(c -> c.get(tp).offset()).toList();
    assertThat(committed)
        .as("1 coalesced and committed; 2 rode on the ping: left for the next owner")
        .isNotEmpty()
        .allMatch(o -> o <= 2)
        .contains(2L);
    assertThat(core.onLoop(() -> core.partitions.heldRecords())).isZero();
    assertThat(core.sent)
        .as("only the leading ping; the trailing one is not sent for a partition gone")
        .hasSize(1);
  }
}
