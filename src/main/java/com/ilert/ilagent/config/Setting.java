package com.ilert.ilagent.config;

import com.ilert.ilagent.mapping.PolicyRules;
import java.util.Locale;

/**
 * Every setting of the daemon command, with the names it has in each source (flag, JSON config
 * file, environment). Keeping all names in one table is what lets the three sources and the help
 * text stay in step: a new option is one new line here plus its conversion in {@link
 * ConfigBuilder}.
 */
public enum Setting {
  KAFKA_BROKERS("kafka_brokers", null, Kind.LIST, null, "HOST:PORT[,...]",
      "Kafka bootstrap servers, comma-separated. Without it the daemon runs no consumer, only its"
          + " own heartbeat (-b) and the probes (-p)."),
  KAFKA_GROUP_ID("kafka_group_id", null, Kind.STRING, "ilagent", "GROUP",
      "Kafka consumer group id."),
  EVENT_TOPIC("event_topic", "-e", Kind.LIST, null, "TOPIC[,...]",
      "Topic(s) with alert events; comma-separated, repeatable."),
  HEARTBEAT_TOPIC("heartbeat_topic", "-r", Kind.LIST, null, "TOPIC[,...]",
      "Topic(s) with heartbeat pings; comma-separated, repeatable."),
  PORT("port", "-p", Kind.NUMBER, null, "PORT",
      "Port of the HTTP server for /health, /ready and /metrics (off when not given)."),
  VERBOSE("verbose", "-v", Kind.COUNT, "0", null,
      "More log output; repeat for more (-v warn, -vv info, -vvv debug). Also before the command."),
  API_URL("api_url", null, Kind.STRING, DeliveryConfig.DEFAULT_API_URL, "URL",
      "Base URL of the ilert API."),
  HEARTBEAT_URL("heartbeat_url", null, Kind.STRING, DeliveryConfig.DEFAULT_HEARTBEAT_URL, "URL",
      "Base URL of the ilert heartbeat API."),
  RATE_LIMIT_KEY("rate_limit_key", null, Kind.NUMBER, null, "N",
      "Events per integration key per minute (0 = learn from 429 answers); default 50 when"
          + " --api_url is ilert's, else 0."),
  RATE_LIMIT_PING("rate_limit_ping", null, Kind.NUMBER, null, "N",
      "Pings per heartbeat key per minute (0 = learn); default 5 when --heartbeat_url is ilert's,"
          + " else 0."),
  RATE_LIMIT_TOTAL("rate_limit_total", null, Kind.NUMBER, null, "N",
      "Requests per minute in all (0 = learn); default 700 when --api_url is ilert's, else 0."),
  PROXY("proxy", null, Kind.STRING, null, "URL",
      "HTTP proxy for requests to ilert, e.g. http://user:password@proxy:3128; wins over"
          + " HTTPS_PROXY, HTTP_PROXY and ALL_PROXY (NO_PROXY still applies)."),
  KAFKA_OFFSET_RESET("kafka_offset_reset", null, Kind.STRING, "latest", "latest|earliest",
      "Where a new consumer group starts reading."),
  KAFKA_PROPERTY("kafka_property", null, Kind.PROPERTIES, null, "KEY=VALUE",
      "Extra Kafka client property (TLS, SASL, tuning); repeatable."),
  ORDERING("ordering", null, Kind.STRING, "alert_key", "alert_key|key|partition",
      "Which records are delivered strictly one after another."),
  MAX_IN_FLIGHT("max_in_flight", null, Kind.NUMBER, "64", "N",
      "Records delivered concurrently, 1-10000."),
  RETRY_MAX_MS("retry_max_ms", null, Kind.NUMBER, "60000", "MS",
      "Retry budget of one delivery before the agent exits; 0 = no retry."),
  EXIT_DELAY_MS("exit_delay_ms", null, Kind.NUMBER, "5000", "MS",
      "Wait before exiting after a delivery failure."),
  SHUTDOWN_TIMEOUT_MS("shutdown_timeout_ms", null, Kind.NUMBER, "20000", "MS",
      "Bound on waiting for in-flight deliveries at shutdown."),
  COMMIT_INTERVAL_MS("commit_interval_ms", null, Kind.NUMBER, "100", "MS",
      "How often completed offsets are committed, 1-60000."),
  REQUEST_TIMEOUT_MS("request_timeout_ms", null, Kind.NUMBER, "10000", "MS",
      "Bound on one whole HTTP request to ilert (connect, send, answer), 1-600000."),
  HEARTBEAT("heartbeat", "-b", Kind.STRING, null, "KEY",
      "The agent's own ilert heartbeat key, pinged every 30 s."),
  LOG_FORMAT("log_format", null, Kind.STRING, "text", "text|json", "Log line format."),
  EVENT_KEY("event_key", null, Kind.STRING, null, "KEY",
      "Integration key that replaces the key of every event."),
  MAP_KEY_ALERT_KEY("map_key_alert_key", null, Kind.STRING, null, "PATH",
      "Payload path of the alertKey."),
  MAP_KEY_SUMMARY("map_key_summary", null, Kind.STRING, null, "PATH", "Payload path of the summary."),
  MAP_KEY_ETYPE("map_key_etype", null, Kind.STRING, null, "PATH", "Payload path of the eventType."),
  MAP_VAL_ETYPE_ALERT("map_val_etype_alert", null, Kind.STRING, null, "VALUE",
      "eventType value that means ALERT."),
  MAP_VAL_ETYPE_ACCEPT("map_val_etype_accept", null, Kind.STRING, null, "VALUE",
      "eventType value that means ACCEPT."),
  MAP_VAL_ETYPE_RESOLVE("map_val_etype_resolve", null, Kind.STRING, null, "VALUE",
      "eventType value that means RESOLVE."),
  FILTER_KEY("filter_key", null, Kind.STRING, null, "KEY",
      "Keep only payloads with this top-level key."),
  FILTER_VAL("filter_val", null, Kind.STRING, null, "VALUE",
      "With --filter_key: keep only payloads whose value at the key is this string."),
  FORWARD_MESSAGE_PAYLOAD("forward_message_payload", null, Kind.FLAG, null, null,
      "Put the whole record payload into customDetails."),
  FORWARD_HEADERS("forward_headers", null, Kind.FLAG, null, null,
      "Put the Kafka record headers into customDetails.headers."),
  DEAD_LETTER_TOPIC("dead_letter_topic", null, Kind.STRING, null, "TOPIC",
      "Topic that receives every record skipped as bad or rejected by ilert, with headers naming why."),
  POLICY_TOPIC("policy_topic", null, Kind.STRING, null, "TOPIC",
      "Topic with escalation-policy updates (\"this person is on call at this level\"); needs"
          + " --policy_routing_keys and an ilert API token in ILERT_API_KEY."),
  POLICY_ROUTING_KEYS("policy_routing_keys", null, Kind.LIST, null, "FIELD[,...]",
      "Top-level payload fields whose values, joined, are the routing key of the escalation policy."),
  MAP_KEY_EMAIL("map_key_email", null, Kind.STRING, PolicyRules.DEFAULT_EMAIL_PATH, "PATH",
      "Payload path of the on-call user's e-mail (policy topic)."),
  MAP_KEY_SHIFT("map_key_shift", null, Kind.STRING, PolicyRules.DEFAULT_SHIFT_PATH, "PATH",
      "Payload path of the shift, the escalation level (policy topic)."),
  SHIFT_OFFSET("shift_offset", null, Kind.NUMBER, "0", "N",
      "Added to the shift to get the 0-based level, e.g. -1 for shifts counted from 1; -1000-1000.");

