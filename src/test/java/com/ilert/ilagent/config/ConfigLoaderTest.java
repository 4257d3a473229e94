package com.ilert.ilagent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.ilert.ilagent.config.AgentConfig.LogFormat;
import com.ilert.ilagent.mapping.MappingConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Defaults and precedence: defaults < config file < environment < flags. */
class ConfigLoaderTest {
  @TempDir Path dir;

  private Path file(String json) throws IOException {
    Path f = dir.resolve("ilagent.json");
    Files.writeString(f, json);
    return f;
  }

  private static FlagValues minimalFlags() {
    return new FlagValues()
        .add(Setting.KAFKA_BROKERS, "localhost:9092")
        .add(Setting.EVENT_TOPIC, "events");
  }

  @Test
  void defaultsMatchTheDocumentedTable() throws Exception {
    AgentConfig c = ConfigLoader.load(minimalFlags(), Map.of());
    assertThat(c.kafka().groupId()).isEqualTo("ilagent");
    assertThat(c.kafka().heartbeatTopics()).isEmpty();
    assertThat(c.port()).isNull();
    assertThat(c.verbosity()).isZero();
    assertThat(c.delivery().apiUrl()).isEqualTo(DeliveryConfig.DEFAULT_API_URL);
    assertThat(c.delivery().heartbeatUrl()).isEqualTo(DeliveryConfig.DEFAULT_HEARTBEAT_URL);
    assertThat(c.kafka().offsetReset()).isEqualTo("latest");
    assertThat(c.kafka().properties()).isEmpty();
    assertThat(c.delivery().ordering()).isEqualTo(Ordering.ALERT_KEY);
    assertThat(c.delivery().maxInFlight()).isEqualTo(64);
    assertThat(c.delivery().retryMaxMs()).isEqualTo(60_000);
    assertThat(c.shutdown().exitDelayMs()).isEqualTo(5_000);
    assertThat(c.shutdown().timeoutMs()).isEqualTo(20_000);
    assertThat(c.kafka().commitIntervalMs()).isEqualTo(100);
    assertThat(c.delivery().requestTimeoutMs()).isEqualTo(10_000);
    assertThat(c.heartbeatKey()).isNull();
    assertThat(c.logFormat()).isEqualTo(LogFormat.TEXT);
    assertThat(c.mapping()).isEqualTo(MappingConfig.DEFAULT);
  }

  @Test
  void fileOverridesDefaultsEnvOverridesFileFlagsOverrideEnv() throws Exception {
    Path f =
        file(
            """
        {"kafka_brokers": "file:1", "event_topic": ["file-topic"], "port": 1000,
         "kafka_group_id": "file-group", "max_in_flight": 10, "ordering": "key",
         "retry_max_ms": 1, "log_format": "json"}
        """);
    Map<String, String> env =
        Map.of(
            "ILAGENT_KAFKA_GROUP_ID", "env-group",
            "ILAGENT_MAX_IN_FLIGHT", "20",
            "ILAGENT_PORT", "2000",
            "ILAGENT_EVENT_TOPIC", "env-a,env-b");
    FlagValues flags = new FlagValues().configFile(f).add(Setting.MAX_IN_FLIGHT, "30");

    AgentConfig c = ConfigLoader.load(flags, env);

    assertThat(c.kafka().brokers()).containsExactly("file:1"); // file only
    assertThat(c.delivery().retryMaxMs()).isEqualTo(1); // file over default
    assertThat(c.delivery().ordering()).isEqualTo(Ordering.KEY);
    assertThat(c.logFormat()).isEqualTo(LogFormat.JSON);
    assertThat(c.kafka().groupId()).isEqualTo("env-group"); // env over file
    assertThat(c.port()).isEqualTo(2000);
    // A list from a higher source replaces the lower one; it does not append to it.
    assertThat(c.kafka().eventTopics()).containsExactly("env-a", "env-b");
    assertThat(c.delivery().maxInFlight()).isEqualTo(30); // flag over env over file
  }

