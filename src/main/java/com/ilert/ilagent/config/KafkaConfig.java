package com.ilert.ilagent.config;

import java.util.List;
import java.util.Map;

/**
 * Where the daemon reads from: the Kafka cluster, its consumer group, the topics it consumes, the
 * client properties, how often offsets are committed and where given-up records go. Without
 * --kafka_brokers every list and map is empty and the daemon runs no consumer ({@link #enabled}).
 *
 * @param brokers the bootstrap servers (--kafka_brokers); empty when the daemon runs without Kafka
 * @param groupId the consumer group (--kafka_group_id)
 * @param eventTopics the topics of alert events (-e), in the order given, without duplicates
 * @param heartbeatTopics the topics of heartbeat pings (-r), likewise
 * @param offsetReset where a new group starts reading: "latest" or "earliest"
 * @param properties extra Kafka client properties (TLS, SASL, tuning); may hold secrets
 * @param commitIntervalMs how often completed offsets are committed (the periodic backstop)
 * @param deadLetterTopic where bad and rejected records are written, or null; never a consumed
 *     topic
 */
public record KafkaConfig(
    List<String> brokers,
    String groupId,
    List<String> eventTopics,
    List<String> heartbeatTopics,
    String offsetReset,
    Map<String, String> properties,
    long commitIntervalMs,
    String deadLetterTopic) {

  /** Whether the daemon consumes Kafka at all (--kafka_brokers given). */
  public boolean enabled() {
    return !brokers.isEmpty();
  }
}