  /** How a setting is given; decides the flag's arity and the JSON type the file must use. */
  public enum Kind {
    /** One string. */
    STRING,
    /** One integer (checked for range by {@link ConfigBuilder}). */
    NUMBER,
    /** Comma-separated values; the flag may be repeated and the repeats concatenate. */
    LIST,
    /** A flag counted by repetition (-v -v); an integer elsewhere. */
    COUNT,
    /** A boolean switch; true/false elsewhere. */
    FLAG,
    /** key=value pairs; a JSON object in the file, one variable per key in the environment. */
    PROPERTIES
  }

  /** Every environment variable with this prefix must be a known setting. */
  public static final String ENV_PREFIX = "ILAGENT_";

  /** ILAGENT_KAFKA_PROPERTY_SASL_MECHANISM etc. set Kafka properties (here sasl.mechanism). */
  public static final String ENV_KAFKA_PROPERTY_PREFIX = "ILAGENT_KAFKA_PROPERTY_";

  private final String longName;
  private final String shortName;
  private final Kind kind;
  private final String defaultValue;
  private final String paramLabel;
  private final String description;

  Setting(String longName, String shortName, Kind kind, String defaultValue, String paramLabel,
      String description) {
    this.longName = longName;
    this.shortName = shortName;
    this.kind = kind;
    this.defaultValue = defaultValue;
    this.paramLabel = paramLabel;
    this.description = description;
  }

