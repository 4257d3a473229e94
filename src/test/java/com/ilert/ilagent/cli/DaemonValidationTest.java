package com.ilert.ilagent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.ilert.ilagent.ExitCodes;
import com.ilert.ilagent.cli.CliRun.Result;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every rule of the option table, through the real command line: one line, exit code 2. */
class DaemonValidationTest {
  private static final List<String> VALID = List.of("daemon", "-e", "events");
  private static final Map<String, String> BROKERS =
      Map.of("ILAGENT_KAFKA_BROKERS", "localhost:9092");

  /** Runs a valid command line with extra arguments and returns the single error line. */
  private static String errorOf(Map<String, String> extraEnv, String... extra) {
    Map<String, String> env = new HashMap<>(BROKERS);
    env.putAll(extraEnv);
    List<String> args = new ArrayList<>(VALID);
    args.addAll(Arrays.asList(extra));
    Result r = CliRun.run(env, args.toArray(String[]::new));
    assertThat(r.code()).as("exit code of %s", args).isEqualTo(ExitCodes.USAGE);
    assertThat(r.config()).as("runner must not run").isNull();
    assertThat(r.errLines()).as("stderr of %s", args).hasSize(1);
    return r.errLines().get(0);
  }

  static Stream<Arguments> badFlags() {
    return Stream.of(
        Arguments.of(
            List.of("--kafka_brokers", "localhost:"),
            "ilagent: --kafka_brokers: \"localhost:\" has no valid port"),
        Arguments.of(
            List.of("--kafka_brokers", "http://localhost:9092"),
            "ilagent: --kafka_brokers: \"http://localhost:9092\" is not HOST[:PORT] or PROTOCOL://HOST[:PORT] (PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL)"),
        Arguments.of(
            List.of("--kafka_brokers", "SSL://a:9093,SASL_SSL://b:9094"),
            "ilagent: --kafka_brokers: \"SSL://a:9093\" and \"SASL_SSL://b:9094\" name different protocols"),
        Arguments.of(
            List.of(
                "--kafka_brokers",
                "SSL://a:9093",
                "--kafka_property",
                "security.protocol=SASL_SSL"),
            "ilagent: --kafka_brokers: the entries say SSL, but security.protocol is \"SASL_SSL\" (--kafka_property); use one protocol"),
        Arguments.of(
            List.of("--kafka_brokers", "a:1,b:99999"),
            "ilagent: --kafka_brokers: \"b:99999\" has no valid port"),
        Arguments.of(
            List.of("--kafka_brokers", "a:1,,b:2"),
            "ilagent: --kafka_brokers: \"a:1,,b:2\" has an empty entry"),
        Arguments.of(
            List.of("--kafka_brokers", ":9092"),
            "ilagent: --kafka_brokers: \":9092\" is not HOST[:PORT] or PROTOCOL://HOST[:PORT] (PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL)"),
        Arguments.of(
            List.of("--kafka_group_id", " "), "ilagent: --kafka_group_id: must not be empty"),
        Arguments.of(
            List.of("-e", "bad topic"),
            "ilagent: --event_topic: \"bad topic\" is not a valid Kafka topic name"),
        Arguments.of(
            List.of("-r", "events"),
            "ilagent: topic \"events\" is both an event topic (--event_topic) and a heartbeat topic (--heartbeat_topic)"),
        Arguments.of(List.of("-p", "0"), "ilagent: --port: expected a port 1-65535, got \"0\""),
        Arguments.of(
            List.of("--bind_address", "127.0.0.1"),
            "ilagent: --bind_address: needs -p/--port (the HTTP server it is for)"),
        Arguments.of(
            List.of("-p", "8977", "--bind_address", "local host"),
            "ilagent: --bind_address: expected an IP address or a host name, got \"local host\""),
        Arguments.of(
            List.of("--http_api_token", "t0ken"),
            "ilagent: --http_api_token: needs -p/--port (the HTTP server it is for)"),
        Arguments.of(
            List.of("-p", "8977", "--http_api_token", "t0ken with spaces"),
            "ilagent: --http_api_token: may hold only letters, digits and - . _ ~ + / (and = at its end), as a bearer token does"),
        Arguments.of(
            List.of("--port", "65536"), "ilagent: --port: expected a port 1-65535, got \"65536\""),
        Arguments.of(
            List.of("--api_url", "ftp://example.com"),
            "ilagent: --api_url: expected an absolute http or https URL, got \"ftp://example.com\""),
        Arguments.of(
            List.of("--api_url", "/api"),
            "ilagent: --api_url: expected an absolute http or https URL"),
        Arguments.of(
            List.of("--heartbeat_url", "not a url"),
            "ilagent: --heartbeat_url: expected an absolute http or https URL"),
        Arguments.of(
            List.of("--heartbeat_url", "https://beat/api?x=1"),
            "ilagent: --heartbeat_url: expected a base URL without query or fragment"),
        Arguments.of(
            List.of("--kafka_offset_reset", "newest"),
            "ilagent: --kafka_offset_reset: expected one of latest, earliest, got \"newest\""),
        Arguments.of(
            List.of("--ordering", "random"),
            "ilagent: --ordering: expected one of alert_key, key, partition, got \"random\""),
        Arguments.of(
            List.of("--max_in_flight", "abc"),
            "ilagent: --max_in_flight: expected an integer from 1 to 10000, got \"abc\""),
        Arguments.of(
            List.of("--max_in_flight", "0"),
            "ilagent: --max_in_flight: expected an integer from 1 to 10000, got \"0\""),
        Arguments.of(
            List.of("--max_in_flight", "10001"),
            "ilagent: --max_in_flight: expected an integer from 1 to 10000"),
        Arguments.of(
            List.of("--retry_max_ms", "-1"),
            "ilagent: --retry_max_ms: expected an integer of at least 0, got \"-1\""),
        Arguments.of(
            List.of("--exit_delay_ms", "5s"),
            "ilagent: --exit_delay_ms: expected an integer of at least 0, got \"5s\""),
        Arguments.of(
            List.of("--shutdown_timeout_ms", "-5"),
            "ilagent: --shutdown_timeout_ms: expected an integer of at least 0"),
        Arguments.of(
            List.of("--commit_interval_ms", "0"),
            "ilagent: --commit_interval_ms: expected an integer from 1 to 60000"),
        Arguments.of(
            List.of("--commit_interval_ms", "60001"),
            "ilagent: --commit_interval_ms: expected an integer from 1 to 60000"),
        Arguments.of(
            List.of("--request_timeout_ms", "0"),
            "ilagent: --request_timeout_ms: expected an integer from 1 to 600000"),
        Arguments.of(
            List.of("--request_timeout_ms", "600001"),
            "ilagent: --request_timeout_ms: expected an integer from 1 to 600000"),
        Arguments.of(List.of("-b", "  "), "ilagent: --heartbeat: must not be empty"),
        Arguments.of(
            List.of("--log_format", "xml"),
            "ilagent: --log_format: expected one of text, json, got \"xml\""),
        Arguments.of(List.of("--event_key", ""), "ilagent: --event_key: must not be empty"),
        Arguments.of(
            List.of("--map_key_alert_key", " "), "ilagent: --map_key_alert_key: must not be empty"),
        Arguments.of(
            List.of("--map_key_summary", " "), "ilagent: --map_key_summary: must not be empty"),
        Arguments.of(
            List.of("--map_key_etype", " "), "ilagent: --map_key_etype: must not be empty"),
        Arguments.of(
            List.of("--map_val_etype_alert", " "),
            "ilagent: --map_val_etype_alert: must not be empty"),
        Arguments.of(
            List.of("--map_val_etype_accept", " "),
            "ilagent: --map_val_etype_accept: must not be empty"),
        Arguments.of(
            List.of("--map_val_etype_resolve", " "),
            "ilagent: --map_val_etype_resolve: must not be empty"),
        Arguments.of(List.of("--filter_key", " "), "ilagent: --filter_key: must not be empty"),
        Arguments.of(List.of("--filter_val", "x"), "ilagent: --filter_val: needs --filter_key"),
        Arguments.of(
            List.of("--dead_letter_topic", "bad topic"),
            "ilagent: --dead_letter_topic: \"bad topic\" is not a valid Kafka topic name"),
        Arguments.of(
            List.of("--dead_letter_topic", "a,b"),
            "ilagent: --dead_letter_topic: expected one topic"),
        Arguments.of(
            List.of("--event_key", "il1 key/with?bad"),
            "ilagent: --event_key: the key has characters other than"),
        Arguments.of(
            List.of("-b", "a/b"), "ilagent: --heartbeat: the key has characters other than"),
        Arguments.of(
            List.of("--kafka_property", "bootstrap.servers=h:1"),
            "ilagent: --kafka_property: Kafka property \"bootstrap.servers\" is set by the agent; use --kafka_brokers"),
        Arguments.of(List.of("--kafka_property", "group.id=g"), "use --kafka_group_id"),
        Arguments.of(
            List.of("--kafka_property", "auto.offset.reset=earliest"), "use --kafka_offset_reset"),
        Arguments.of(
            List.of("--kafka_property", "enable.auto.commit=true"),
            "ilagent: --kafka_property: Kafka property \"enable.auto.commit\" is set by the agent"),
        Arguments.of(
            List.of("--kafka_property", "key.deserializer=x"),
            "\"key.deserializer\" is set by the agent"),
        Arguments.of(
            List.of("--kafka_property", "value.deserializer=x"),
            "\"value.deserializer\" is set by the agent"),
        Arguments.of(
            List.of("--kafka_property", "novalue"),
            "ilagent: --kafka_property: expected KEY=VALUE"),
        Arguments.of(
            List.of("--kafka_property", "=value"),
            "ilagent: --kafka_property: expected KEY=VALUE, the key is empty"),
        Arguments.of(
            List.of("--proxy", "https://u:pw@proxy:443"),
            "ilagent: --proxy: a proxy reached over TLS (https://) is not supported"),
        Arguments.of(
            List.of("--proxy", "http://proxy:99999"),
            "ilagent: --proxy: has no valid port (1-65535)"),
        Arguments.of(List.of("--proxy", " "), "ilagent: --proxy: is empty"),
        Arguments.of(
            List.of("--policy_routing_keys", "a"),
            "ilagent: --policy_routing_keys: needs --policy_topic"),
        Arguments.of(
            List.of("--map_key_email", "x.mail"), "ilagent: --map_key_email: needs --policy_topic"),
        Arguments.of(
            List.of("--map_key_shift", "x.shift"),
            "ilagent: --map_key_shift: needs --policy_topic"),
        Arguments.of(
            List.of("--shift_offset", "-1"), "ilagent: --shift_offset: needs --policy_topic"),
        Arguments.of(
            List.of("--policy_topic", "events", "--policy_routing_keys", "a"),
            "ilagent: --policy_topic: \"events\" is also an event or heartbeat topic"),
        Arguments.of(
            List.of("--policy_topic", "a,b", "--policy_routing_keys", "a"),
            "ilagent: --policy_topic: expected one topic"),
        Arguments.of(
            List.of("--policy_topic", "bad topic"),
            "ilagent: --policy_topic: \"bad topic\" is not a valid Kafka topic name"),
        Arguments.of(
            List.of("--policy_topic", "p"), "ilagent: --policy_topic: needs --policy_routing_keys"),
        Arguments.of(
            List.of("--policy_topic", "p", "--policy_routing_keys", ""),
            "ilagent: --policy_topic: needs --policy_routing_keys"),
        Arguments.of(
            List.of("--policy_topic", "p", "--policy_routing_keys", "a,,b"),
            "ilagent: --policy_routing_keys: \"a,,b\" has an empty entry"),
        Arguments.of(
            List.of("--policy_topic", "p", "--policy_routing_keys", "a", "--shift_offset", "x"),
            "ilagent: --shift_offset: expected an integer from -1000 to 1000, got \"x\""),
        Arguments.of(
            List.of("--policy_topic", "p", "--policy_routing_keys", "a", "--shift_offset", "1001"),
            "ilagent: --shift_offset: expected an integer from -1000 to 1000"),
        Arguments.of(
            List.of("--policy_topic", "p", "--policy_routing_keys", "a", "--map_key_email", " "),
            "ilagent: --map_key_email: must not be empty"),
        Arguments.of(
            List.of(
                "--policy_topic", "p", "--policy_routing_keys", "a", "--dead_letter_topic", "p"),
            "ilagent: --dead_letter_topic: \"p\" is also a consumed topic"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badFlags")
  void badFlagValueIsReportedWithTheOption(List<String> extra, String expected) {
    assertThat(errorOf(Map.of(), extra.toArray(String[]::new))).contains(expected);
  }

  @Test
  void deadLetterTopicMustNotBeConsumed() {
    Result r =
        CliRun.run(
            "daemon", "--kafka_brokers", "h:1", "-e", "alerts", "--dead_letter_topic", "alerts");
    assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.errLines().get(0))
        .isEqualTo("ilagent: --dead_letter_topic: \"alerts\" is also a consumed topic");
  }

  @Test
  void brokersFlagIsGivenOnce() {
    Result r = CliRun.run("daemon", "-e", "t", "--kafka_brokers", "a:1", "--kafka_brokers", "b:2");
    assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.errLines().get(0)).startsWith("ilagent: ").contains("--kafka_brokers");
  }

  @Test
  void withoutBrokersTheOwnHeartbeatIsEnough() {
    Result r = CliRun.run("daemon", "-b", "il1hbt0123456789abcdef", "-p", "8977");
    assertThat(r.code()).isEqualTo(CliRun.RUNNER_EXIT);
    assertThat(r.config().kafka().enabled()).isFalse();
    assertThat(r.config().kafka().brokers()).isEmpty();
    assertThat(r.config().topics()).isEmpty();
    assertThat(r.config().heartbeatKey()).isEqualTo("il1hbt0123456789abcdef");
    assertThat(
            CliRun.run(Map.of("ILAGENT_HEARTBEAT", "il1hbt0123456789abcdef"), "daemon")
                .config()
                .kafka()
                .enabled())
        .isFalse();
  }

  @Test
  void withNeitherBrokersNorOwnHeartbeatThereIsNothingToRun() {
    for (String[] args :
        new String[][] {{"daemon"}, {"daemon", "-p", "8977"}, {"daemon", "-v", "-v"}}) {
      Result r = CliRun.run(args);
      assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
      assertThat(r.errLines())
          .singleElement()
          .asString()
          .startsWith(
              "ilagent: nothing to run: give --kafka_brokers and topics to consume, and/or -b/--heartbeat KEY");
    }
  }

  static Stream<Arguments> kafkaOptionsWithoutBrokers() {
    return Stream.of(
        Arguments.of(
            Map.of(), List.of("-e", "events"), "ilagent: --event_topic: needs --kafka_brokers"),
        Arguments.of(
            Map.of(), List.of("-r", "beats"), "ilagent: --heartbeat_topic: needs --kafka_brokers"),
        Arguments.of(
            Map.of(),
            List.of("--policy_topic", "p"),
            "ilagent: --policy_topic: needs --kafka_brokers"),
        Arguments.of(
            Map.of(),
            List.of("--dead_letter_topic", "d"),
            "ilagent: --dead_letter_topic: needs --kafka_brokers"),
        Arguments.of(
            Map.of(),
            List.of("--kafka_group_id", "g"),
            "ilagent: --kafka_group_id: needs --kafka_brokers"),
        Arguments.of(
            Map.of(),
            List.of("--kafka_offset_reset", "earliest"),
            "ilagent: --kafka_offset_reset: needs --kafka_brokers"),
        Arguments.of(
            Map.of(),
            List.of("--kafka_property", "security.protocol=SSL"),
            "ilagent: --kafka_property: needs --kafka_brokers"),
        Arguments.of(
            Map.of("ILAGENT_EVENT_TOPIC", "events"),
            List.of(),
            "ilagent: ILAGENT_EVENT_TOPIC: needs --kafka_brokers"),
        Arguments.of(
            Map.of("ILAGENT_KAFKA_PROPERTY_SASL_MECHANISM", "PLAIN"),
            List.of(),
            "ilagent: ILAGENT_KAFKA_PROPERTY_SASL_MECHANISM: needs --kafka_brokers"));
  }

  @ParameterizedTest(name = "{1} {0}")
  @MethodSource("kafkaOptionsWithoutBrokers")
  void kafkaOptionsWithoutBrokersAreNamed(
      Map<String, String> env, List<String> extra, String expected) {
    List<String> args = new ArrayList<>(List.of("daemon", "-b", "il1hbt0123456789abcdef"));
    args.addAll(extra);
    Result r = CliRun.run(env, args.toArray(String[]::new));
    assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.errLines()).singleElement().asString().startsWith(expected);
    // Without -b as well, the Kafka option is still what the message names.
    List<String> noHeartbeat = new ArrayList<>(List.of("daemon"));
    noHeartbeat.addAll(extra);
    assertThat(CliRun.run(env, noHeartbeat.toArray(String[]::new)).errLines())
        .singleElement()
        .asString()
        .startsWith(expected);
  }

