package com.ilert.ilagent.config;

import static com.ilert.ilagent.config.Setting.*;

import com.ilert.ilagent.config.AgentConfig.LogFormat;
import com.ilert.ilagent.mapping.EventMapper;
import com.ilert.ilagent.mapping.MappingConfig;
import com.ilert.ilagent.mapping.PayloadFilter;
import com.ilert.ilagent.pacing.RateLimits;
import com.ilert.ilagent.proxy.Proxies;
import com.ilert.ilagent.proxy.ProxyUrl;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Converts the merged raw settings into the typed {@link AgentConfig} and checks the rules that
 * span several settings. This is the only place that knows the type and range of each option.
 */
final class ConfigBuilder {
  private final RawSettings raw;
  private final Map<String, String> env;

  private ConfigBuilder(RawSettings raw, Map<String, String> env) {
    this.raw = raw;
    this.env = env;
  }

  /**
   * @param merged every source merged
   * @param env the process environment, for the variables that are not ILAGENT_ settings
   *     (ILERT_API_KEY, the proxy variables)
   */
  static AgentConfig build(RawSettings merged, Map<String, String> env) throws ConfigException {
    return new ConfigBuilder(merged, env).build();
  }

  private AgentConfig build() throws ConfigException {
    RawValue brokersGiven = raw.get(KAFKA_BROKERS);
    BrokerList brokerList = brokersGiven == null ? null : BrokerList.parse(brokersGiven);
    List<String> brokers = brokerList == null ? List.of() : brokerList.hostPorts();
    String heartbeatKey = key(HEARTBEAT);
    if (brokers.isEmpty()) {
      checkNoKafkaOptions(heartbeatKey);
    }
    List<String> eventTopics = topics(EVENT_TOPIC);
    List<String> heartbeatTopics = topics(HEARTBEAT_TOPIC);
    PolicySettings policySettings = new PolicySettings(raw, env);
    String policyTopic = policySettings.topic(eventTopics, heartbeatTopics);
    if (!brokers.isEmpty()) {
      checkTopics(eventTopics, heartbeatTopics, policyTopic);
    }
    String deadLetterTopic = deadLetterTopic(eventTopics, heartbeatTopics, policyTopic);
    Integer port = raw.get(PORT) == null ? null : Values.port(raw.get(PORT));
    String bindAddress = HttpSettings.bindAddress(raw, port);
    String httpApiToken = HttpSettings.apiToken(raw, port);
    MappingConfig mapping = mapping();
    Proxies proxies = proxies();
    List<ConfigNote> notes = new ArrayList<>(raw.notes());
    proxies.problems().forEach(p -> notes.add(new ConfigNote(ConfigNote.Level.WARN, p)));
    // Of several bad options, the first converted here is the one reported: keep the order.
    String groupId = Values.nonBlank(required(raw, KAFKA_GROUP_ID));
    int verbosity = Values.intInRange(required(raw, VERBOSE), 0, Integer.MAX_VALUE);
    String apiUrl = Values.baseUrl(required(raw, API_URL));
    String heartbeatUrl = Values.baseUrl(required(raw, HEARTBEAT_URL));
    String offsetReset = Values.oneOf(required(raw, KAFKA_OFFSET_RESET), "latest", "earliest");
    Map<String, String> kafkaProperties =
        KafkaProperties.validate(
            brokerList == null
                ? raw.kafkaProperties()
                : brokerList.withProtocol(brokersGiven, raw.kafkaProperties()));
    Ordering ordering =
        Ordering.fromCliName(
            Values.oneOf(required(raw, ORDERING), "alert_key", "key", "partition"));
    int maxInFlight = Values.intInRange(required(raw, MAX_IN_FLIGHT), 1, 10_000);
    long retryMaxMs = Values.longInRange(required(raw, RETRY_MAX_MS), 0, Long.MAX_VALUE);
    long exitDelayMs = Values.longInRange(required(raw, EXIT_DELAY_MS), 0, Long.MAX_VALUE);
    long shutdownTimeoutMs =
        Values.longInRange(required(raw, SHUTDOWN_TIMEOUT_MS), 0, Long.MAX_VALUE);
    long commitIntervalMs = Values.longInRange(required(raw, COMMIT_INTERVAL_MS), 1, 60_000);
    long requestTimeoutMs = Values.longInRange(required(raw, REQUEST_TIMEOUT_MS), 1, 600_000);
    LogFormat logFormat =
        LogFormat.valueOf(
            Values.oneOf(required(raw, LOG_FORMAT), "text", "json").toUpperCase(Locale.ROOT));
    PolicyConfig policy = policySettings.config(policyTopic, mapping);
    RateLimits rateLimits = rateLimits();
    return new AgentConfig(
        new KafkaConfig(
            brokers,
            groupId,
            eventTopics,
            heartbeatTopics,
            offsetReset,
            kafkaProperties,
            commitIntervalMs,
            deadLetterTopic),
        new DeliveryConfig(
            apiUrl,
            heartbeatUrl,
            ordering,
            maxInFlight,
            retryMaxMs,
            requestTimeoutMs,
            proxies,
            rateLimits),
        mapping,
        policy,
        new ShutdownConfig(exitDelayMs, shutdownTimeoutMs),
        port,
        bindAddress,
        httpApiToken,
        heartbeatKey,
        verbosity,
        env.get("RUST_LOG"),
        logFormat,
        notes);
  }

