package com.ilert.ilagent.it;

import static com.ilert.ilagent.it.Events.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.ilert.ilagent.testkit.AgentLaunch;
import com.ilert.ilagent.testkit.AgentProcess;
import com.ilert.ilagent.testkit.AgentTest;
import com.ilert.ilagent.testkit.IlertStandIn;
import com.ilert.ilagent.testkit.KafkaBroker;
import com.ilert.ilagent.testkit.Received;
import com.ilert.ilagent.testkit.RunningAgent;
import com.ilert.ilagent.testkit.TestAgents;
import com.ilert.ilagent.testkit.TestCertificates;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka security through the agent's pass-through client properties, against a real broker: SASL
 * (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512), TLS with server authentication, mutual TLS, and SASL over
 * TLS. One broker serves all of them on separate listeners; the testkit's own clients use its
 * PLAINTEXT listener. The modes are set in each of the three ways (flags, config file,
 * environment).
 *
 * <p>Every agent runs with {@code -v -v -v -v}, so the Kafka client prints its whole configuration
 * (the ConsumerConfig dump): each log is checked for every password of this test.
 */
@AgentTest
class SecurityIT {
  private static final String SASL = "SASL";
  private static final String TLS = "TLS";
  private static final String MTLS = "MTLS";
  private static final String SASL_TLS = "SASL_TLS";

  private static final String PLAIN_USER = "alice";
  private static final String SCRAM256_USER = "bob";
  private static final String SCRAM512_USER = "carol";
  private static final String PLAIN_PASSWORD = secret("alice");
  private static final String SCRAM256_PASSWORD = secret("bob");
  private static final String SCRAM512_PASSWORD = secret("carol");

  @TempDir static Path dir;
  private static TestCertificates certs;
  private static KafkaBroker broker;
  private static IlertStandIn ilert;

  @BeforeAll
  static void startBroker(IlertStandIn standIn) {
    ilert = standIn; // the class's: every test's agent reports to it
    certs = TestCertificates.generate(dir);
    Map<String, String> server = new LinkedHashMap<>();
    // SASL: all three mechanisms on one listener; PLAIN users live in the listener's JAAS config,
    // SCRAM users in the cluster metadata (added when the data dir is formatted).
    server.put("sasl.enabled.mechanisms", "PLAIN,SCRAM-SHA-256,SCRAM-SHA-512");
    server.put(
        "listener.name.sasl.plain.sasl.jaas.config",
        "org.apache.kafka.common.security.plain.PlainLoginModule required user_"
            + PLAIN_USER
            + "=\""
            + PLAIN_PASSWORD
            + "\";");
    server.put(
        "listener.name.sasl.scram-sha-256.sasl.jaas.config",
        "org.apache.kafka.common.security.scram.ScramLoginModule required;");
    server.put(
        "listener.name.sasl.scram-sha-512.sasl.jaas.config",
        "org.apache.kafka.common.security.scram.ScramLoginModule required;");
    // SASL over TLS, as managed Kafka services offer it: SCRAM-SHA-512 only.
    server.put("listener.name.sasl_tls.sasl.enabled.mechanisms", "SCRAM-SHA-512");
    server.put(
        "listener.name.sasl_tls.scram-sha-512.sasl.jaas.config",
        "org.apache.kafka.common.security.scram.ScramLoginModule required;");
    // TLS: the broker proves who it is; MTLS: the client must too.
    for (String listener : List.of("tls", "mtls", "sasl_tls")) {
      server.put("listener.name." + listener + ".ssl.keystore.type", "PKCS12");
      server.put(
          "listener.name." + listener + ".ssl.keystore.location",
          certs.brokerKeyStore().toString());
      server.put(
          "listener.name." + listener + ".ssl.keystore.password", certs.brokerKeyStorePassword());
    }
    server.put("listener.name.mtls.ssl.client.auth", "required");
    server.put("listener.name.mtls.ssl.truststore.type", "PKCS12");
    server.put("listener.name.mtls.ssl.truststore.location", certs.trustStore().toString());
    server.put("listener.name.mtls.ssl.truststore.password", certs.trustStorePassword());
    broker =
        KafkaBroker.start(
            KafkaBroker.Settings.defaults()
                .withListener(new KafkaBroker.Listener(SASL, "SASL_PLAINTEXT", 0))
                .withListener(new KafkaBroker.Listener(TLS, "SSL", 0))
                .withListener(new KafkaBroker.Listener(MTLS, "SSL", 0))
                .withListener(new KafkaBroker.Listener(SASL_TLS, "SASL_SSL", 0))
                .withServerProperties(server)
                .withScramUser("SCRAM-SHA-256", SCRAM256_USER, SCRAM256_PASSWORD)
                .withScramUser("SCRAM-SHA-512", SCRAM512_USER, SCRAM512_PASSWORD));
  }

