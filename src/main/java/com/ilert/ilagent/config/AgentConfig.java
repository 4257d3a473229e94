package com.ilert.ilagent.config;

import com.ilert.ilagent.mapping.MappingConfig;
import java.util.List;

/**
 * The daemon's validated, immutable configuration, grouped by concern. Built once by {@link
 * ConfigLoader}; nothing else parses options.
 *
 * @param kafka the cluster, consumer group, topics and client properties; without --kafka_brokers
 *     it is empty (see {@link KafkaConfig#enabled}), and only the own heartbeat and the probes run
 * @param delivery how records reach ilert: URLs, ordering, concurrency, retries, proxies, limits
 * @param mapping the event-mapping options (its filter also applies to the policy topic)
 * @param policy the escalation-policy topic, or null when there is none
 * @param shutdown how long a clean stop and an exit after a delivery failure may take
 * @param port HTTP port for /health, /ready, /metrics and the HTTP API, or null when it is off
 * @param bindAddress the address the -p server listens on; "0.0.0.0" (every interface) by default
 * @param httpApiToken the token the HTTP API's endpoints require as a bearer token, or null
 * @param heartbeatKey the agent's own heartbeat key (-b), or null
 * @param verbosity number of -v flags (0-1 warn, 2 info, 3+ debug)
 * @param rustLog the value of RUST_LOG, which decides the log levels instead of -v, or null
 * @param logFormat plain text or one JSON object per line
 * @param notes what the configuration step wants logged once logging is set up
 */
public record AgentConfig(
    KafkaConfig kafka,
    DeliveryConfig delivery,
    MappingConfig mapping,
    PolicyConfig policy,
    ShutdownConfig shutdown,
    Integer port,
    String bindAddress,
    String httpApiToken,
    String heartbeatKey,
    int verbosity,
    String rustLog,
    LogFormat logFormat,
    List<ConfigNote> notes) {

  public AgentConfig {
    notes = List.copyOf(notes);
  }

  /** Every topic the consumer subscribes to: events, heartbeats and the policy topic. */
  public List<String> topics() {
    List<String> all = new java.util.ArrayList<>(kafka.eventTopics());
    all.addAll(kafka.heartbeatTopics());
    if (policy != null) {
      all.add(policy.topic());
    }
    return List.copyOf(all);
  }

  public enum LogFormat {
    TEXT,
    JSON
  }
}
