package com.ilert.ilagent.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

class KafkaBrokerIT {

  @Test
  void sharedBrokerStoresRecordsAndShowsCommittedOffsets() {
    long start = System.nanoTime();
    KafkaBroker kafka = KafkaBroker.shared();
    System.out.printf(
        "shared Kafka broker on %s ready after %d ms (0 if another IT started it)%n",
        kafka.bootstrapServers(), (System.nanoTime() - start) / 1_000_000);
    String topic = "testkit-" + UUID.randomUUID();
    String group = "testkit-" + UUID.randomUUID();
    kafka.createTopic(topic, 3);

    kafka.send(topic, 0, "k0", "{\"n\":0}");
    kafka.send(topic, 1, "k1", "{\"n\":1}");
    kafka.send(topic, 2, "k2", "{\"n\":2}");
    kafka.send(topic, 2, "raw", new byte[] {(byte) 0xff, (byte) 0xfe});

    assertThat(kafka.endOffsets(topic))
        .containsOnly(
            Map.entry(new TopicPartition(topic, 0), 1L),
            Map.entry(new TopicPartition(topic, 1), 1L),
            Map.entry(new TopicPartition(topic, 2), 2L));
    assertThat(kafka.lag(group, topic)).isEqualTo(4);

    try (KafkaConsumer<String, byte[]> consumer = consumer(kafka, group)) {
      consumer.subscribe(List.of(topic));
      List<ConsumerRecord<String, byte[]>> records = poll(consumer, 4, Duration.ofSeconds(30));
      assertThat(records)
          .extracting(ConsumerRecord::key)
          .containsExactlyInAnyOrder("k0", "k1", "k2", "raw");
      assertThat(records)
          .filteredOn(r -> r.key().equals("k1"))
          .extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
          .containsExactly("{\"n\":1}");
      assertThat(records)
          .filteredOn(r -> r.key().equals("raw"))
          .extracting(ConsumerRecord::value)
          .containsExactly(new byte[] {(byte) 0xff, (byte) 0xfe});
      consumer.commitSync();
    }

    assertThat(kafka.committedOffsets(group))
        .containsOnly(
            Map.entry(new TopicPartition(topic, 0), 1L),
            Map.entry(new TopicPartition(topic, 1), 1L),
            Map.entry(new TopicPartition(topic, 2), 2L));
    assertThat(kafka.lag(group, topic)).isZero();
    kafka.awaitNoLag(group, topic, Duration.ofSeconds(5));
  }

  @Test
  void restartKeepsPortsAndData() {
    try (KafkaBroker kafka = KafkaBroker.start(Map.of("log.retention.hours", "1"))) {
      String bootstrap = kafka.bootstrapServers();
      String topic = "testkit-" + UUID.randomUUID();
      kafka.createTopic(topic, 1);
      kafka.send(topic, "before", "1");

      long start = System.nanoTime();
      kafka.restart();
      System.out.printf(
          "Kafka broker restarted in %d ms%n", (System.nanoTime() - start) / 1_000_000);
      kafka.send(topic, "after", "2");

      assertThat(kafka.bootstrapServers()).isEqualTo(bootstrap);
      try (KafkaConsumer<String, byte[]> consumer =
          consumer(kafka, "testkit-" + UUID.randomUUID())) {
        consumer.subscribe(List.of(topic));
        assertThat(poll(consumer, 2, Duration.ofSeconds(30)))
            .extracting(ConsumerRecord::key)
            .containsExactly("before", "after");
      }
    }
  }

  @Test
  void brokerJarsStayOffTheTestClassPath() {
    // The broker's kafka-clients 4.x would shadow or clash with the application's 3.7.
    assertThatThrownBy(() -> Class.forName("kafka.Kafka"))
        .isInstanceOf(ClassNotFoundException.class);
  }

  private static KafkaConsumer<String, byte[]> consumer(KafkaBroker kafka, String group) {
    Properties props = kafka.clientProperties();
    props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    return new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
  }

  private static <K, V> List<ConsumerRecord<K, V>> poll(
      KafkaConsumer<K, V> consumer, int n, Duration timeout) {
    List<ConsumerRecord<K, V>> records = new ArrayList<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (records.size() < n && System.nanoTime() < deadline) {
      consumer.poll(Duration.ofMillis(200)).forEach(records::add);
    }
    assertThat(records).as("records polled within %s", timeout).hasSize(n);
    return records;
  }
}
