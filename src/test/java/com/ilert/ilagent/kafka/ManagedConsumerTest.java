package com.ilert.ilagent.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
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
}
