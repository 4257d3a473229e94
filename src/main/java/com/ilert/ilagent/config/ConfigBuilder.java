package com.ilert.ilagent.config;

import static com.ilert.ilagent.config.Setting.*;

import com.ilert.ilagent.config.AgentConfig.LogFormat;
import com.ilert.ilagent.mapping.EventMapper;
import com.ilert.ilagent.mapping.MappingConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Converts the merged raw settings into the typed {@link AgentConfig} and checks the rules that
 * span several settings. This is the only place that knows the type and range of each option.
 */
final class ConfigBuilder {
  private final RawSettings raw;

  private ConfigBuilder(RawSettings raw) {
    this.raw = raw;
  }

  static AgentConfig build(RawSettings merged) throws ConfigException {
    return new ConfigBuilder(merged).build();
  }

  private AgentConfig build() throws ConfigException {
    List<String> brokers = Values.brokers(required(KAFKA_BROKERS));
    List<String> eventTopics = topics(EVENT_TOPIC);
    List<String> heartbeatTopics = topics(HEARTBEAT_TOPIC);
    checkTopics(eventTopics, heartbeatTopics);
    String deadLetterTopic = deadLetterTopic(eventTopics, heartbeatTopics);
    Integer port = raw.get(PORT) == null ? null : Values.port(raw.get(PORT));
    return new AgentConfig(
        brokers,
        Values.nonBlank(required(KAFKA_GROUP_ID)),
        eventTopics,
        heartbeatTopics,
        port,
        Values.intInRange(required(VERBOSE), 0, Integer.MAX_VALUE),
        Values.baseUrl(required(API_URL)),
        Values.baseUrl(required(HEARTBEAT_URL)),
        Values.oneOf(required(KAFKA_OFFSET_RESET), "latest", "earliest"),
        KafkaProperties.validate(raw.kafkaProperties()),
        Ordering.fromCliName(Values.oneOf(required(ORDERING), "alert_key", "key", "partition")),
        Values.intInRange(required(MAX_IN_FLIGHT), 1, 10_000),
        Values.longInRange(required(RETRY_MAX_MS), 0, Long.MAX_VALUE),
        Values.longInRange(required(EXIT_DELAY_MS), 0, Long.MAX_VALUE),
        Values.longInRange(required(SHUTDOWN_TIMEOUT_MS), 0, Long.MAX_VALUE),
        Values.longInRange(required(COMMIT_INTERVAL_MS), 1, 60_000),
        Values.longInRange(required(REQUEST_TIMEOUT_MS), 1, 600_000),
        key(HEARTBEAT),
        LogFormat.valueOf(
            Values.oneOf(required(LOG_FORMAT), "text", "json").toUpperCase(Locale.ROOT)),
        mapping(),
        deadLetterTopic);
  }

  private String deadLetterTopic(List<String> events, List<String> heartbeats) throws ConfigException {
    RawValue v = raw.get(DEAD_LETTER_TOPIC);
    if (v == null) {
      return null;
    }
    List<String> topic = Values.topics(v);
    if (topic.size() != 1) {
      throw v.problem("expected one topic");
    }
    if (events.contains(topic.get(0)) || heartbeats.contains(topic.get(0))) {
      // The agent would consume its own dead letters and write them again, forever.
      throw v.problem("\"" + topic.get(0) + "\" is also a consumed topic");
    }
    return topic.get(0);
  }

  private MappingConfig mapping() throws ConfigException {
    String filterKey = optionalText(FILTER_KEY);
    String filterVal = optionalText(FILTER_VAL);
    if (filterVal != null && filterKey == null) {
      throw raw.get(FILTER_VAL).problem("needs --filter_key (the key whose value is compared)");
    }
    RawValue forward = raw.get(FORWARD_MESSAGE_PAYLOAD);
    return new MappingConfig(
        key(EVENT_KEY),
        optionalText(MAP_KEY_ALERT_KEY),
        optionalText(MAP_KEY_SUMMARY),
        optionalText(MAP_KEY_ETYPE),
        optionalText(MAP_VAL_ETYPE_ALERT),
        optionalText(MAP_VAL_ETYPE_ACCEPT),
        optionalText(MAP_VAL_ETYPE_RESOLVE),
        filterKey,
        filterVal,
        forward != null && Values.bool(forward),
        raw.get(FORWARD_HEADERS) != null && Values.bool(raw.get(FORWARD_HEADERS)));
  }

  private RawValue required(Setting s) throws ConfigException {
    RawValue v = raw.get(s);
    if (v == null) {
      throw new ConfigException(s.flagName() + ": missing; give the option, set " + s.envName()
          + " or key \"" + s.jsonKey() + "\" in the --config file");
    }
    return v;
  }

  private String optionalText(Setting s) throws ConfigException {
    RawValue v = raw.get(s);
    return v == null ? null : Values.nonBlank(v);
  }

  /** An integration or heartbeat key; the message never shows the value, which is a secret. */
  private String key(Setting s) throws ConfigException {
    String key = optionalText(s);
    String problem = key == null ? null : EventMapper.keyProblem(key);
    if (problem != null) {
      throw raw.get(s).problem("the key " + problem);
    }
    return key;
  }

  private List<String> topics(Setting s) throws ConfigException {
    RawValue v = raw.get(s);
    return v == null ? List.of() : Values.topics(v);
  }

  private void checkTopics(List<String> events, List<String> heartbeats) throws ConfigException {
    if (events.isEmpty() && heartbeats.isEmpty()) {
      throw new ConfigException("no topic to consume: give --event_topic (-e) or --heartbeat_topic"
          + " (-r), set ILAGENT_EVENT_TOPIC or ILAGENT_HEARTBEAT_TOPIC, or use the --config file");
    }
    List<String> both = new ArrayList<>(events);
    both.retainAll(heartbeats);
    if (!both.isEmpty()) {
      // A record cannot be both an event and a ping; guessing would page people or drop alerts.
      throw new ConfigException("topic \"" + both.get(0) + "\" is both an event topic ("
          + raw.get(EVENT_TOPIC).source() + ") and a heartbeat topic ("
          + raw.get(HEARTBEAT_TOPIC).source() + ")");
    }
  }
}