  public String longName() {
    return longName;
  }

  public Kind kind() {
    return kind;
  }

  /** The default as raw text, converted like any other source; null when there is none. */
  public String defaultValue() {
    return defaultValue;
  }

  public String paramLabel() {
    return paramLabel;
  }

  public String description() {
    return description;
  }

  /** Command-line names. */
  public String[] cliNames() {
    return shortName == null
        ? new String[] {"--" + longName}
        : new String[] {shortName, "--" + longName};
  }

  /** The name error messages use for a value that came from the command line. */
  public String flagName() {
    return this == VERBOSE ? shortName : "--" + longName;
  }

  /** Key in the JSON config file. */
  public String jsonKey() {
    return this == KAFKA_PROPERTY ? "kafka" : longName;
  }

  /** The environment variable; for KAFKA_PROPERTY this is the prefix of one variable per key. */
  public String envName() {
    if (this == KAFKA_PROPERTY) {
      return ENV_KAFKA_PROPERTY_PREFIX;
    }
    return ENV_PREFIX + longName.toUpperCase(Locale.ROOT);
  }

  /**
   * The ilert-wide name other ilert tools read too; the ILAGENT_ name wins when both are set, so
   * an operator can point just this agent somewhere else.
   */
  public String envAlias() {
    return switch (this) {
      case API_URL -> "ILERT_API_URL";
      case HEARTBEAT_URL -> "ILERT_HEARTBEAT_URL";
      default -> null;
    };
  }

  /**
   * Whether the flag may be given more than once. Topic lists and Kafka properties add up; the
   * broker list is one comma-separated value, so a second --kafka_brokers is a mistake.
   */
  public boolean repeatableFlag() {
    return switch (kind) {
      case LIST -> this != KAFKA_BROKERS;
      case PROPERTIES, COUNT -> true;
      default -> false;
    };
  }

  /** Values of secret settings never appear in an error message (a proxy URL may hold a password). */
  public boolean secret() {
    return this == HEARTBEAT || this == EVENT_KEY || this == KAFKA_PROPERTY || this == PROXY;
  }

  /**
   * Settings that only mean something to the Kafka consumer: given without --kafka_brokers they are
   * a mistake, not something to ignore.
   */
  public boolean needsKafka() {
    return switch (this) {
      case KAFKA_GROUP_ID, EVENT_TOPIC, HEARTBEAT_TOPIC, KAFKA_OFFSET_RESET, KAFKA_PROPERTY,
          DEAD_LETTER_TOPIC, POLICY_TOPIC -> true;
      default -> false;
    };
  }
}
