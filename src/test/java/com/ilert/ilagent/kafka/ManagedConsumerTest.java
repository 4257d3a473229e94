package com.ilert.ilagent.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The consumer's blocking calls are bounded, commits never reach partitions it does not own, and
 * its own wakeup only ends a poll early. Against the real client, with no broker to answer.
 */
class ManagedConsumerTest {
  private static final TopicPartition TP = new TopicPartition("events", 0);

  private final KafkaConsumer<byte[], byte[]> kafka = new KafkaConsumer<>(unreachableProps());
  private final ManagedConsumer consumer =
      new ManagedConsumer(kafka, () -> System.nanoTime() / 1_000_000);

  @AfterEach
  void close() {
    consumer.close(Duration.ofSeconds(1));
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
    long started = System.nanoTime();
    assertThatThrownBy(() -> consumer.endOffsets(Set.of(TP), ManagedConsumer.END_OFFSETS_TIMEOUT))
        .isInstanceOf(TimeoutException.class);
    long ms = (System.nanoTime() - started) / 1_000_000;
    assertThat(ms).isLessThan(ManagedConsumer.END_OFFSETS_TIMEOUT.toMillis() + 3_000);
  }

  @Test
  void aCommitForPartitionsNoLongerAssignedIsDropped() {
    long started = System.nanoTime();
    consumer.commitSync(Map.of(TP, new OffsetAndMetadata(5)), Duration.ofSeconds(30));
    assertThat((System.nanoTime() - started) / 1_000_000)
        .as("it would wait for a coordinator")
        .isLessThan(1_000);
  }

  @Test
  void aCommitSentWithoutWaitingReturnsAtOnceAndReportsLater() {
    // A first commit, which ends at once with nothing assigned, loads the classes involved: the
    // call timed below is the commit itself, not class loading on a busy machine.
    consumer.commitAsync(Map.of(TP, new OffsetAndMetadata(5)), err -> {});
    kafka.assign(Set.of(TP));
    CompletableFuture<Throwable> done = new CompletableFuture<>();
    long started = System.nanoTime();
    consumer.commitAsync(Map.of(TP, new OffsetAndMetadata(5)), done::complete);
    assertThat((System.nanoTime() - started) / 1_000_000)
        .as("commitSync would wait up to %s for a coordinator", ManagedConsumer.CALL_TIMEOUT)
        .isLessThan(1_000);
    assertThat(done).as("no broker answered yet").isNotDone();
  }

  @Test
  void aCommitWithoutAnyAssignedPartitionEndsAtOnce() {
    CompletableFuture<Throwable> done = new CompletableFuture<>();
    consumer.commitAsync(Map.of(TP, new OffsetAndMetadata(5)), done::complete);
    assertThat(done).isCompletedWithValue(null);
  }

  @Test
  void aCommitThatThrowsBeforeRegisteringItsCallbackStillReportsItsEnd() {
    kafka.assign(Set.of(TP));
    kafka.close(); // commitAsync now throws at once, as it does for a failed coordinator lookup
    CompletableFuture<Throwable> done = new CompletableFuture<>();
    consumer.commitAsync(Map.of(TP, new OffsetAndMetadata(5)), done::complete);
    assertThat(done)
        .as("the committer waits for this end before it commits again")
        .isCompletedWithValueMatching(err -> err instanceof IllegalStateException);
  }

  @Test
  void aPollUnderWayEndsEarlyWhenWokenUp() throws Exception {
    ExecutorService thread = Executors.newSingleThreadExecutor();
    try {
      thread.submit(() -> kafka.assign(Set.of(TP))).get();
      CompletableFuture<ConsumerRecords<byte[], byte[]>> polled =
          CompletableFuture.supplyAsync(
              () -> consumer.poll(Duration.ofSeconds(30), () -> false), thread);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!consumer.polling()) {
        assertThat(System.nanoTime()).as("the poll started").isLessThan(deadline);
        Thread.onSpinWait();
      }
      long started = System.nanoTime();
      consumer.wakeUp();
      assertThat(polled.get(10, TimeUnit.SECONDS).isEmpty()).isTrue();
      assertThat((System.nanoTime() - started) / 1_000_000)
          .as("the poll's 30 s timeout did not hold it")
          .isLessThan(5_000);
    } finally {
      thread.shutdownNow();
    }
  }

  @Test
  void aPollThatMustGiveWayReturnsAtOnce() {
    kafka.assign(Set.of(TP));
    long started = System.nanoTime();
    assertThat(consumer.poll(Duration.ofSeconds(30), () -> true).isEmpty()).isTrue();
    assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(5_000);
  }

  @Test
  void aWakeupIsSentOnlyWhileAPollIsUnderWay() {
    kafka.assign(Set.of(TP));
    consumer.wakeUp(); // no poll under way: nothing to end early
    long started = System.nanoTime();
    assertThat(consumer.poll(Duration.ofMillis(300), () -> false).isEmpty()).isTrue();
    assertThat((System.nanoTime() - started) / 1_000_000)
        .as("this poll waited for records")
        .isGreaterThanOrEqualTo(250);
  }

  @Test
  void aResumeThatReachesKafkaAfterARevokeStillResumesTheOthers() {
    TopicPartition p0 = new TopicPartition("events", 0);
    TopicPartition p1 = new TopicPartition("events", 1);
    TopicPartition p2 = new TopicPartition("events", 2);
    MockConsumer<byte[], byte[]> kafka = new MockConsumer<>(OffsetResetStrategy.EARLIEST);
    kafka.assign(List.of(p0, p2));
    kafka.pause(List.of(p0, p2));
    ManagedConsumer managed = new ManagedConsumer(kafka, () -> 0);
    Set<TopicPartition> asked = new LinkedHashSet<>(List.of(p1, p0, p2)); // P1 was revoked

    managed.resume(asked);

    assertThat(kafka.paused()).as("Kafka stops at the first unassigned partition").isEmpty();
    managed.pause(asked);
    assertThat(kafka.paused()).containsExactlyInAnyOrder(p0, p2);
  }
}