  @AfterAll
  static void stopBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void saslPlainByFlags(TestAgents agents) {
    deliversThrough(
        agents,
        "sasl-plain",
        SASL,
        List.of(
            "--kafka_property", "security.protocol=SASL_PLAINTEXT",
            "--kafka_property", "sasl.mechanism=PLAIN",
            "--kafka_property",
                "sasl.jaas.config=" + jaas("plain.PlainLoginModule", PLAIN_USER, PLAIN_PASSWORD)),
        Map.of(),
        "sasl.jaas.config = [hidden]");
  }

  @Test
  void saslScramSha256ByConfigFile(TestAgents agents) throws IOException {
    Path config =
        configFile(
            "scram-256",
            new JsonObject()
                .put("security.protocol", "SASL_PLAINTEXT")
                .put("sasl.mechanism", "SCRAM-SHA-256")
                .put(
                    "sasl.jaas.config",
                    jaas("scram.ScramLoginModule", SCRAM256_USER, SCRAM256_PASSWORD)));
    deliversThrough(
        agents,
        "sasl-scram-256",
        SASL,
        List.of("--config", config.toString()),
        Map.of(),
        "sasl.jaas.config = [hidden]");
  }

  @Test
  void saslScramSha512ByEnvironment(TestAgents agents) {
    deliversThrough(
        agents,
        "sasl-scram-512",
        SASL,
        List.of(),
        Map.of(
            "ILAGENT_KAFKA_PROPERTY_SECURITY_PROTOCOL", "SASL_PLAINTEXT",
            "ILAGENT_KAFKA_PROPERTY_SASL_MECHANISM", "SCRAM-SHA-512",
            "ILAGENT_KAFKA_PROPERTY_SASL_JAAS_CONFIG",
                jaas("scram.ScramLoginModule", SCRAM512_USER, SCRAM512_PASSWORD)),
        "sasl.jaas.config = [hidden]");
  }

  /**
   * SASL_SSL with SCRAM-SHA-512, the usual managed-Kafka setup, split as in the Kubernetes example:
   * the non-secret settings in the config file, the JAAS config and the trust store password from
   * the environment (a Secret).
   */
  @Test
  void saslSslScramSha512ByConfigFileAndEnvironment(TestAgents agents) throws IOException {
    Path config =
        configFile(
            "sasl-ssl",
            new JsonObject()
                .put("security.protocol", "SASL_SSL")
                .put("sasl.mechanism", "SCRAM-SHA-512")
                .put("ssl.truststore.type", "PKCS12")
                .put("ssl.truststore.location", certs.trustStore().toString()));
    deliversThrough(
        agents,
        "sasl-ssl-scram-512",
        SASL_TLS,
        List.of("--config", config.toString()),
        Map.of(
            "ILAGENT_KAFKA_PROPERTY_SASL_JAAS_CONFIG",
                jaas("scram.ScramLoginModule", SCRAM512_USER, SCRAM512_PASSWORD),
            "ILAGENT_KAFKA_PROPERTY_SSL_TRUSTSTORE_PASSWORD", certs.trustStorePassword()),
        "sasl.jaas.config = [hidden]");
  }