  @Test
  void mappingOptionsAndDefaultsOfKafkaOptionsDoNotNeedBrokers() {
    Result r =
        CliRun.run(
            "daemon",
            "-b",
            "il1hbt0123456789abcdef",
            "--ordering",
            "key",
            "--event_key",
            "il1api0123456789abcdef");
    assertThat(r.code()).isEqualTo(CliRun.RUNNER_EXIT);
  }

  @Test
  void atLeastOneTopicIsRequired() {
    Result r = CliRun.run("daemon", "--kafka_brokers", "h:1");
    assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.errLines()).singleElement().asString().startsWith("ilagent: no topic to consume");
  }

  @Test
  void emptyTopicListCountsAsNoTopic() {
    Result r = CliRun.run("daemon", "--kafka_brokers", "h:1", "-e", "");
    assertThat(r.errLines()).singleElement().asString().startsWith("ilagent: no topic to consume");
  }

  static Stream<Arguments> badEnv() {
    return Stream.of(
        Arguments.of(
            Map.of("ILAGENT_PORT", "0"),
            "ilagent: ILAGENT_PORT: expected a port 1-65535, got \"0\""),
        Arguments.of(
            Map.of("ILAGENT_VERBOSE", "-1"),
            "ilagent: ILAGENT_VERBOSE: expected an integer of at least 0, got \"-1\""),
        Arguments.of(
            Map.of("ILAGENT_FORWARD_MESSAGE_PAYLOAD", "yes"),
            "ilagent: ILAGENT_FORWARD_MESSAGE_PAYLOAD: expected true or false, got \"yes\""),
        Arguments.of(
            Map.of("ILERT_API_URL", "api.ilert.com"),
            "ilagent: ILERT_API_URL: expected an absolute http or https URL"),
        Arguments.of(
            Map.of("ILAGENT_MAX_IN_FLIGHT", "many"),
            "ilagent: ILAGENT_MAX_IN_FLIGHT: expected an integer from 1 to 10000, got \"many\""),
        Arguments.of(
            Map.of("ILAGENT_HEARTBEAT_TOPIC", "events"),
            "is both an event topic (--event_topic) and a heartbeat topic (ILAGENT_HEARTBEAT_TOPIC)"),
        Arguments.of(
            Map.of("ILAGENT_KAFKA_BROKER", "h:1"),
            "ilagent: ILAGENT_KAFKA_BROKER: unknown environment variable"),
        Arguments.of(
            Map.of("ILAGENT_SERVICE_HOSTS", "10.0.0.1"),
            "ilagent: ILAGENT_SERVICE_HOSTS: unknown environment variable"),
        Arguments.of(
            Map.of("ILAGENT_PORT", "tcp:8977"),
            "ilagent: ILAGENT_PORT: expected a port 1-65535, got \"tcp:8977\""),
        Arguments.of(
            Map.of("ILAGENT_PROXY", "socks5://u:hunter2@h:1"),
            "ilagent: ILAGENT_PROXY: SOCKS proxies are not supported"),
        Arguments.of(
            Map.of("ILAGENT_CONFIG", "/etc/ilagent.json"),
            "ilagent: ILAGENT_CONFIG: unknown environment variable"),
        Arguments.of(
            Map.of("ILAGENT_KAFKA_PROPERTY_", "x"),
            "ilagent: ILAGENT_KAFKA_PROPERTY_: expected ILAGENT_KAFKA_PROPERTY_<NAME>"),
        Arguments.of(
            Map.of("ILAGENT_KAFKA_PROPERTY_GROUP_ID", "g"),
            "ilagent: ILAGENT_KAFKA_PROPERTY_GROUP_ID: Kafka property \"group.id\" is set by the agent; use --kafka_group_id"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badEnv")
  void badEnvironmentVariableIsNamed(Map<String, String> env, String expected) {
    assertThat(errorOf(env)).contains(expected);
  }

  private static final Map<String, String> SERVICE_LINKS =
      Map.of(
          "ILAGENT_SERVICE_HOST", "10.0.0.1",
          "ILAGENT_SERVICE_PORT", "8977",
          "ILAGENT_SERVICE_PORT_HTTP", "8977",
          "ILAGENT_PORT", "tcp://10.0.0.1:8977",
          "ILAGENT_PORT_8977_TCP", "tcp://10.0.0.1:8977",
          "ILAGENT_PORT_8977_TCP_PROTO", "tcp",
          "ILAGENT_PORT_8977_TCP_PORT", "8977",
          "ILAGENT_PORT_8977_TCP_ADDR", "10.0.0.1",
          "ILAGENT_METRICS_SERVICE_HOST", "10.0.0.2",
          "ILAGENT_METRICS_PORT", "udp://10.0.0.2:9000");

  @Test
  void kubernetesServiceLinksAreIgnoredAndNeverTakenAsThePort() {
    Map<String, String> env = new HashMap<>(SERVICE_LINKS);
    env.put("ILAGENT_KAFKA_BROKERS", "h:1");
    Result r = CliRun.run(env, VALID.toArray(String[]::new));
    assertThat(r.code()).as(r.err()).isEqualTo(CliRun.RUNNER_EXIT);
    assertThat(r.config().port()).as("tcp://... is a service link, not the probe port").isNull();
    assertThat(r.config().notes())
        .singleElement()
        .satisfies(
            note -> {
              assertThat(note.level()).isEqualTo(com.ilert.ilagent.config.ConfigNote.Level.DEBUG);
              assertThat(note.message())
                  .startsWith("Ignoring Kubernetes service-link variables ")
                  .contains(
                      "ILAGENT_PORT,",
                      "ILAGENT_SERVICE_HOST",
                      "ILAGENT_PORT_8977_TCP_ADDR",
                      "ILAGENT_METRICS_PORT");
            });
  }

  @Test
  void aPlainNumberInIlagentPortIsStillThePortBesideServiceLinks() {
    Map<String, String> env = new HashMap<>(SERVICE_LINKS);
    env.put("ILAGENT_KAFKA_BROKERS", "h:1");
    env.put("ILAGENT_PORT", "9100");
    assertThat(CliRun.run(env, VALID.toArray(String[]::new)).config().port()).isEqualTo(9100);
  }

  @Test
  void thePolicyTopicNeedsTheApiKeyWhichIsNeverShown() {
    List<String> args =
        List.of(
            "daemon",
            "--kafka_brokers",
            "h:1",
            "--policy_topic",
            "shifts",
            "--policy_routing_keys",
            "location,slot");
    Result none = CliRun.run(Map.of(), args.toArray(String[]::new));
    assertThat(none.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(none.errLines())
        .containsExactly(
            "ilagent: --policy_topic: needs an ilert API token in the environment variable ILERT_API_KEY");
    assertThat(
            CliRun.run(Map.of("ILERT_API_KEY", "Bearer  "), args.toArray(String[]::new)).errLines())
        .as("only the prefix")
        .containsExactly(none.errLines().get(0));

    Result bad = CliRun.run(Map.of("ILERT_API_KEY", "s3cret token"), args.toArray(String[]::new));
    assertThat(bad.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(bad.errLines())
        .singleElement()
        .asString()
        .startsWith("ilagent: ILERT_API_KEY: has characters that cannot go into an HTTP header")
        .doesNotContain("s3cret");

    Result ok =
        CliRun.run(Map.of("ILERT_API_KEY", "Bearer s3cret-token"), args.toArray(String[]::new));
    assertThat(ok.code()).isEqualTo(CliRun.RUNNER_EXIT);
    assertThat(ok.config().policy().apiToken())
        .as("the Bearer prefix dropped")
        .isEqualTo("s3cret-token");
    assertThat(ok.config().policy().toString()).doesNotContain("s3cret");
    assertThat(ok.config().toString()).doesNotContain("s3cret");
    assertThat(ok.config().topics()).containsExactly("shifts");
  }

  @Test
  void thePolicyOptionsWithTheirDefaults() {
    Result r =
        CliRun.run(
            Map.of("ILERT_API_KEY", "tok"),
            "daemon",
            "--kafka_brokers",
            "h:1",
            "-e",
            "events",
            "--policy_topic",
            "shifts",
            "--policy_routing_keys",
            "location",
            "--policy_routing_keys",
            "slot",
            "--filter_key",
            "kind",
            "--filter_val",
            "plan");
    assertThat(r.code()).as(r.err()).isEqualTo(CliRun.RUNNER_EXIT);
    var policy = r.config().policy();
    assertThat(policy.topic()).isEqualTo("shifts");
    assertThat(policy.rules().routingKeyFields()).containsExactly("location", "slot");
    assertThat(policy.rules().emailPath()).isEqualTo("data.email");
    assertThat(policy.rules().shiftPath()).isEqualTo("data.shift");
    assertThat(policy.rules().shiftOffset()).isZero();
    assertThat(policy.rules().filterKey()).isEqualTo("kind");
    assertThat(policy.rules().filterVal()).isEqualTo("plan");
    assertThat(r.config().topics()).containsExactly("events", "shifts");

    Result custom =
        CliRun.run(
            Map.of("ILERT_API_KEY", "tok", "ILAGENT_SHIFT_OFFSET", "-1"),
            "daemon",
            "--kafka_brokers",
            "h:1",
            "--policy_topic",
            "shifts",
            "--policy_routing_keys",
            "team",
            "--map_key_email",
            "person.mail",
            "--map_key_shift",
            "rota.level");
    assertThat(custom.config().policy().rules())
        .extracting(p -> p.emailPath(), p -> p.shiftPath(), p -> p.shiftOffset())
        .containsExactly("person.mail", "rota.level", -1);
    assertThat(custom.config().kafka().eventTopics()).isEmpty();
  }

  @Test
  void aProxyOptionWinsOverTheEnvironmentAndItsPasswordIsNeverShown() {
    Map<String, String> env = new HashMap<>(BROKERS);
    env.put("HTTPS_PROXY", "http://env-proxy:1");
    env.put("NO_PROXY", "internal");
    List<String> args = new ArrayList<>(VALID);
    args.addAll(List.of("--proxy", "http://ops:hunter2@option-proxy:3128"));
    Result r = CliRun.run(env, args.toArray(String[]::new));
    assertThat(r.code()).isEqualTo(CliRun.RUNNER_EXIT);
    assertThat(r.config().delivery().proxies().forTarget(true, "api.ilert.com").toString())
        .isEqualTo("http://****@option-proxy:3128");
    assertThat(r.config().delivery().proxies().forTarget(true, "ilert.internal")).isNull();
    assertThat(r.config().toString()).doesNotContain("hunter2");

    Result fromEnv = CliRun.run(env, VALID.toArray(String[]::new));
    var envProxies = fromEnv.config().delivery().proxies();
    assertThat(envProxies.forTarget(true, "api.ilert.com").host()).isEqualTo("env-proxy");
    assertThat(envProxies.forTarget(false, "api.ilert.com")).as("no HTTP_PROXY").isNull();
  }

  @Test
  void anUnusableProxyVariableIsIgnoredWithAWarning() {
    Map<String, String> env = new HashMap<>(BROKERS);
    env.put("https_proxy", "socks5://u:hunter2@socks:1080");
    Result r = CliRun.run(env, VALID.toArray(String[]::new));
    assertThat(r.code()).isEqualTo(CliRun.RUNNER_EXIT);
    assertThat(r.config().delivery().proxies().isEmpty()).isTrue();
    assertThat(r.config().notes())
        .singleElement()
        .satisfies(
            note -> {
              assertThat(note.level()).isEqualTo(com.ilert.ilagent.config.ConfigNote.Level.WARN);
              assertThat(note.message())
                  .startsWith("https_proxy SOCKS proxies are not supported")
                  .doesNotContain("hunter2");
            });
  }

  @Test
  void unrelatedEnvironmentVariablesAreIgnored() {
    Map<String, String> env =
        Map.of(
            "PATH",
            "/bin",
            "ILERT_SOMETHING",
            "x",
            "MY_ILAGENT_X",
            "y",
            "ILAGENT_KAFKA_BROKERS",
            "h:1");
    Result r = CliRun.run(env, VALID.toArray(String[]::new));
    assertThat(r.code()).isEqualTo(CliRun.RUNNER_EXIT);
  }
}