  /** Told limits where given; ilert's documented ones by default when the URLs are ilert's. */
  private RateLimits rateLimits() throws ConfigException {
    return RateLimits.resolve(
            optionalCount(RATE_LIMIT_KEY),
            optionalCount(RATE_LIMIT_PING),
            optionalCount(RATE_LIMIT_TOTAL),
            raw.get(API_URL).text(),
            raw.get(HEARTBEAT_URL).text(),
            RateLimits.windowFromSystemProperty())
        .withIpMembers(Values.intInRange(required(raw, RATE_LIMIT_IP_MEMBERS), 0, 100_000));
  }

  private Integer optionalCount(Setting s) throws ConfigException {
    RawValue v = raw.get(s);
    return v == null ? null : Values.intInRange(v, 0, 1_000_000);
  }

  /**
   * Without --kafka_brokers the daemon runs only its own heartbeat (and the probes): a Kafka option
   * then is a mistake worth naming, and without -b there is nothing to run at all.
   */
  private void checkNoKafkaOptions(String heartbeatKey) throws ConfigException {
    for (Setting s : Setting.values()) {
      RawValue v = s == KAFKA_PROPERTY ? null : raw.given(s);
      if (s.needsKafka() && v != null) {
        throw v.problem("needs --kafka_brokers (the Kafka cluster to consume from)");
      }
    }
    if (!raw.kafkaProperties().isEmpty()) {
      throw raw.kafkaProperties()
          .values()
          .iterator()
          .next()
          .problem("needs --kafka_brokers (the Kafka cluster to consume from)");
    }
    if (heartbeatKey == null) {
      throw new ConfigException(
          "nothing to run: give --kafka_brokers and topics to consume, and/or"
              + " -b/--heartbeat KEY for the agent's own heartbeat (or set ILAGENT_KAFKA_BROKERS,"
              + " ILAGENT_HEARTBEAT, or use the --config file)");
    }
  }

  private Proxies proxies() throws ConfigException {
    RawValue v = raw.get(PROXY);
    ProxyUrl explicit = null;
    if (v != null) {
      try {
        explicit = ProxyUrl.parse(v.text());
      } catch (ProxyUrl.Invalid e) {
        throw v.problem(e.getMessage());
      }
    }
    return Proxies.resolve(explicit, env);
  }

  private String deadLetterTopic(List<String> events, List<String> heartbeats, String policyTopic)
      throws ConfigException {
    RawValue v = raw.get(DEAD_LETTER_TOPIC);
    if (v == null) {
      return null;
    }
    String topic = oneTopic(v);
    if (events.contains(topic) || heartbeats.contains(topic) || topic.equals(policyTopic)) {
      // The agent would consume its own dead letters and write them again, forever.
      throw v.problem("\"" + topic + "\" is also a consumed topic");
    }
    return topic;
  }

  static String oneTopic(RawValue v) throws ConfigException {
    List<String> topic = Values.topics(v);
    if (topic.size() != 1) {
      throw v.problem("expected one topic");
    }
    return topic.get(0);
  }

  private MappingConfig mapping() throws ConfigException {
    String filterKey = optionalText(FILTER_KEY);
    String filterVal = optionalText(FILTER_VAL);
    String filterProblem = PayloadFilter.problem(filterKey, filterVal);
    if (filterProblem != null) {
      throw raw.get(FILTER_VAL).problem(filterProblem);
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

  static RawValue required(RawSettings raw, Setting s) throws ConfigException {
    RawValue v = raw.get(s);
    if (v == null) {
      throw new ConfigException(
          s.flagName()
              + ": missing; give the option, set "
              + s.envName()
              + " or key \""
              + s.jsonKey()
              + "\" in the --config file");
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

  private void checkTopics(List<String> events, List<String> heartbeats, String policyTopic)
      throws ConfigException {
    if (events.isEmpty() && heartbeats.isEmpty() && policyTopic == null) {
      throw new ConfigException(
          "no topic to consume: give --event_topic (-e), --heartbeat_topic"
              + " (-r) or --policy_topic, set ILAGENT_EVENT_TOPIC or ILAGENT_HEARTBEAT_TOPIC, or use the"
              + " --config file");
    }
    List<String> both = new ArrayList<>(events);
    both.retainAll(heartbeats);
    if (!both.isEmpty()) {
      // A record cannot be both an event and a ping; guessing would page people or drop alerts.
      throw new ConfigException(
          "topic \""
              + both.get(0)
              + "\" is both an event topic ("
              + raw.get(EVENT_TOPIC).source()
              + ") and a heartbeat topic ("
              + raw.get(HEARTBEAT_TOPIC).source()
              + ")");
    }
  }
}
