package com.ilert.ilagent.config;

import com.ilert.ilagent.mapping.MappingConfig;
import java.util.List;
import java.util.Map;

/**
 * The daemon's validated, immutable configuration. Built once by {@link ConfigLoader}; nothing else
 * parses options.
 *
 * @param port HTTP port for /health, /ready (and /metrics), or null when the server is off
 * @param verbosity number of -v flags (0-1 warn, 2 info, 3+ debug)
 * @param kafkaProperties extra Kafka client properties (TLS, SASL, tuning); may hold secrets
 * @param heartbeatKey the agent's own heartbeat key (-b), or null
 * @param deadLetterTopic where bad and rejected records are written, or null
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
    String deadLetterTopic) {

  public enum LogFormat {
    TEXT,
    JSON
  }

  public static final String DEFAULT_API_URL = "https://api.ilert.com/api";
  public static final String DEFAULT_HEARTBEAT_URL = "https://beat.ilert.com/api";
}
