package com.ilert.ilagent.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.ilert.ilagent.config.ConfigLoader;
import com.ilert.ilagent.config.FlagValues;
import com.ilert.ilagent.config.KafkaConfig;
import com.ilert.ilagent.config.Setting;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

class KafkaSettingsTest {
  private static KafkaConfig kafka(String... properties) throws Exception {
    FlagValues flags =
        new FlagValues()
            .add(Setting.KAFKA_BROKERS, "localhost:9092")
            .add(Setting.EVENT_TOPIC, "events")
            .add(Setting.DEAD_LETTER_TOPIC, "dead");
    for (String p : properties) {
      flags.add(Setting.KAFKA_PROPERTY, p);
    }
    return ConfigLoader.load(flags, Map.of()).kafka();
  }

  @Test
  void clientTelemetryIsOffByDefaultForTheConsumerAndTheDeadLetterProducer() throws Exception {
    KafkaConfig config = kafka();
    assertThat(KafkaSettings.consumerProperties(config))
        .containsEntry(ConsumerConfig.ENABLE_METRICS_PUSH_CONFIG, "false")
        .containsEntry(
            ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, KafkaSettings.DEFAULT_ASSIGNORS);
    assertThat(DeadLetters.producerProperties(config))
        .containsEntry(ProducerConfig.ENABLE_METRICS_PUSH_CONFIG, "false");
  }

  @Test
  void theUserCanTurnClientTelemetryOn() throws Exception {
    KafkaConfig config = kafka("enable.metrics.push=true");
    assertThat(KafkaSettings.consumerProperties(config))
        .containsEntry(ConsumerConfig.ENABLE_METRICS_PUSH_CONFIG, "true");
    assertThat(DeadLetters.producerProperties(config))
        .containsEntry(ProducerConfig.ENABLE_METRICS_PUSH_CONFIG, "true");
  }
}
