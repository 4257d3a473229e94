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
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Command lines and environments written for the Rust program, run by the built jar: the global -v,
 * a daemon that only pings its own heartbeat, and a pod that Kubernetes gave service links.
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
}
