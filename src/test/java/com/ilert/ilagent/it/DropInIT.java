package com.ilert.ilagent.it;

import static com.ilert.ilagent.it.Agents.awaitStatus;
import static com.ilert.ilagent.it.Agents.event;
import static com.ilert.ilagent.it.Agents.freePort;
import static com.ilert.ilagent.it.Agents.kafka;
import static com.ilert.ilagent.it.Agents.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.ilert.ilagent.testkit.AgentProcess;
import com.ilert.ilagent.testkit.IlertStandIn;
import com.ilert.ilagent.testkit.Received;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Command lines and environments written for the Rust program, run by the built jar: the global
 * -v, a daemon that only pings its own heartbeat, and a pod that Kubernetes gave service links.
 */
class DropInIT {
  private static final String OWN = "hbmonitordropin000001";
  private static final String KEY = "il1apidropin000000001";

  @Test
  void daemonWithOnlyTheOwnHeartbeatIsReadyAtOncePingsAndStopsCleanly() {
    int port = freePort();
    try (IlertStandIn ilert = new IlertStandIn().start()) {
      // The Rust program's host-liveness set-up: no Kafka at all, -v before the command.
      List<String> args = List.of("-v", "-v", "daemon", "-b", OWN, "-p", String.valueOf(port),
          "--api_url", ilert.apiUrl(), "--heartbeat_url", ilert.heartbeatUrl());
      try (AgentProcess agent = AgentProcess.start("dropin-heartbeat-only", args, Map.of())) {
        awaitStatus(agent, port, "/ready", 204, Duration.ofSeconds(30));
        assertThat(AgentProcess.httpGet(port, "/health").status()).isEqualTo(204);
        Received ping = ilert.awaitPings(1, Duration.ofSeconds(15)).get(0);
        assertThat(ping.method() + " " + ping.path()).isEqualTo("HEAD /beat/pings/" + OWN);
        assertThat(agent.log()).as("-v -v before the command: info lines")
            .contains("No --kafka_brokers: running without a Kafka consumer")
            .doesNotContain("Subscribed", OWN);
        assertThat(AgentProcess.httpGet(port, "/metrics").body())
            .contains("ilagent_heartbeat_pings_total{result=\"delivered\",source=\"own\"} 1.0");

        agent.sigterm();
        assertThat(agent.awaitExit(Duration.ofSeconds(30))).isZero();
      }
    }
  }

  @Test
  void kubernetesServiceLinksAreIgnoredAndGlobalVerboseCountsWithTheCommandsOwn() {
    String topic = unique("dropin");
    String group = unique("dropin");
    kafka().createTopic(topic, 1);
    int linkPort = freePort();
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
    try (IlertStandIn ilert = new IlertStandIn().start()) {
      List<String> args = List.of("-v", "-v", "daemon", "--verbose",
          "--kafka_brokers", kafka().bootstrapServers(), "--kafka_group_id", group,
          "--kafka_offset_reset", "earliest", "-e", topic,
          "--api_url", ilert.apiUrl(), "--heartbeat_url", ilert.heartbeatUrl());
      try (AgentProcess agent = AgentProcess.start("dropin-service-links", args, env)) {
        agent.awaitLog("Subscribed to", Duration.ofSeconds(45));
        kafka().send(topic, "k", event(KEY, "ALERT", "from a pod with service links", null));
        assertThat(ilert.awaitEvents(1, Duration.ofSeconds(30))).extracting(Received::summary)
            .containsExactly("from a pod with service links");

        String log = agent.log();
        assertThat(log).as("-v -v before and --verbose after the command make debug level")
            .containsPattern("DEBUG .*Ignoring Kubernetes service-link variables ILAGENT_PORT, ILAGENT_PORT_8977_TCP, "
                + "ILAGENT_PORT_8977_TCP_ADDR, ILAGENT_PORT_8977_TCP_PORT, ILAGENT_PORT_8977_TCP_PROTO, "
                + "ILAGENT_SERVICE_HOST, ILAGENT_SERVICE_PORT, ILAGENT_SERVICE_PORT_HTTP")
            .doesNotContain("HTTP server listening", KEY);
        assertThatThrownBy(() -> AgentProcess.httpGet(linkPort, "/health"))
            .as("ILAGENT_PORT=tcp://... is not the probe port").isInstanceOf(UncheckedIOException.class);
        await().atMost(Duration.ofSeconds(15)).until(() -> kafka().lag(group, topic) == 0);

        agent.sigterm();
        assertThat(agent.awaitExit(Duration.ofSeconds(30))).isZero();
      }
    }
  }
}
