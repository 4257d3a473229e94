package com.ilert.ilagent.consumer;

import static com.ilert.ilagent.consumer.CoreHarness.answer;
import static com.ilert.ilagent.consumer.CoreHarness.event;
import static com.ilert.ilagent.consumer.CoreHarness.tp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The event loop's side of a rebalance: what a revoked partition leaves behind. */
class RebalancesTest {
  private static final String KEY = "il1apirebalance000001";

  private final CoreHarness core = new CoreHarness();

  @AfterEach
  void close() {
    core.close();
  }

  private Map<TopicPartition, OffsetAndMetadata> revoke(int partition) {
    CompletableFuture<Map<TopicPartition, OffsetAndMetadata>> offsets = new CompletableFuture<>();
    core.run(
        () ->
            core.rebalances
                .revoked(Set.of(tp(partition)))
                .onComplete((r, e) -> offsets.complete(r)));
    try {
      return offsets.get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aRetryWaitingForItsBackOffIsAbandonedAtRevokeAndNeverSent() {
    // ALERT answered 429 with Retry-After 1: it waits for its retry when the partition moves.
    core.ilert.set((w, n) -> Future.succeededFuture(n == 1 ? answer(429, "1") : answer(202, null)));
    core.assign(0, 0);
    core.poll(event(0, 0, KEY, "a"), event(0, 1, KEY, "a"));
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> core.onLoop(() -> core.dispatcher.waiting()) == 1);

    Map<TopicPartition, OffsetAndMetadata> offsets = revoke(0);

    assertThat(offsets).as("nothing of it completed: nothing to commit").isEmpty();
    assertThat(
            core.onLoop(
                () ->
                    core.dispatcher.waiting()
                        + core.dispatcher.queued()
                        + core.dispatcher.inFlight()))
        .isZero();
    assertThat(core.onLoop(() -> core.partitions.heldRecords())).isZero();
    // Past the Retry-After: the old owner must not send the ALERT again (the new owner may have
    // sent it and its RESOLVE by now).
    await()
        .during(Duration.ofMillis(1_500))
        .atMost(Duration.ofSeconds(3))
        .until(() -> core.sent.size() == 1);
  }

  @Test
  void aRevokeLetsRequestsOnTheWireFinishAndCommitsThem() {
    Promise<com.ilert.ilagent.ilert.Reply> answer = Promise.promise();
    core.ilert.set(
        (w, n) -> w.offset == 1 ? answer.future() : Future.succeededFuture(answer(202, null)));
    core.assign(0, 0);
    core.poll(event(0, 0, KEY, "a"), event(0, 1, KEY, "b"), event(0, 2, KEY, "b"));
    await().atMost(Duration.ofSeconds(5)).until(() -> core.sent.size() == 2);

    CompletableFuture<Map<TopicPartition, OffsetAndMetadata>> offsets = new CompletableFuture<>();
    core.run(
        () -> core.rebalances.revoked(Set.of(tp(0))).onComplete((r, e) -> offsets.complete(r)));
    assertThat(offsets).as("waits for the request on the wire").isNotDone();
    core.vertx.setTimer(200, id -> answer.complete(answer(202, null)));

    assertThat(offsets.join()).containsEntry(tp(0), new OffsetAndMetadata(2));
    assertThat(core.sentOffsets(0))
        .as("offset 2 (queued behind 1) is not started after the revoke")
        .containsExactly(0L, 1L);
    assertThat(core.onLoop(() -> core.partitions.get(tp(0)))).isNull();
  }

  @Test
  void aRequestAnsweredWithARetryDuringTheRevokeIsNotRetried() {
    Promise<com.ilert.ilagent.ilert.Reply> answer = Promise.promise();
    core.ilert.set((w, n) -> n == 1 ? answer.future() : Future.succeededFuture(answer(202, null)));
    core.assign(0, 0);
    core.poll(event(0, 0, KEY, "a"));
    await().atMost(Duration.ofSeconds(5)).until(() -> core.sent.size() == 1);

    CompletableFuture<Map<TopicPartition, OffsetAndMetadata>> offsets = new CompletableFuture<>();
    core.run(
        () -> core.rebalances.revoked(Set.of(tp(0))).onComplete((r, e) -> offsets.complete(r)));
    core.run(() -> answer.complete(answer(503, null)));

    assertThat(offsets.join()).isEmpty();
    assertThat(core.onLoop(() -> core.dispatcher.waiting())).isZero();
    assertThat(core.sent).hasSize(1);
  }

  @Test
  void aRevokeStopsWaitingForAHangingRequestAtItsBound() {
    core.ilert.set(
        (w, n) -> Promise.<com.ilert.ilagent.ilert.Reply>promise().future()); // never answers
    core.assign(5, 0);
    core.poll(event(0, 5, KEY, "a"));
    long started = System.nanoTime();

    Map<TopicPartition, OffsetAndMetadata> offsets = revoke(0);

    assertThat((System.nanoTime() - started) / 1_000_000)
        .as("the harness's 2 s bound")
        .isBetween(1_500L, 6_000L);
    assertThat(offsets)
        .as("the start was committed; the hanging record stays uncommitted")
        .isEmpty();
  }

  @Test
  void lostPartitionsAreDroppedWithoutWaiting() {
    core.ilert.set((w, n) -> Future.succeededFuture(answer(429, "5")));
    core.assign(0, 0, 1);
    core.poll(event(0, 0, KEY, "a"), event(1, 0, "il1apiother0000000001", "b"));
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> core.onLoop(() -> core.dispatcher.waiting()) == 2);

    core.run(() -> core.rebalances.lost(Set.of(tp(0))));

    assertThat(core.onLoop(() -> core.dispatcher.waiting())).isEqualTo(1);
    assertThat(core.onLoop(() -> core.partitions.size())).isEqualTo(1);
  }
}
