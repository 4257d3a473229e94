package com.ilert.ilagent.it;

import static com.ilert.ilagent.it.Events.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.ilert.ilagent.ExitCodes;
import com.ilert.ilagent.testkit.AgentProcess;
import com.ilert.ilagent.testkit.AgentTest;
import com.ilert.ilagent.testkit.IlertStandIn;
import com.ilert.ilagent.testkit.KafkaBroker;
import com.ilert.ilagent.testkit.Ports;
import com.ilert.ilagent.testkit.RunningAgent;
import com.ilert.ilagent.testkit.TestAgents;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** /health and /ready as Kubernetes sees them, from start to exit. */
@AgentTest
class ProbesIT {

  @Test
  void readyIsNotReadyWhileTheBrokerCannotBeReached(TestAgents agents) {
    RunningAgent agent =
        agents
            .daemon("-e", "events-topic")
            .brokers("127.0.0.1:" + Ports.freePort())
            .startWithoutWaiting();
    agent.awaitStatus("/health", 204, Duration.ofSeconds(20));
    agent.awaitStatus("/ready", 503, Duration.ofSeconds(5));
    // Subscribing needs no broker; give it the moment it takes, then the answer must stay 503.
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> new JsonObject(agent.ready().body()).getBoolean("subscribed", false));
    AgentProcess.HttpResult ready = agent.ready();
    assertThat(ready.status()).isEqualTo(503);
    JsonObject body = new JsonObject(ready.body());
    assertThat(body.getString("component")).isEqualTo("kafka");
    assertThat(body.getBoolean("consumer_started")).isTrue();
    assertThat(body.getBoolean("subscribed")).isTrue();
    assertThat(body.getBoolean("assigned")).isFalse();
    assertThat(agent.get("/").body()).startsWith("ilagent/");
    agent.stop(); // a clean exit without a broker
  }

  @Test
  void probesTurn503WhenShutdownBeginsAndInFlightEventsStillFinish(
      TestAgents agents, IlertStandIn ilert, KafkaBroker kafka) {
    String topic = agents.newTopic(1);
    RunningAgent agent = agents.start("-e", topic);
    assertThat(agent.health().status()).isEqualTo(204);
    ilert.latency(Duration.ofSeconds(4));
    kafka.send(topic, "k", event("il1apiprobes000000001", "ALERT", "in flight at SIGTERM", null));
    ilert.awaitAttempts(1, Duration.ofSeconds(20));

    agent.sigterm();
    agent.awaitStatus("/health", 503, Duration.ofSeconds(3));
    AgentProcess.HttpResult ready = agent.ready();
    assertThat(ready.status()).isEqualTo(503);
    assertThat(new JsonObject(ready.body()).getBoolean("shutting_down")).isTrue();

    agent.assertExitCode(ExitCodes.OK);
    assertThat(ilert.events()).extracting(r -> r.summary()).containsExactly("in flight at SIGTERM");
    assertThat(kafka.lag(agents.group(), topic))
        .as("the finished event was committed before exit")
        .isZero();
  }

  @Test
  void aBrandNewGroupSkipsOldHistoryButNothingProducedAfterReady(
      TestAgents agents, IlertStandIn ilert, KafkaBroker kafka) {
    String topic = agents.newTopic(3);
    for (int p = 0; p < 3; p++) {
      kafka.send(
          topic, p, "old", event("il1apilatest000000001", "ALERT", "stale history " + p, null));
    }
    // The seed's default: no --kafka_offset_reset, so 'latest', as the original program.
    agents.daemon("-e", topic).defaultOffsetReset().start();
    for (int p = 0; p < 3; p++) {
      kafka.send(
          topic, p, "new", event("il1apilatest000000001", "ALERT", "after ready " + p, null));
    }
    ilert.awaitEvents(3, Duration.ofSeconds(20));
    kafka.awaitNoLag(agents.group(), topic, Duration.ofSeconds(15));
    assertThat(ilert.events())
        .extracting(r -> r.summary())
        .containsExactlyInAnyOrder("after ready 0", "after ready 1", "after ready 2");
  }
}
