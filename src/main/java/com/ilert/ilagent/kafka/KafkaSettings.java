package com.ilert.ilagent.kafka;

import com.ilert.ilagent.config.KafkaConfig;
import com.ilert.ilagent.config.OwnedKafkaProperty;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.apache.kafka.clients.producer.ProducerConfig;

/** The Kafka client settings the agent runs with. */
public final class KafkaSettings {
  /**
   * Cooperative-sticky first, so a group of agents only moves the partitions that change owner;
   * range after it, so the agent can join a group whose other members speak only range (the Rust
   * ilagent's librdkafka defaults to range,roundrobin) during a rolling migration. While range is
   * in the list the client rebalances eagerly; docs/migration.md, "Rolling migration", says how to
   * drop it once the group is all agents.
   */
  public static final String DEFAULT_ASSIGNORS =
      CooperativeStickyAssignor.class.getName() + "," + RangeAssignor.class.getName();

  /**
   * Client telemetry (KIP-714) off unless the user turns it on: the agent has its own metrics, and
   * asking the broker for a telemetry subscription at every start cost about 130 ms to /ready.
   */
  static final String NO_METRICS_PUSH = "false";

  /**
   * The Rust program's librdkafka reads only committed transactions; the Java client would also
   * read aborted ones, and page someone for an event its producer rolled back.
   */
  static final String ISOLATION_LEVEL = "read_committed";

  /**
   * The Rust program's own session (librdkafka's default, like the Java client's, is 45 s): after a
   * crash, the restarted agent gets its partitions once the dead member's session expired.
   */
  static final int SESSION_TIMEOUT_MS = 6_000;

  /** A third of the session, Kafka's usual ratio: two heartbeats may be lost before it expires. */
  static final int HEARTBEATS_PER_SESSION = 3;

  /** As librdkafka: a mistyped topic must not be created (and waited on for ever). */
  static final String AUTO_CREATE_TOPICS = "false";

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
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, ISOLATION_LEVEL);
    props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, AUTO_CREATE_TOPICS);
    props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, String.valueOf(SESSION_TIMEOUT_MS));
    props.putAll(config.properties());
    props.putIfAbsent(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, heartbeatIntervalMs(config));
    for (OwnedKafkaProperty owned : OwnedKafkaProperty.values()) {
      props.put(owned.key(), owned.value(config));
    }
    return props;
  }

  /**
   * A third of the session, whichever session applies: the client refuses a heartbeat interval that
   * is not below the session timeout, so a longer or shorter session given as a property gets an
   * interval that fits it. A session that is not a number is left for the client to report.
   */
  private static String heartbeatIntervalMs(KafkaConfig config) {
    int session = SESSION_TIMEOUT_MS;
    String given = config.properties().get(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG);
    if (given != null) {
      try {
        session = Integer.parseInt(given.trim());
      } catch (NumberFormatException e) {
        session = SESSION_TIMEOUT_MS;
      }
    }
    return String.valueOf(Math.max(1, session / HEARTBEATS_PER_SESSION));
  }

  /**
   * A producer's properties: the user's --kafka_property settings that a producer knows (TLS, SASL,
   * ...; consumer-only ones would only make it warn), telemetry off, and what a record that
   * replaces a commit or answers a caller needs: acknowledged by every in-sync replica, written
   * once.
   */
  public static Map<String, Object> producerProperties(KafkaConfig config, String clientId) {
    Map<String, Object> props = new HashMap<>();
    props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
    props.put(ProducerConfig.ENABLE_METRICS_PUSH_CONFIG, NO_METRICS_PUSH);
    config
        .properties()
        .forEach(
            (k, v) -> {
              if (ProducerConfig.configNames().contains(k)) {
                props.put(k, v);
              }
            });
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, String.join(",", config.brokers()));
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    return props;
  }

  /** Creates the consumer; may resolve broker names, so not on an event loop. */
  public static KafkaConsumer<byte[], byte[]> createConsumer(KafkaConfig config) {
    return new KafkaConsumer<>(consumerProperties(config));
  }
}
