package com.ilert.ilagent.kafka;

import com.ilert.ilagent.config.KafkaConfig;
import com.ilert.ilagent.config.OwnedKafkaProperty;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.RangeAssignor;

/** The Kafka client settings the agent runs with. */
public final class KafkaSettings {
  /**
   * Cooperative-sticky first, so a group of agents only moves the partitions that change owner;
   * range after it, so the agent can join a group whose other members speak only range (the Rust
   * ilagent's librdkafka defaults to range,roundrobin) during a rolling migration. While range is
   * in the list the client rebalances eagerly; README "Migrating from the Rust ilagent" says how to
   * drop it once the group is all agents.
   */
  public static final String DEFAULT_ASSIGNORS =
      CooperativeStickyAssignor.class.getName() + "," + RangeAssignor.class.getName();

  /**
   * Client telemetry (KIP-714) off unless the user turns it on: the agent has its own metrics, and
   * asking the broker for a telemetry subscription at every start cost about 130 ms to /ready.
   */
  static final String NO_METRICS_PUSH = "false";

  private KafkaSettings() {}

  /**
   * The consumer's properties: the user's --kafka_property entries (TLS, SASL, tuning) under the
   * settings at-least-once delivery depends on, which the user cannot override.
   */
  public static Map<String, Object> consumerProperties(KafkaConfig config) {
    Map<String, Object> props = new HashMap<>();
    props.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, DEFAULT_ASSIGNORS);
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, "ilagent");
    props.put(ConsumerConfig.ENABLE_METRICS_PUSH_CONFIG, NO_METRICS_PUSH);
    props.putAll(config.properties());
    for (OwnedKafkaProperty owned : OwnedKafkaProperty.values()) {
      props.put(owned.key(), owned.value(config));
    }
    return props;
  }

  /** Creates the consumer; may resolve broker names, so not on an event loop. */
  static KafkaConsumer<byte[], byte[]> createConsumer(KafkaConfig config) {
    return new KafkaConsumer<>(consumerProperties(config));
  }
}
