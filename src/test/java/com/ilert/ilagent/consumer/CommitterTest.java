package com.ilert.ilagent.consumer;

import static com.ilert.ilagent.consumer.CoreHarness.event;
import static com.ilert.ilagent.consumer.CoreHarness.tp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.ilert.ilagent.kafka.RebalanceBridge;
import com.ilert.ilagent.offsets.OffsetMetadata;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Commits: one in flight, the next right after it, and a final commit that outlasts a rebalance.
 */
class CommitterTest {
  private static final String KEY = "il1apicommitter000001";

  private final CoreHarness core = new CoreHarness();

  @AfterEach
  void close() {
    core.close();
  }

  private CompletableFuture<Void> commitFinal(long withinMs) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    core.run(
        () ->
            core.committer
                .commitFinal(core.core.loop.nowMs() + withinMs)
                .onComplete(
                    (v, err) -> {
                      if (err == null) {
                        done.complete(null);
                      } else {
                        done.completeExceptionally(err);
                      }
                    }));
    return done;
  }

  @Test
  void theFinalCommitIsRetriedThroughARebalanceUntilItSucceeds() {
    core.assign(0, 0);
    core.poll(event(0, 0, KEY, null), event(0, 1, KEY, null));
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                core.onLoop(
                    () ->
                        core.partitions.get(tp(0)).commitPoint(new OffsetMetadata.Writer())
                            == null));
    AtomicInteger attempts = new AtomicInteger();
    core.commitResult.set(
        () ->
            attempts.incrementAndGet() <= 2
                ? Future.failedFuture(new RebalanceInProgressException("rebalancing"))
                : Future.succeededFuture());
    core.commits.clear();

    // The last record completes, and the stop begins in the same turn: only the final commit is
    // left.
    CompletableFuture<Void> done = new CompletableFuture<>();
    core.run(
        () -> {
          core.intake.accept(
              new org.apache.kafka.clients.consumer.ConsumerRecords<>(
                  Map.of(tp(0), java.util.List.of(event(0, 2, KEY, null)))));
          core.committer
              .commitFinal(core.core.loop.nowMs() + 10_000)
              .onComplete((v, err) -> done.complete(null));
        });
    done.join();

    assertThat(attempts.get()).isEqualTo(3);
    assertThat(core.commits)
        .hasSize(3)
        .allSatisfy(c -> assertThat(c).containsEntry(tp(0), new OffsetAndMetadata(3)));
    assertThat(
            core.onLoop(() -> core.partitions.get(tp(0)).commitPoint(new OffsetMetadata.Writer())))
        .isNull();
  }

  @Test
  void theFinalCommitGivesUpAtItsDeadline() {
    assertFinalCommitGivesUpWithinOneSecond(
        () -> Future.failedFuture(new RebalanceInProgressException("rebalancing")));
  }

  @Test
  void theFinalCommitGivesUpAtItsDeadlineAlsoWhenNoAnswerEverComes() {
    assertFinalCommitGivesUpWithinOneSecond(() -> Promise.<Void>promise().future());
  }

  /** Every commit ends as {@code commits} says; a final commit given 1 s gives up then. */
  private void assertFinalCommitGivesUpWithinOneSecond(
      java.util.function.Supplier<Future<Void>> commits) {
    core.assign(0, 0);
    core.commitResult.set(commits);
    core.poll(event(0, 0, KEY, null));
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> core.onLoop(() -> core.partitions.get(tp(0)).committable()) == 1);
    long started = System.nanoTime();

    CompletableFuture<Void> result = commitFinal(1_000);

    assertThat(result).failsWithin(Duration.ofSeconds(5));
    assertThat((System.nanoTime() - started) / 1_000_000).isBetween(500L, 3_000L);
  }

  @Test
  void commitsTheGroupRefusesForGoodFailTheAgent() {
    core.assign(0, 0);
    core.commitResult.set(
        () -> Future.failedFuture(new GroupAuthorizationException("Not authorized")));
    core.poll(event(0, 0, KEY, null));
    await().atMost(Duration.ofSeconds(5)).until(() -> !core.failures.isEmpty());
    assertThat(core.failures.get(0)).contains("Kafka refuses the commits for good");
  }

  @Test
  void oneCommitIsInFlightAndProgressMeanwhileIsCommittedRightAfterIt() {
    Promise<Void> first = Promise.promise();
    AtomicInteger calls = new AtomicInteger();
    core.commitResult.set(
        () -> calls.incrementAndGet() == 1 ? first.future() : Future.succeededFuture());
    core.assign(0, 0);
    core.poll(event(0, 0, KEY, null));
    await().atMost(Duration.ofSeconds(5)).until(() -> calls.get() == 1);
    core.poll(event(0, 1, KEY, null), event(0, 2, KEY, null));
    core.poll(event(0, 3, KEY, null));
    assertThat(calls.get()).as("nothing else while the first commit is out").isEqualTo(1);

    core.run(() -> first.complete());

    await().atMost(Duration.ofSeconds(5)).until(() -> calls.get() == 2);
    assertThat(core.commits.get(1)).isEqualTo(Map.of(tp(0), new OffsetAndMetadata(4)));
  }

  @Test
  void aStartPositionTheGroupHasNoOffsetForIsCommittedWithoutAnyRecord() {
    core.run(() -> core.rebalances.assigned(Map.of(tp(3), new RebalanceBridge.Start(17, null))));
    core.run(() -> core.committer.commit());
    assertThat(core.commits).containsExactly(Map.of(tp(3), new OffsetAndMetadata(17)));
  }
}
