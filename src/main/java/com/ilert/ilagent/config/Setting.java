package com.ilert.ilagent.config;

import com.ilert.ilagent.mapping.PolicyRules;
import java.util.Locale;

/**
 * Every setting of the daemon command, with the names it has in each source (flag, JSON config
 * file, environment). Keeping all names in one table is what lets the three sources and the help
 * text stay in step: a new option is one new line here, its help text in {@value
 * SettingHelp#RESOURCE}, and its conversion in {@link ConfigBuilder}.
 */
public enum Setting {
  KAFKA_BROKERS("kafka_brokers", null, Kind.LIST, null, "HOST[:PORT][,...]"),
  KAFKA_GROUP_ID("kafka_group_id", null, Kind.STRING, "ilagent", "GROUP"),
  EVENT_TOPIC("event_topic", "-e", Kind.LIST, null, "TOPIC[,...]"),
  HEARTBEAT_TOPIC("heartbeat_topic", "-r", Kind.LIST, null, "TOPIC[,...]"),
  PORT("port", "-p", Kind.NUMBER, null, "PORT"),
  BIND_ADDRESS("bind_address", null, Kind.STRING, null, "ADDRESS"),
  HTTP_API_TOKEN("http_api_token", null, Kind.STRING, null, "TOKEN"),
  VERBOSE("verbose", "-v", Kind.COUNT, "0", null),
  API_URL("api_url", null, Kind.STRING, DeliveryConfig.DEFAULT_API_URL, "URL"),
  HEARTBEAT_URL("heartbeat_url", null, Kind.STRING, DeliveryConfig.DEFAULT_HEARTBEAT_URL, "URL"),
  RATE_LIMIT_KEY("rate_limit_key", null, Kind.NUMBER, null, "N"),
  RATE_LIMIT_PING("rate_limit_ping", null, Kind.NUMBER, null, "N"),
  RATE_LIMIT_TOTAL("rate_limit_total", null, Kind.NUMBER, null, "N"),
  RATE_LIMIT_IP_MEMBERS("rate_limit_ip_members", null, Kind.NUMBER, "0", "N"),
  PROXY("proxy", null, Kind.STRING, null, "URL"),
  KAFKA_OFFSET_RESET("kafka_offset_reset", null, Kind.STRING, "latest", "latest|earliest"),
  KAFKA_PROPERTY("kafka_property", null, Kind.PROPERTIES, null, "KEY=VALUE"),
  ORDERING("ordering", null, Kind.STRING, "alert_key", "alert_key|key|partition"),
  MAX_IN_FLIGHT("max_in_flight", null, Kind.NUMBER, "64", "N"),
  RETRY_MAX_MS("retry_max_ms", null, Kind.NUMBER, "60000", "MS"),
  EXIT_DELAY_MS("exit_delay_ms", null, Kind.NUMBER, "5000", "MS"),
  SHUTDOWN_TIMEOUT_MS("shutdown_timeout_ms", null, Kind.NUMBER, "20000", "MS"),
  COMMIT_INTERVAL_MS("commit_interval_ms", null, Kind.NUMBER, "100", "MS"),
  REQUEST_TIMEOUT_MS("request_timeout_ms", null, Kind.NUMBER, "10000", "MS"),
  HEARTBEAT("heartbeat", "-b", Kind.STRING, null, "KEY"),
  LOG_FORMAT("log_format", null, Kind.STRING, "text", "text|json"),
  EVENT_KEY("event_key", null, Kind.STRING, null, "KEY"),
  MAP_KEY_ALERT_KEY("map_key_alert_key", null, Kind.STRING, null, "PATH"),
  MAP_KEY_SUMMARY("map_key_summary", null, Kind.STRING, null, "PATH"),
  MAP_KEY_ETYPE("map_key_etype", null, Kind.STRING, null, "PATH"),
  MAP_VAL_ETYPE_ALERT("map_val_etype_alert", null, Kind.STRING, null, "VALUE"),
  MAP_VAL_ETYPE_ACCEPT("map_val_etype_accept", null, Kind.STRING, null, "VALUE"),
  MAP_VAL_ETYPE_RESOLVE("map_val_etype_resolve", null, Kind.STRING, null, "VALUE"),
  FILTER_KEY("filter_key", null, Kind.STRING, null, "KEY"),
  FILTER_VAL("filter_val", null, Kind.STRING, null, "VALUE"),
  FORWARD_MESSAGE_PAYLOAD("forward_message_payload", null, Kind.FLAG, null, null),
  FORWARD_HEADERS("forward_headers", null, Kind.FLAG, null, null),
  DEAD_LETTER_TOPIC("dead_letter_topic", null, Kind.STRING, null, "TOPIC"),
  POLICY_TOPIC("policy_topic", null, Kind.STRING, null, "TOPIC"),
  POLICY_ROUTING_KEYS("policy_routing_keys", null, Kind.LIST, null, "FIELD[,...]"),
  MAP_KEY_EMAIL("map_key_email", null, Kind.STRING, PolicyRules.DEFAULT_EMAIL_PATH, "PATH"),
  MAP_KEY_SHIFT("map_key_shift", null, Kind.STRING, PolicyRules.DEFAULT_SHIFT_PATH, "PATH"),
  SHIFT_OFFSET("shift_offset", null, Kind.NUMBER, "0", "N");

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

  Setting(String longName, String shortName, Kind kind, String defaultValue, String paramLabel) {
    this.longName = longName;
    this.shortName = shortName;
    this.kind = kind;
    this.defaultValue = defaultValue;
    this.paramLabel = paramLabel;
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

  /** The help text, from {@value SettingHelp#RESOURCE}. */
  public String description() {
    return SettingHelp.of(this);
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
   * The ilert-wide name other ilert tools read too; the ILAGENT_ name wins when both are set, so an
   * operator can point just this agent somewhere else.
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

  /**
   * Values of secret settings never appear in an error message (a proxy URL may hold a password).
   */
  public boolean secret() {
    return this == HEARTBEAT
        || this == EVENT_KEY
        || this == KAFKA_PROPERTY
        || this == PROXY
        || this == HTTP_API_TOKEN;
  }

  /**
   * Settings that only mean something to the Kafka consumer: given without --kafka_brokers they are
   * a mistake, not something to ignore.
   */
  public boolean needsKafka() {
    return switch (this) {
      case KAFKA_GROUP_ID,
          EVENT_TOPIC,
          HEARTBEAT_TOPIC,
          KAFKA_OFFSET_RESET,
          KAFKA_PROPERTY,
          DEAD_LETTER_TOPIC,
          POLICY_TOPIC ->
          true;
      default -> false;
    };
  }
}
