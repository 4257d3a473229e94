package com.ilert.ilagent.it;

import static com.ilert.ilagent.it.Agents.awaitStatus;
import static com.ilert.ilagent.it.Agents.daemon;
import static com.ilert.ilagent.it.Agents.event;
import static com.ilert.ilagent.it.Agents.freePort;
import static com.ilert.ilagent.it.Agents.kafka;
import static com.ilert.ilagent.it.Agents.startReady;
import static com.ilert.ilagent.it.Agents.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.ilert.ilagent.testkit.AgentProcess;
import com.ilert.ilagent.testkit.IlertStandIn;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** /health and /ready as Kubernetes sees them, from start to exit. */
class ProbesIT {

  @Test
  void readyIsNotReadyWhileTheBrokerCannotBeReached() {
    int port = freePort();
    try (IlertStandIn ilert = new IlertStandIn().start()) {
      List<String> args = List.of("daemon", "--kafka_brokers", "127.0.0.1:" + freePort(),
          "-e", "events-topic", "-p", String.valueOf(port), "--api_url", ilert.apiUrl());
      try (AgentProcess agent = AgentProcess.start("probes-nobroker", args, Map.of())) {
        awaitStatus(agent, port, "/health", 204, Duration.ofSeconds(20));
        awaitStatus(agent, port, "/ready", 503, Duration.ofSeconds(5));
        // Subscribing needs no broker; give it the moment it takes, then the answer must stay 503.
        await().atMost(Duration.ofSeconds(10)).until(() ->
            new JsonObject(AgentProcess.httpGet(port, "/ready").body()).getBoolean("subscribed", false));
        AgentProcess.HttpResult ready = AgentProcess.httpGet(port, "/ready");
        assertThat(ready.status()).isEqualTo(503);
        JsonObject body = new JsonObject(ready.body());
        assertThat(body.getString("component")).isEqualTo("kafka");
        assertThat(body.getBoolean("consumer_started")).isTrue();
        assertThat(body.getBoolean("subscribed")).isTrue();
        assertThat(body.getBoolean("assigned")).isFalse();
        assertThat(AgentProcess.httpGet(port, "/").body()).startsWith("ilagent/");

        agent.sigterm();
        assertThat(agent.awaitExit(Duration.ofSeconds(30))).as("clean exit without a broker").isZero();
      }
    }
  }

  @Test
  void probesTurn503WhenShutdownBeginsAndInFlightEventsStillFinish() {
    String topic = unique("probes");
    String group = unique("probes");
    kafka().createTopic(topic, 1);
    int port = freePort();
    try (IlertStandIn ilert = new IlertStandIn().start();
        AgentProcess agent = startReady("probes", daemon(group, ilert, "-e", topic, "-p", String.valueOf(port)), port)) {
      assertThat(AgentProcess.httpGet(port, "/health").status()).isEqualTo(204);
      ilert.latency(Duration.ofSeconds(4));
      kafka().send(topic, "k", event("il1apiprobes000000001", "ALERT", "in flight at SIGTERM", null));
      ilert.awaitAttempts(1, Duration.ofSeconds(20));

      agent.sigterm();
      awaitStatus(agent, port, "/health", 503, Duration.ofSeconds(3));
      AgentProcess.HttpResult ready = AgentProcess.httpGet(port, "/ready");
      assertThat(ready.status()).isEqualTo(503);
      assertThat(new JsonObject(ready.body()).getBoolean("shutting_down")).isTrue();

      assertThat(agent.awaitExit(Duration.ofSeconds(30))).isZero();
      assertThat(ilert.events()).extracting(r -> r.summary()).containsExactly("in flight at SIGTERM");
      assertThat(kafka().lag(group, topic)).as("the finished event was committed before exit").isZero();
    }
  }

  @Test
  void aBrandNewGroupSkipsOldHistoryButNothingProducedAfterReady() {
    String topic = unique("latest");
    String group = unique("latest");
    kafka().createTopic(topic, 3);
    for (int p = 0; p < 3; p++) {
      kafka().send(topic, p, "old", event("il1apilatest000000001", "ALERT", "stale history " + p, null));
    }
    int port = freePort();
    try (IlertStandIn ilert = new IlertStandIn().start()) {
      // The seed's default: no --kafka_offset_reset, so 'latest', as the original program.
      List<String> args = List.of("daemon", "--kafka_brokers", kafka().bootstrapServers(),
          "--kafka_group_id", group, "-e", topic, "-p", String.valueOf(port),
          "--api_url", ilert.apiUrl(), "--heartbeat_url", ilert.heartbeatUrl());
      try (AgentProcess agent = startReady("latest", args, port)) {
        for (int p = 0; p < 3; p++) {
          kafka().send(topic, p, "new", event("il1apilatest000000001", "ALERT", "after ready " + p, null));
        }
        ilert.awaitEvents(3, Duration.ofSeconds(20));
        kafka().awaitNoLag(group, topic, Duration.ofSeconds(15));
        assertThat(ilert.events()).extracting(r -> r.summary())
            .containsExactlyInAnyOrder("after ready 0", "after ready 1", "after ready 2");
        agent.sigterm();
        assertThat(agent.awaitExit(Duration.ofSeconds(30))).isZero();
      }
    }
  }
}