  @Test
  void kafkaPropertiesMergePerKey() throws Exception {
    Path f =
        file(
            """
        {"kafka_brokers": "h:1", "event_topic": "t",
         "kafka": {"security.protocol": "SSL", "sasl.mechanism": "PLAIN", "client.id": "file",
                   "session.timeout.ms": 45000, "allow.auto.create.topics": false}}
        """);
    Map<String, String> env =
        Map.of(
            "ILAGENT_KAFKA_PROPERTY_SASL_MECHANISM", "SCRAM-SHA-512",
            "ILAGENT_KAFKA_PROPERTY_CLIENT_ID", "env");
    FlagValues flags =
        new FlagValues()
            .configFile(f)
            .add(Setting.KAFKA_PROPERTY, "client.id=flag")
            .add(Setting.KAFKA_PROPERTY, "sasl.jaas.config=a=b; c=\"d\"");

    Map<String, String> props = ConfigLoader.load(flags, env).kafka().properties();

    assertThat(props)
        .containsOnly(
            Map.entry("security.protocol", "SSL"),
            Map.entry("sasl.mechanism", "SCRAM-SHA-512"),
            Map.entry("client.id", "flag"),
            Map.entry("session.timeout.ms", "45000"),
            Map.entry("allow.auto.create.topics", "false"),
            Map.entry("sasl.jaas.config", "a=b; c=\"d\""));
  }

  @Test
  void verbosityAndSwitchFollowPrecedence() throws Exception {
    Path f =
        file(
            "{\"kafka_brokers\": \"h:1\", \"event_topic\": \"t\", \"verbose\": 1,"
                + " \"forward_message_payload\": true}");
    AgentConfig fromFile = ConfigLoader.load(new FlagValues().configFile(f), Map.of());
    assertThat(fromFile.verbosity()).isEqualTo(1);
    assertThat(fromFile.mapping().forwardMessagePayload()).isTrue();

    Map<String, String> env =
        Map.of("ILAGENT_VERBOSE", "2", "ILAGENT_FORWARD_MESSAGE_PAYLOAD", "false");
    AgentConfig fromEnv = ConfigLoader.load(new FlagValues().configFile(f), env);
    assertThat(fromEnv.verbosity()).isEqualTo(2);
    assertThat(fromEnv.mapping().forwardMessagePayload()).isFalse();

    FlagValues flags =
        new FlagValues()
            .configFile(f)
            .add(Setting.VERBOSE, "")
            .add(Setting.VERBOSE, "")
            .add(Setting.VERBOSE, "")
            .add(Setting.FORWARD_MESSAGE_PAYLOAD, "true");
    AgentConfig fromFlags = ConfigLoader.load(flags, env);
    assertThat(fromFlags.verbosity()).isEqualTo(3);
    assertThat(fromFlags.mapping().forwardMessagePayload()).isTrue();
  }

  @Test
  void deadLetterTopicAndForwardHeadersComeFromEverySource() throws Exception {
    Path f =
        file(
            "{\"kafka_brokers\": \"h:1\", \"event_topic\": \"t\", \"dead_letter_topic\": \"dlq-file\","
                + " \"forward_headers\": true}");
    AgentConfig fromFile = ConfigLoader.load(new FlagValues().configFile(f), Map.of());
    assertThat(fromFile.kafka().deadLetterTopic()).isEqualTo("dlq-file");
    assertThat(fromFile.mapping().forwardHeaders()).isTrue();

    Map<String, String> env =
        Map.of("ILAGENT_DEAD_LETTER_TOPIC", "dlq-env", "ILAGENT_FORWARD_HEADERS", "false");
    AgentConfig fromEnv = ConfigLoader.load(new FlagValues().configFile(f), env);
    assertThat(fromEnv.kafka().deadLetterTopic()).isEqualTo("dlq-env");
    assertThat(fromEnv.mapping().forwardHeaders()).isFalse();

    AgentConfig none = ConfigLoader.load(minimalFlags(), Map.of());
    assertThat(none.kafka().deadLetterTopic()).isNull();
    assertThat(none.mapping().forwardHeaders()).isFalse();
  }

  @Test
  void ilagentUrlVariablesWinOverIlertOnesAndTrailingSlashIsStripped() throws Exception {
    Map<String, String> both =
        Map.of(
            "ILERT_API_URL", "https://ilert.example/api/",
            "ILAGENT_API_URL", "https://agent.example/api/",
            "ILERT_HEARTBEAT_URL", "http://beat.example:8080/api/");
    AgentConfig c = ConfigLoader.load(minimalFlags(), both);
    assertThat(c.delivery().apiUrl()).isEqualTo("https://agent.example/api");
    assertThat(c.delivery().heartbeatUrl()).isEqualTo("http://beat.example:8080/api");

    AgentConfig flagWins =
        ConfigLoader.load(minimalFlags().add(Setting.API_URL, "http://localhost:1/"), both);
    assertThat(flagWins.delivery().apiUrl()).isEqualTo("http://localhost:1");
  }

