package com.ilert.ilagent.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Future;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

/**
 * The consumer's blocking calls are bounded, and commits never reach partitions it does not own.
 */
class ManagedConsumerTest {
  private static final TopicPartition TP = new TopicPartition("events", 0);

  private static ManagedConsumer unreachable() {
    Map<String, Object> props = new HashMap<>();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9"); // nothing listens there
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "managed-consumer-test");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(ConsumerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "200");
    return new ManagedConsumer(props);
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
}
