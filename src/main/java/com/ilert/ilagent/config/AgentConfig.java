package com.ilert.ilagent.config;

import com.ilert.ilagent.pacing.RateLimits;

import com.ilert.ilagent.mapping.MappingConfig;
import com.ilert.ilagent.proxy.Proxies;
import java.util.List;
import java.util.Map;

/**
 * The daemon's validated, immutable configuration. Built once by {@link ConfigLoader}; nothing else
 * parses options.
 *
 * @param kafkaBrokers the bootstrap servers; empty when the daemon runs without Kafka (then the
 *     topics are empty too, and only the own heartbeat and the probes run)
 * @param port HTTP port for /health, /ready (and /metrics), or null when the server is off
 * @param verbosity number of -v flags (0-1 warn, 2 info, 3+ debug)
 * @param kafkaProperties extra Kafka client properties (TLS, SASL, tuning); may hold secrets
 * @param heartbeatKey the agent's own heartbeat key (-b), or null
 * @param deadLetterTopic where bad and rejected records are written, or null
 * @param policy the escalation-policy topic, or null when there is none
 * @param proxies the proxies requests to ilert go through (from --proxy and the environment)
 * @param rateLimits the told rate limits (ilert's documented ones by default for ilert's hosts)
 * @param notes what the configuration step wants logged once logging is set up
 */
public record AgentConfig(
    List<String> kafkaBrokers,
    String kafkaGroupId,
    List<String> eventTopics,
    List<String> heartbeatTopics,
    Integer port,
    int verbosity,
    String apiUrl,
    String heartbeatUrl,
    String kafkaOffsetReset,
    Map<String, String> kafkaProperties,
    Ordering ordering,
    int maxInFlight,
    long retryMaxMs,
    long exitDelayMs,
    long shutdownTimeoutMs,
    long commitIntervalMs,
    long requestTimeoutMs,
    String heartbeatKey,
    LogFormat logFormat,
    MappingConfig mapping,
    String deadLetterTopic,
    PolicyConfig policy,
    Proxies proxies,
    RateLimits rateLimits,
    List<ConfigNote> notes) {

  public AgentConfig {
    notes = List.copyOf(notes);
  }

  /** Whether the daemon consumes Kafka at all (--kafka_brokers given). */
  public boolean kafka() {
    return !kafkaBrokers.isEmpty();
  }

  /** Every topic the consumer subscribes to: events, heartbeats and the policy topic. */
  public List<String> topics() {
    List<String> all = new java.util.ArrayList<>(eventTopics);
    all.addAll(heartbeatTopics);
    if (policy != null) {
      all.add(policy.topic());
    }
    return List.copyOf(all);
  }

  public enum LogFormat {
    TEXT,
    JSON
  }

  public static final String DEFAULT_API_URL = "https://api.ilert.com/api";
  public static final String DEFAULT_HEARTBEAT_URL = "https://beat.ilert.com/api";
}