  /**
   * Server authentication only; host name verification stays on (the certificate names 127.0.0.1).
   */
  @Test
  void tlsWithTrustStoreByFlags(TestAgents agents) {
    deliversThrough(
        agents,
        "tls",
        TLS,
        List.of(
            "--kafka_property",
            "security.protocol=SSL",
            "--kafka_property",
            "ssl.truststore.type=PKCS12",
            "--kafka_property",
            "ssl.truststore.location=" + certs.trustStore(),
            "--kafka_property",
            "ssl.truststore.password=" + certs.trustStorePassword()),
        Map.of(),
        "ssl.truststore.password = [hidden]");
  }

  @Test
  void mutualTlsByConfigFileAndEnvironment(TestAgents agents) throws IOException {
    Path config =
        configFile(
            "mtls",
            new JsonObject()
                .put("security.protocol", "SSL")
                .put("ssl.truststore.type", "PKCS12")
                .put("ssl.truststore.location", certs.trustStore().toString())
                .put("ssl.truststore.password", certs.trustStorePassword())
                .put("ssl.keystore.type", "PKCS12")
                .put("ssl.keystore.location", certs.clientKeyStore().toString()));
    // The key store's secrets from the environment, as a Kubernetes Secret would supply them.
    deliversThrough(
        agents,
        "mtls",
        MTLS,
        List.of("--config", config.toString()),
        Map.of(
            "ILAGENT_KAFKA_PROPERTY_SSL_KEYSTORE_PASSWORD", certs.clientKeyStorePassword(),
            "ILAGENT_KAFKA_PROPERTY_SSL_KEY_PASSWORD", certs.clientKeyStorePassword()),
        "ssl.keystore.password = [hidden]");
  }

  /** Without this the mTLS case would prove nothing more than the TLS one. */
  @Test
  void mutualTlsListenerRejectsAClientWithoutCertificate() {
    Map<String, Object> props = new HashMap<>();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(MTLS));
    props.put("security.protocol", "SSL");
    props.put("ssl.truststore.type", "PKCS12");
    props.put("ssl.truststore.location", certs.trustStore().toString());
    props.put("ssl.truststore.password", certs.trustStorePassword());
    try (Admin admin = Admin.create(props)) {
      assertThatThrownBy(
              () ->
                  admin
                      .describeCluster(new DescribeClusterOptions().timeoutMs(10_000))
                      .nodes()
                      .get(15, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(SslAuthenticationException.class);
    }
  }

  /**
   * A wrong password: the agent stays up and not ready, says why on /ready, delivers nothing and
   * does not flood its log; SIGTERM still ends it cleanly.
   */
  @Test
  void wrongSaslPasswordKeepsTheAgentUnreadyWithoutDeliveringOrCrashing(TestAgents agents) {
    String topic = agents.topic();
    String key = "il1apiwrongpw" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    String wrong = secret("wrong");
    broker.createTopic(topic, 1);
    broker.send(topic, "k", event(key, "ALERT", "must not arrive", null));
    long started = System.nanoTime();
    RunningAgent agent =
        daemon(agents, SASL, topic)
            .args(
                "--kafka_property", "security.protocol=SASL_PLAINTEXT",
                "--kafka_property", "sasl.mechanism=SCRAM-SHA-512",
                "--kafka_property",
                    "sasl.jaas.config=" + jaas("scram.ScramLoginModule", SCRAM512_USER, wrong))
            .startWithoutWaiting();
    agent.awaitStatus("/health", 204, Duration.ofSeconds(30));
    // The consumer reports the failed authentication; /ready names it.
    JsonObject ready = awaitReadyError(agent, Duration.ofSeconds(30));
    assertThat(ready.getString("error")).containsIgnoringCase("authentication");
    assertThat(ready.getBoolean("assigned")).isFalse();
    // A few seconds more: still alive, still not ready, nothing delivered.
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(250))
        .until(() -> agent.isAlive() && agent.ready().status() == 503);
    assertThat(ilert.received()).noneMatch(r -> key.equals(r.integrationKey()));
    assertThat(broker.lag(agents.group(), topic)).isEqualTo(1);

    agent.stop();
    long seconds = Math.max(1, Duration.ofNanos(System.nanoTime() - started).toSeconds());
    String log = agent.log();
    assertNoSecrets(log, wrong);
    assertThat(log.lines().filter(l -> l.startsWith("\tat ")))
        .as("stack trace lines in the log of a wrong password")
        .isEmpty();
    // About 150 lines of start-up and configuration dump, then a few lines per reconnect (1 s
    // backoff); a retry loop without backoff would write thousands a second.
    assertThat(log.lines().count())
        .as("log lines of a %d s run with a wrong password", seconds)
        .isLessThan(200 + 20 * seconds);
  }

