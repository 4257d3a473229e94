package com.ilert.ilagent.config;

import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The Kafka consumer properties the agent sets itself, with their values and the advice an operator
 * who tries to set one gets instead. One table for both, so the two cannot drift apart.
 */
public enum OwnedKafkaProperty {
  BOOTSTRAP_SERVERS(
      ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
      "use --kafka_brokers",
      c -> String.join(",", c.brokers())),
  GROUP_ID(ConsumerConfig.GROUP_ID_CONFIG, "use --kafka_group_id", KafkaConfig::groupId),
  AUTO_OFFSET_RESET(
      ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
      "use --kafka_offset_reset",
      KafkaConfig::offsetReset),
  // The agent commits only offsets whose records were delivered; auto commit would lose records.
  ENABLE_AUTO_COMMIT(
      ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "the agent commits offsets itself", c -> "false"),
  // Records are read as bytes so that a payload that is not UTF-8 is a skip, not a crash.
  KEY_DESERIALIZER(
      ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
      "the agent reads keys as bytes",
      c -> ByteArrayDeserializer.class.getName()),
  VALUE_DESERIALIZER(
      ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
      "the agent reads values as bytes",
      c -> ByteArrayDeserializer.class.getName());

  private final String key;
  private final String advice;
  private final Function<KafkaConfig, String> value;

  OwnedKafkaProperty(String key, String advice, Function<KafkaConfig, String> value) {
    this.key = key;
    this.advice = advice;
    this.value = value;
  }

  public String key() {
    return key;
  }

  /** What to do instead of setting it. */
  public String advice() {
    return advice;
  }

  /** Its value for this configuration. */
  public String value(KafkaConfig config) {
    return value.apply(config);
  }

  /** The owned property of this name, or null. */
  static OwnedKafkaProperty of(String key) {
    for (OwnedKafkaProperty p : values()) {
      if (p.key.equals(key)) {
        return p;
      }
    }
    return null;
  }
}