  @Test
  void mappingOptionsComeFromAnySource() throws Exception {
    Path f =
        file(
            "{\"kafka_brokers\": \"h:1\", \"event_topic\": \"t\", \"map_key_summary\": \"data.message\","
                + " \"filter_key\": \"kind\", \"event_key\": \"file-key\"}");
    Map<String, String> env = Map.of("ILAGENT_FILTER_VAL", "alert", "ILAGENT_EVENT_KEY", "env-key");
    FlagValues flags = new FlagValues().configFile(f).add(Setting.MAP_VAL_ETYPE_RESOLVE, "ok");

    MappingConfig m = ConfigLoader.load(flags, env).mapping();

    assertThat(m)
        .isEqualTo(
            new MappingConfig(
                "env-key",
                null,
                "data.message",
                null,
                null,
                null,
                "ok",
                "kind",
                "alert",
                false,
                false));
  }

  @Test
  void policyAndProxyOptionsComeFromEverySource() throws Exception {
    Path f =
        file(
            """
        {"kafka_brokers": "h:1", "policy_topic": "shifts", "policy_routing_keys": ["location", "slot"],
         "map_key_email": "who.mail", "map_key_shift": "who.shift", "shift_offset": -1,
         "proxy": "http://file-proxy:3128"}
        """);
    Map<String, String> api = Map.of("ILERT_API_KEY", "tok");
    AgentConfig fromFile = ConfigLoader.load(new FlagValues().configFile(f), api);
    assertThat(fromFile.policy().topic()).isEqualTo("shifts");
    assertThat(fromFile.policy().rules().routingKeyFields()).containsExactly("location", "slot");
    assertThat(fromFile.policy().rules().emailPath()).isEqualTo("who.mail");
    assertThat(fromFile.policy().rules().shiftPath()).isEqualTo("who.shift");
    assertThat(fromFile.policy().rules().shiftOffset()).isEqualTo(-1);
    assertThat(fromFile.delivery().proxies().forTarget(true, "api.ilert.com").host())
        .isEqualTo("file-proxy");

    Map<String, String> env =
        Map.of(
            "ILERT_API_KEY",
            "tok",
            "ILAGENT_POLICY_ROUTING_KEYS",
            "team",
            "ILAGENT_SHIFT_OFFSET",
            "2",
            "ILAGENT_PROXY",
            "http://env-proxy:1",
            "HTTPS_PROXY",
            "http://ignored:2");
    AgentConfig fromEnv = ConfigLoader.load(new FlagValues().configFile(f), env);
    assertThat(fromEnv.policy().rules().routingKeyFields()).containsExactly("team");
    assertThat(fromEnv.policy().rules().shiftOffset()).isEqualTo(2);
    assertThat(fromEnv.delivery().proxies().forTarget(true, "api.ilert.com").host())
        .isEqualTo("env-proxy");

    FlagValues flags =
        new FlagValues()
            .configFile(f)
            .add(Setting.SHIFT_OFFSET, "0")
            .add(Setting.PROXY, "flag-proxy:8080");
    AgentConfig fromFlags = ConfigLoader.load(flags, env);
    assertThat(fromFlags.policy().rules().shiftOffset()).isZero();
    assertThat(fromFlags.delivery().proxies().forTarget(false, "api.ilert.com").port())
        .isEqualTo(8080);
  }

  @Test
  void withoutPolicyTopicOrProxyThereIsNeither() throws Exception {
    AgentConfig c = ConfigLoader.load(minimalFlags(), Map.of("ILERT_API_KEY", "tok"));
    assertThat(c.policy()).isNull();
    assertThat(c.delivery().proxies().isEmpty()).isTrue();
    assertThat(c.notes()).isEmpty();
    assertThat(c.kafka().enabled()).isTrue();
  }

  @Test
  void jsonNullMeansNotSet() throws Exception {
    Path f =
        file(
            "{\"kafka_brokers\": \"h:1\", \"event_topic\": \"t\", \"port\": null, \"heartbeat\": null}");
    AgentConfig c = ConfigLoader.load(new FlagValues().configFile(f), Map.of());
    assertThat(c.port()).isNull();
    assertThat(c.heartbeatKey()).isNull();
  }

  @Test
  void topicsAreTrimmedAndDeduplicatedInOrder() throws Exception {
    FlagValues flags =
        new FlagValues()
            .add(Setting.KAFKA_BROKERS, "a:1, [::1]:9092")
            .add(Setting.EVENT_TOPIC, " b , a")
            .add(Setting.EVENT_TOPIC, "b")
            .add(Setting.HEARTBEAT_TOPIC, "hb");
    AgentConfig c = ConfigLoader.load(flags, Map.of());
    assertThat(c.kafka().brokers()).containsExactly("a:1", "[::1]:9092");
    assertThat(c.kafka().eventTopics()).containsExactly("b", "a");
    assertThat(c.kafka().heartbeatTopics()).containsExactly("hb");
  }

