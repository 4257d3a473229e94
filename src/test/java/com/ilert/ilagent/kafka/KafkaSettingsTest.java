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

  @Test
  void theRustProgramsClientDefaultsApplyUnlessAPropertySaysOtherwise() throws Exception {
    assertThat(KafkaSettings.consumerProperties(kafka()))
        .containsEntry(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")
        .containsEntry(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "6000")
        .containsEntry(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "2000")
        .containsEntry(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
    assertThat(
            KafkaSettings.consumerProperties(
                kafka(
                    "isolation.level=read_uncommitted",
                    "allow.auto.create.topics=true",
                    "session.timeout.ms=45000",
                    "heartbeat.interval.ms=3000")))
        .containsEntry(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted")
        .containsEntry(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "true")
        .containsEntry(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "45000")
        .containsEntry(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "3000");
  }

  @Test
  void aSessionGivenAloneGetsAHeartbeatIntervalThatFitsIt() throws Exception {
    // The client refuses a heartbeat interval that is not below the session timeout.
    assertThat(KafkaSettings.consumerProperties(kafka("session.timeout.ms=1500")))
        .containsEntry(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "500");
    assertThat(KafkaSettings.consumerProperties(kafka("session.timeout.ms=45000")))
        .containsEntry(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "15000");
  }

  @Test
  void theDeadLetterProducerGetsNoConsumerOnlySetting() throws Exception {
    assertThat(DeadLetters.producerProperties(kafka()))
        .doesNotContainKeys(
            ConsumerConfig.ISOLATION_LEVEL_CONFIG,
            ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG,
            ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG);
  }
}
