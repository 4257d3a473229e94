package com.ilert.ilagent.it;

import static com.ilert.ilagent.it.Events.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.ilert.ilagent.testkit.AgentProcess;
import com.ilert.ilagent.testkit.AgentTest;
import com.ilert.ilagent.testkit.IlertStandIn;
import com.ilert.ilagent.testkit.KafkaBroker;
import com.ilert.ilagent.testkit.Ports;
import com.ilert.ilagent.testkit.Received;
import com.ilert.ilagent.testkit.RunningAgent;
import com.ilert.ilagent.testkit.TestAgents;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * Command lines and environments written for the Rust program, run by the built jar: the global -v,
 * a daemon that only pings its own heartbeat, a pod that Kubernetes gave service links; and the
 * Kafka client behaving as the Rust program's librdkafka does where that changes what is delivered
 * or when (transactions, a restart after a crash).
 */
@AgentTest
class DropInIT {
  private static final String OWN = "hbmonitordropin000001";
  private static final String KEY = "il1apidropin000000001";

  @Test
  void daemonWithOnlyTheOwnHeartbeatIsReadyAtOncePingsAndStopsCleanly(
      TestAgents agents, IlertStandIn ilert) {
    // The Rust program's host-liveness set-up: no Kafka at all, -v before the command.
    RunningAgent agent =
        agents
            .command(
                "-v",
                "-v",
                "daemon",
                "-b",
                OWN,
                "--api_url",
                ilert.apiUrl(),
                "--heartbeat_url",
                ilert.heartbeatUrl())
            .withProbePort()
            .readyWithin(Duration.ofSeconds(30))
            .start();
    assertThat(agent.health().status()).isEqualTo(204);
    Received ping = ilert.awaitPings(1, Duration.ofSeconds(15)).get(0);
    assertThat(ping.method() + " " + ping.path()).isEqualTo("HEAD /beat/pings/" + OWN);
    assertThat(agent.log())
        .as("-v -v before the command: info lines")
        .contains("No --kafka_brokers: running without a Kafka consumer")
        .doesNotContain("Subscribed", OWN);
    assertThat(agent.metrics())
        .contains("ilagent_heartbeat_pings_total{result=\"delivered\",source=\"own\"} 1.0");
    agent.stop();
  }

  @Test
  void kubernetesServiceLinksAreIgnoredAndGlobalVerboseCountsWithTheCommandsOwn(
      TestAgents agents, IlertStandIn ilert, KafkaBroker kafka) {
    String topic = agents.newTopic(1);
    String group = agents.group();
    int linkPort = Ports.freePort();
    Map<String, String> env = new HashMap<>();
    // What a Service named "ilagent" (port 8977, named http) puts into every pod of its namespace.
    env.put("ILAGENT_SERVICE_HOST", "10.0.0.1");
    env.put("ILAGENT_SERVICE_PORT", "8977");
    env.put("ILAGENT_SERVICE_PORT_HTTP", "8977");
    env.put("ILAGENT_PORT", "tcp://127.0.0.1:" + linkPort);
    env.put("ILAGENT_PORT_8977_TCP", "tcp://10.0.0.1:8977");
    env.put("ILAGENT_PORT_8977_TCP_PROTO", "tcp");
    env.put("ILAGENT_PORT_8977_TCP_PORT", "8977");
    env.put("ILAGENT_PORT_8977_TCP_ADDR", "10.0.0.1");
    RunningAgent agent =
        agents
            .command(
                "-v",
                "-v",
                "daemon",
                "--verbose",
                "--kafka_brokers",
                kafka.bootstrapServers(),
                "--kafka_group_id",
                group,
                "--kafka_offset_reset",
                "earliest",
                "-e",
                topic,
                "--api_url",
                ilert.apiUrl(),
                "--heartbeat_url",
                ilert.heartbeatUrl())
            .env(env)
            .startWithoutWaiting();
    agent.awaitLog("Subscribed to", Duration.ofSeconds(45));
    kafka.send(topic, "k", event(KEY, "ALERT", "from a pod with service links", null));
    assertThat(ilert.awaitEvents(1, Duration.ofSeconds(30)))
        .extracting(Received::summary)
        .containsExactly("from a pod with service links");

    String log = agent.log();
    assertThat(log)
        .as("-v -v before and --verbose after the command make debug level")
        .containsPattern(
            "DEBUG .*Ignoring Kubernetes service-link variables ILAGENT_PORT, ILAGENT_PORT_8977_TCP, "
                + "ILAGENT_PORT_8977_TCP_ADDR, ILAGENT_PORT_8977_TCP_PORT, ILAGENT_PORT_8977_TCP_PROTO, "
                + "ILAGENT_SERVICE_HOST, ILAGENT_SERVICE_PORT, ILAGENT_SERVICE_PORT_HTTP")
        .doesNotContain("HTTP server listening", KEY);
    assertThatThrownBy(() -> AgentProcess.httpGet(linkPort, "/health"))
        .as("ILAGENT_PORT=tcp://... is not the probe port")
        .isInstanceOf(UncheckedIOException.class);
    await().atMost(Duration.ofSeconds(15)).until(() -> kafka.lag(group, topic) == 0);
  }