  // ---------------------------------------------------------------------------------- helpers

  /**
   * Starts the agent against {@code listener} with the given security settings, produces one event,
   * waits for ilert to get it and the offset to be committed, stops the agent with SIGTERM and
   * checks its log for secrets. {@code hiddenLine} is a line of the Kafka client's configuration
   * dump that must be there, masked: it proves the dump was printed, so its absence of secrets
   * means something.
   */
  private static void deliversThrough(
      TestAgents agents,
      String name,
      String listener,
      List<String> security,
      Map<String, String> env,
      String hiddenLine) {
    String topic = agents.topic();
    String key = "il1apisec" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    broker.createTopic(topic, 1);
    RunningAgent agent = daemon(agents, listener, topic).args(security).env(env).name(name).start();
    broker.send(topic, "k", event(key, "ALERT", "over " + name, null));

    List<Received> got =
        ilert.awaitEvents(r -> key.equals(r.integrationKey()), 1, Duration.ofSeconds(30));
    assertThat(got).extracting(Received::summary).containsExactly("over " + name);
    broker.awaitNoLag(agents.group(), topic, Duration.ofSeconds(15));

    agent.stop();
    String log = agent.log();
    assertThat(log)
        .as("the Kafka client's configuration dump, with the secret masked")
        .contains(hiddenLine);
    assertNoSecrets(log);
  }

  /**
   * The daemon against {@code listener} of this test's broker, with the Kafka client's debug log
   * (-v x4).
   */
  private static AgentLaunch daemon(TestAgents agents, String listener, String topic) {
    return agents.daemon("-v", "-v", "-e", topic).brokers(broker.bootstrapServers(listener));
  }

  /**
   * Waits until /ready answers 503 with an {@code error} (or 204, or the agent exits, which fail at
   * once); fails with the last answer and the log.
   */
  private static JsonObject awaitReadyError(RunningAgent agent, Duration timeout) {
    AgentProcess.HttpResult[] last = {null};
    try {
      await()
          .atMost(timeout)
          .pollInterval(Duration.ofMillis(200))
          .ignoreExceptions()
          .until(
              () -> {
                last[0] = agent.ready();
                return last[0].status() != 503
                    || new JsonObject(last[0].body()).getString("error") != null
                    || !agent.isAlive();
              });
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError(
          "expected /ready to name an error within " + timeout + "; last answer " + last[0]);
    }
    assertThat(agent.isAlive()).as("agent alive with a wrong password").isTrue();
    assertThat(last[0].status()).as("/ready with a wrong password").isEqualTo(503);
    return new JsonObject(last[0].body());
  }

  private static void assertNoSecrets(String log, String... more) {
    List<String> secrets =
        new ArrayList<>(List.of(PLAIN_PASSWORD, SCRAM256_PASSWORD, SCRAM512_PASSWORD));
    secrets.addAll(certs.passwords());
    secrets.addAll(List.of(more));
    assertThat(log).as("secrets in the agent log").doesNotContain(secrets);
    // The JAAS option itself, whatever the password: `password="...` must never be printed.
    assertThat(log)
        .as("JAAS password option in the agent log")
        .doesNotContainPattern("password=\\\\?\"");
  }

  private static String jaas(String module, String user, String password) {
    return "org.apache.kafka.common.security."
        + module
        + " required username=\""
        + user
        + "\" password=\""
        + password
        + "\";";
  }

  private static Path configFile(String name, JsonObject kafka) throws IOException {
    Path file = dir.resolve(name + ".json");
    Files.writeString(file, new JsonObject().put("kafka", kafka).encodePrettily());
    return file;
  }

  private static String secret(String who) {
    return who + "-secret-" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  }
}
