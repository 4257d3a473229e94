package com.ilert.ilagent.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

/**
 * The consumer's blocking calls are bounded, and commits never reach partitions it does not own.
 */
class ManagedConsumerTest {
  private static final TopicPartition TP = new TopicPartition("events", 0);

  private static ManagedConsumer unreachable() {
    return new ManagedConsumer(unreachableProps());
  }

  private static Map<String, Object> unreachableProps() {
    Map<String, Object> props = new HashMap<>();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9"); // nothing listens there
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "managed-consumer-test");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(ConsumerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "200");
    return props;
  }

  @Test
  void endOffsetsGivesUpWithinItsShortTimeoutInsteadOfTheMinuteOfTheDefault() {
    try (ManagedConsumer consumer = unreachable()) {
      long started = System.nanoTime();
      assertThatThrownBy(() -> consumer.endOffsets(Set.of(TP)))
          .isInstanceOf(TimeoutException.class);
      long ms = (System.nanoTime() - started) / 1_000_000;
      assertThat(ms).isLessThan(ManagedConsumer.END_OFFSETS_TIMEOUT.toMillis() + 3_000);
    }
  }

  @Test
  void aCommitForPartitionsNoLongerAssignedIsDropped() {
    try (ManagedConsumer consumer = unreachable()) {
      long started = System.nanoTime();
      consumer.commitSync(Map.of(TP, new OffsetAndMetadata(5))); // would wait for a coordinator
      assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(1_000);
    }
  }

  @Test
  void aCommitGivenToCommitWithoutBlockingIsSentAsyncInsteadOfWaitingForTheBroker() {
    try (ManagedConsumer consumer = unreachable()) {
      consumer.assign(Set.of(TP));
      Map<TopicPartition, OffsetAndMetadata> offsets = Map.of(TP, new OffsetAndMetadata(5));
      long started = System.nanoTime();
      // The stream's commit, as vertx-kafka-client runs it: commitSync on the consumer's thread.
      CompletableFuture<Void> answered =
          consumer.commitWithoutBlocking(
              offsets,
              m -> {
                consumer.commitSync(m);
                return Future.succeededFuture();
              });
      assertThat((System.nanoTime() - started) / 1_000_000)
          .as("commitSync would wait up to %s for a coordinator", ManagedConsumer.CALL_TIMEOUT)
          .isLessThan(1_000);
      assertThat(answered).as("no broker answered yet").isNotDone();
    }
  }

  @Test
  void aCommitTheStreamDidNotRunFailsWithTheStreamsError() {
    try (ManagedConsumer consumer = unreachable()) {
      IllegalStateException closed = new IllegalStateException("stream closed");
      CompletableFuture<Void> answered =
          consumer.commitWithoutBlocking(
              Map.of(TP, new OffsetAndMetadata(5)), m -> Future.failedFuture(closed));
      assertThat(answered).isCompletedExceptionally();
      assertThatThrownBy(answered::join).hasCause(closed);
    }
  }

  @Test
  void aCommitWithoutAnyAssignedPartitionCompletesAtOnce() {
    try (ManagedConsumer consumer = unreachable()) {
      CompletableFuture<Void> answered =
          consumer.commitWithoutBlocking(
              Map.of(TP, new OffsetAndMetadata(5)),
              m -> {
                consumer.commitSync(m);
                return Future.succeededFuture();
              });
      assertThat(answered).isCompletedWithValue(null);
    }
  }

  @Test
  void aPollUnderWayGivesWayToAHurriedCommitInsteadOfWaitingOutItsTimeout() throws Exception {
    ExecutorService streamThread = Executors.newSingleThreadExecutor();
    try (ManagedConsumer consumer = unreachable()) {
      streamThread.submit(() -> consumer.assign(Set.of(TP))).get();
      // The read stream: polls and commits take turns on its one thread.
      Future<ConsumerRecords<byte[], byte[]>> polled =
          Future.fromCompletionStage(
              CompletableFuture.supplyAsync(
                  () -> consumer.poll(Duration.ofSeconds(30)), streamThread));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!consumer.polling()) {
        assertThat(System.nanoTime()).as("the poll started").isLessThan(deadline);
        Thread.onSpinWait();
      }
      CountDownLatch commitRan = new CountDownLatch(1);
      long started = System.nanoTime();
      consumer.commitWithoutBlocking(
          Map.of(TP, new OffsetAndMetadata(5)),
          m -> {
            streamThread.submit(
                () -> {
                  consumer.commitSync(m);
                  commitRan.countDown();
                });
            return Future.succeededFuture();
          });
      consumer.hurryCommits();
      assertThat(commitRan.await(10, TimeUnit.SECONDS)).as("the commit ran").isTrue();
      assertThat((System.nanoTime() - started) / 1_000_000)
          .as("the poll's 30 s timeout did not hold the commit up")
          .isLessThan(5_000);
      assertThat(polled.toCompletionStage().toCompletableFuture().get().isEmpty()).isTrue();
    } finally {
      streamThread.shutdownNow();
    }
  }

  @Test
  void aPollAboutToStartWhileAHurriedCommitWaitsForItsTurnReturnsAtOnce() {
    try (ManagedConsumer consumer = unreachable()) {
      consumer.assign(Set.of(TP));
      handOverWithoutRunning(consumer, 5);
      consumer.hurryCommits();
      assertThat(emptyPollMs(consumer, Duration.ofSeconds(30))).isLessThan(5_000);
    }
  }

  @Test
  void aCommitNotHurriedWaitsForThePollsEnd() {
    try (ManagedConsumer consumer = unreachable()) {
      consumer.assign(Set.of(TP));
      handOverWithoutRunning(consumer, 5);
      assertThat(emptyPollMs(consumer, Duration.ofMillis(300)))
          .as("while records flow, commits go between polls")
          .isGreaterThanOrEqualTo(250);
    }
  }

  @Test
  void hurryingWithNoCommitHandedOverWakesNothing() {
    try (ManagedConsumer consumer = unreachable()) {
      consumer.assign(Set.of(TP));
      consumer.hurryCommits();
      assertThat(emptyPollMs(consumer, Duration.ofMillis(300))).isGreaterThanOrEqualTo(250);
    }
  }

  @Test
  void whilePollsStillReturnRecordsACommitIsNotHurried() {
    Map<String, Object> props = unreachableProps();
    ConsumerRecords<byte[], byte[]> one =
        new ConsumerRecords<>(
            Map.of(
                TP,
                List.of(
                    new ConsumerRecord<byte[], byte[]>(
                        TP.topic(), TP.partition(), 7L, null, null))));
    try (ManagedConsumer consumer =
        new ManagedConsumer(props) {
          @Override
          ConsumerRecords<byte[], byte[]> fetch(Duration timeout) {
            return one; // e.g. records that are filtered out and done at once
          }
        }) {
      consumer.assign(Set.of(TP));
      assertThat(consumer.poll(Duration.ofMillis(300)).count()).isEqualTo(1);
      handOverWithoutRunning(consumer, 8);
      consumer.hurryCommits();
      assertThat(consumer.poll(Duration.ofMillis(300)).count())
          .as("the poll was not cut short for the commit")
          .isEqualTo(1);
    }
  }

  @Test
  void aWakeupForACommitThatCameAfterThePollEndedIsNotSeenByTheNextCall() {
    try (ManagedConsumer consumer = unreachable()) {
      consumer.assign(Set.of(TP));
      consumer.wakeUpForCommit(); // the poll it was meant for had just returned
      // Without a broker the call runs into its timeout: it did not fail with the wakeup.
      assertThatThrownBy(() -> consumer.committed(Set.of(TP), Duration.ofMillis(300)))
          .isInstanceOf(TimeoutException.class);
      assertThat(emptyPollMs(consumer, Duration.ofMillis(300)))
          .as("the wakeup was used up: this poll waited for records")
          .isGreaterThanOrEqualTo(250);
    }
  }

  @Test
  void anyOtherWakeupStillReachesTheCaller() {
    try (ManagedConsumer consumer = unreachable()) {
      consumer.assign(Set.of(TP));
      consumer.wakeup(); // the stream's, on close
      assertThatThrownBy(() -> consumer.poll(Duration.ofSeconds(30)))
          .isInstanceOf(WakeupException.class);
      consumer.wakeup();
      assertThatThrownBy(() -> consumer.committed(Set.of(TP), Duration.ofSeconds(30)))
          .isInstanceOf(WakeupException.class);
    }
  }

  /** Hands a commit of {@code offset} over to a stream that has not run it yet. */
  private static void handOverWithoutRunning(ManagedConsumer consumer, long offset) {
    consumer.commitWithoutBlocking(
        Map.of(TP, new OffsetAndMetadata(offset)), m -> Promise.<Void>promise().future());
  }

  /** Polls where there is nothing to fetch; how long the poll took, in ms. */
  private static long emptyPollMs(ManagedConsumer consumer, Duration timeout) {
    long started = System.nanoTime();
    assertThat(consumer.poll(timeout).isEmpty()).isTrue();
    return (System.nanoTime() - started) / 1_000_000;
  }
}