  @Test
  void heartbeatTopicAloneIsEnough() throws Exception {
    FlagValues flags =
        new FlagValues().add(Setting.KAFKA_BROKERS, "h:1").add(Setting.HEARTBEAT_TOPIC, "hb");
    assertThat(ConfigLoader.load(flags, Map.of()).kafka().eventTopics()).isEmpty();
  }

  @Test
  void resultIsImmutable() throws Exception {
    AgentConfig c = ConfigLoader.load(minimalFlags().add(Setting.KAFKA_PROPERTY, "a=b"), Map.of());
    assertThatThrownBy(() -> c.kafka().eventTopics().add("x"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> c.kafka().properties().put("x", "y"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void exampleConfigFileLoads() throws Exception {
    AgentConfig c =
        ConfigLoader.load(new FlagValues().configFile(Path.of("conf/ilagent.json")), Map.of());
    assertThat(c.kafka().brokers()).containsExactly("localhost:9092");
    assertThat(c.kafka().groupId()).isEqualTo("ilagent");
    assertThat(c.kafka().eventTopics()).containsExactly("events-topic");
    assertThat(c.kafka().heartbeatTopics()).containsExactly("heartbeats-topic");
    assertThat(c.port()).isEqualTo(8977);
    assertThat(c.kafka().properties()).containsEntry("client.id", "ilagent");
  }

  @Test
  void ratelimitsDefaultToIlertsOwnForIlertsHostsAndToLearningElsewhere() throws Exception {
    var ilert = ConfigLoader.load(minimalFlags(), Map.of()).delivery().rateLimits();
    assertThat(ilert.perKeyEvents()).isEqualTo(50);
    assertThat(ilert.perKeyPings()).isEqualTo(5);
    assertThat(ilert.total()).isEqualTo(700);

    var standIn =
        ConfigLoader.load(
                minimalFlags()
                    .add(Setting.API_URL, "http://localhost:8080/api")
                    .add(Setting.HEARTBEAT_URL, "http://localhost:8080/beat"),
                Map.of())
            .delivery()
            .rateLimits();
    assertThat(standIn.perKeyEvents()).isZero();
    assertThat(standIn.perKeyPings()).isZero();
    assertThat(standIn.total()).isZero();
  }

  @Test
  void toldRateLimitsComeFromFlagsFileAndEnvironment(@org.junit.jupiter.api.io.TempDir Path dir)
      throws Exception {
    Path f = dir.resolve("c.json");
    Files.writeString(
        f, "{\"kafka_brokers\": \"b:1\", \"event_topic\": [\"t\"], \"rate_limit_total\": 300}");
    var limits =
        ConfigLoader.load(
                new FlagValues().configFile(f).add(Setting.RATE_LIMIT_KEY, "20"),
                Map.of("ILAGENT_RATE_LIMIT_PING", "0"))
            .delivery()
            .rateLimits();
    assertThat(limits.perKeyEvents()).isEqualTo(20);
    assertThat(limits.perKeyPings()).as("0 switches ilert's default off").isZero();
    assertThat(limits.total()).isEqualTo(300);
  }

  @Test
  void aNegativeRateLimitIsAConfigurationErrorNamingTheOption() {
    assertThatThrownBy(
            () -> ConfigLoader.load(minimalFlags().add(Setting.RATE_LIMIT_KEY, "-1"), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("--rate_limit_key");
  }

  @Test
  void theHttpServerListensEverywhereUnlessToldAndItsApiIsOpenUnlessGivenAToken() throws Exception {
    AgentConfig open = ConfigLoader.load(minimalFlags().add(Setting.PORT, "8977"), Map.of());
    assertThat(open.bindAddress()).isEqualTo("0.0.0.0");
    assertThat(open.httpApiToken()).isNull();
    AgentConfig closed =
        ConfigLoader.load(
            minimalFlags().add(Setting.PORT, "8977").add(Setting.BIND_ADDRESS, "[::1]"),
            Map.of("ILAGENT_HTTP_API_TOKEN", " abc.DEF-123_~+/== "));
    assertThat(closed.bindAddress()).isEqualTo("::1");
    assertThat(closed.httpApiToken()).isEqualTo("abc.DEF-123_~+/==");
  }
}