  @Test
  void aCommandLineWrittenForTheRustProgramStartsAndRustLogDecidesTheLevel(
      TestAgents agents, IlertStandIn ilert, KafkaBroker kafka) {
    String topic = agents.newTopic(1);
    Path database = Path.of(agents.unique("ilagent") + ".db3").toAbsolutePath();
    // Its database file (global, before the command), its queue's retry count, a broker with a
    // protocol prefix, and RUST_LOG instead of -v: as a unit file for the Rust program has them.
    RunningAgent agent =
        agents
            .command(
                "-f",
                database.toString(),
                "daemon",
                "--max_retries",
                "3",
                "--kafka_brokers",
                "PLAINTEXT://" + kafka.bootstrapServers(),
                "--kafka_group_id",
                agents.group(),
                "-e",
                topic,
                "--api_url",
                ilert.apiUrl(),
                "--heartbeat_url",
                ilert.heartbeatUrl())
            .env("RUST_LOG", "debug")
            .withProbePort()
            .start();
    kafka.send(topic, "k", event(KEY, "ALERT", "from a Rust unit file", null));
    assertThat(ilert.awaitEvents(1, Duration.ofSeconds(30)))
        .extracting(Received::summary)
        .containsExactly("from a Rust unit file");
    agent.awaitLog(
        "DEBUG Outcomes - .*event for key il1a\\*\\*\\*\\*01 delivered", Duration.ofSeconds(10));
    assertThat(agent.log())
        .contains(
            "WARN  Agent - -f/--file \"" + database + "\" is ignored: this agent keeps no database",
            "WARN  Agent - --max_retries 3 is ignored: a failed delivery is retried for"
                + " --retry_max_ms")
        .doesNotContain(KEY);
    assertThat(database).as("no database file is made").doesNotExist();
  }

  @Test
  void anAbortedTransactionIsNeverForwardedWhileTheCommittedOneBesideItIs(
      TestAgents agents, IlertStandIn ilert, KafkaBroker kafka) {
    String topic = agents.newTopic(1);
    // Strict offset order: once the plain record after both transactions is delivered, whatever of
    // them was going to be delivered has been.
    agents.start("-e", topic, "--ordering", "partition");
    try (KafkaProducer<String, String> rolledBack = transactional(kafka, agents.unique("tx-a"));
        KafkaProducer<String, String> committed = transactional(kafka, agents.unique("tx-b"))) {
      rolledBack.beginTransaction();
      rolledBack.send(new ProducerRecord<>(topic, "a", event(KEY, "ALERT", "rolled back", "a")));
      rolledBack.flush();
      // The committed transaction's record lies between the aborted one's record and its marker.
      committed.beginTransaction();
      committed.send(new ProducerRecord<>(topic, "b", event(KEY, "ALERT", "committed", "b")));
      committed.commitTransaction();
      rolledBack.abortTransaction();
    }
    kafka.send(topic, "c", event(KEY, "ALERT", "after both", "c"));

    ilert.awaitEvents(r -> "after both".equals(r.summary()), 1, Duration.ofSeconds(30));
    assertThat(ilert.events())
        .extracting(Received::summary)
        .as("what ilert received: the aborted transaction's event never happened")
        .containsExactly("committed", "after both");
  }

  @Test
  void aRestartRightAfterAKillDeliversWhatIsProducedAfterTheKillWithin15Seconds(
      TestAgents agents, IlertStandIn ilert, KafkaBroker kafka) {
    String topic = agents.newTopic(2);
    RunningAgent first = agents.daemon("-e", topic).name("killed").start();
    kafka.send(topic, 0, "k", event(KEY, "ALERT", "before the kill", null));
    ilert.awaitEvents(1, Duration.ofSeconds(30));

    // A crash with a restart policy: the new member joins at once, the dead one still holds its
    // partitions until its session expires.
    first.sigkill();
    long killedAt = System.nanoTime();
    agents.daemon("-e", topic).name("restarted").startWithoutWaiting();
    kafka.send(topic, 0, "k", event(KEY, "ALERT", "after the kill 0", null));
    kafka.send(topic, 1, "k", event(KEY, "ALERT", "after the kill 1", null));

    Duration left = Duration.ofSeconds(15).minusNanos(System.nanoTime() - killedAt);
    assertThat(
            ilert.awaitEvents(r -> r.summary().startsWith("after the kill"), 2, left).stream()
                .map(Received::summary))
        .containsExactlyInAnyOrder("after the kill 0", "after the kill 1");
  }

  @Test
  void aMistypedTopicIsNotCreatedButNamedInReadyAndTheLogUntilItExists(
      TestAgents agents, IlertStandIn ilert, KafkaBroker kafka) {
    String events = agents.newTopic(1);
    String heartbeats = agents.topic("heartbeats"); // not created yet
    RunningAgent agent = agents.daemon("-e", events, "-r", heartbeats).startWithoutWaiting();
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(() -> agent.ready().body().contains("\"missing_topics\":[\"" + heartbeats + "\"]"));
    assertThat(agent.ready().status()).isEqualTo(503);
    agent.awaitLog("Topic \"" + heartbeats + "\" does not exist", Duration.ofSeconds(5));
    kafka.send(events, "k", event(KEY, "ALERT", "while a topic is missing", null));
    ilert.awaitEvents(1, Duration.ofSeconds(30));
    assertThatThrownBy(() -> kafka.endOffsets(heartbeats), "the agent did not create the topic");

    kafka.createTopic(heartbeats, 1);
    agent.awaitStatus("/ready", 204, Duration.ofSeconds(30));
    agent.awaitLog("Topic \"" + heartbeats + "\" exists now", Duration.ofSeconds(5));
  }

  private static KafkaProducer<String, String> transactional(KafkaBroker kafka, String id) {
    Properties props = kafka.clientProperties();
    props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, id);
    KafkaProducer<String, String> producer =
        new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
    producer.initTransactions();
    return producer;
  }
}
