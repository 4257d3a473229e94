package com.ilert.ilagent.it;

import static com.ilert.ilagent.it.Events.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.ilert.ilagent.ExitCodes;
import com.ilert.ilagent.testkit.AgentTest;
import com.ilert.ilagent.testkit.Fault;
import com.ilert.ilagent.testkit.IlertStandIn;
import com.ilert.ilagent.testkit.KafkaBroker;
import com.ilert.ilagent.testkit.Ports;
import com.ilert.ilagent.testkit.Received;
import com.ilert.ilagent.testkit.RunningAgent;
import com.ilert.ilagent.testkit.TestAgents;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;

/** What an operator relies on: the own heartbeat, structured logs, the one-shot commands. */
@AgentTest
class OperationsIT {
  private static final String OWN = "hbmonitorown00000001";
  private static final String KEY = "il1apioperations00001";
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void ownHeartbeatPingsAtStartAndEvery30sFailuresAreNotFatalAndJsonLogsParse(
      TestAgents agents, IlertStandIn ilert, KafkaBroker kafka) throws Exception {
    String topic = agents.newTopic(1);
    ilert.fault(Fault.status(500).forKey(OWN));
    RunningAgent agent = agents.start("-e", topic, "-b", OWN, "--log_format", "json");
    // The first ping goes out at start, fails for its 5 s retry budget: logged, counted, not fatal.
    List<Received> failed = ilert.awaitAttempts(1, Duration.ofSeconds(10));
    long firstPing = failed.get(0).receivedAtNanos();
    agent.awaitLog("Own heartbeat .* not pinged", Duration.ofSeconds(15));
    assertThat(agent.isAlive()).isTrue();
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                agent
                    .metrics()
                    .contains(
                        "ilagent_heartbeat_pings_total{result=\"failed\",source=\"own\"} 1.0"));

    ilert.clearFaults();
    RecordMetadata bad = kafka.send(topic, "k", "{not json");
    kafka.send(topic, "k", event(KEY, "ALERT", "still forwarding", null));
    ilert.awaitEvents(1, Duration.ofSeconds(20));

    List<Received> pings = ilert.awaitPings(1, Duration.ofSeconds(40));
    long periodMs = (pings.get(0).receivedAtNanos() - firstPing) / 1_000_000;
    assertThat(pings.get(0).method() + " " + pings.get(0).path())
        .isEqualTo("HEAD /beat/pings/" + OWN);
    assertThat(periodMs).as("the next ping comes 30 s after the first").isBetween(29_000L, 33_000L);
    assertThat(agent.metrics())
        .contains("ilagent_heartbeat_pings_total{result=\"delivered\",source=\"own\"} 1.0");

    List<JsonNode> lines = new ArrayList<>();
    for (String line : agent.log().split("\n")) {
      if (!line.isBlank()) {
        lines.add(JSON.readTree(line)); // every line is one JSON object
      }
    }
    assertThat(lines)
        .allSatisfy(
            l ->
                assertThat(
                        l.has("timestamp") && l.has("level") && l.has("logger") && l.has("message"))
                    .as("fields of %s", l)
                    .isTrue());
    JsonNode skip =
        lines.stream()
            .filter(l -> l.get("message").asText().contains("skipped (invalid_json)"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no skip line in " + agent.log()));
    assertThat(skip.get("level").asText()).isEqualTo("WARN");
    assertThat(skip.get("topic").asText()).isEqualTo(topic);
    assertThat(skip.get("partition").asInt()).isZero();
    assertThat(skip.get("offset").asLong()).isEqualTo(bad.offset());
    assertThat(agent.log()).doesNotContain(OWN, KEY);
  }

  @Test
  void oneShotCommandsSendOneRequestAndSayWhatIlertAnswered(TestAgents agents, IlertStandIn ilert) {
    ilert.fault(
        Fault.status(404)
            .message("No such alert source", "NOT_FOUND")
            .forKey("il1apiunknown0000009"));
    RunningAgent ok =
        agents
            .command(
                "event",
                "-k",
                KEY,
                "-t",
                "ALERT",
                "-s",
                "disk full",
                "-i",
                "db1/disk",
                "-o",
                "HIGH",
                "-d",
                "95% used",
                "-l",
                "https://runbooks.example/disk",
                "--api_url",
                ilert.apiUrl())
            .name("event-ok")
            .startWithoutWaiting();
    assertThat(ok.awaitExit(Duration.ofSeconds(30))).isEqualTo(ExitCodes.OK);
    assertThat(ok.log()).contains("ilert accepted the event");
    Received sent = ilert.awaitEvents(1, Duration.ofSeconds(5)).get(0);
    assertThat(sent.path()).isEqualTo("/api/events");
    assertThat(sent.body().getString("integrationKey")).isEqualTo(KEY);
    assertThat(sent.alertKey()).isEqualTo("db1/disk");
    assertThat(sent.body().getString("priority")).isEqualTo("HIGH");
    assertThat(sent.body().getJsonArray("links").getJsonObject(0).getString("href"))
        .isEqualTo("https://runbooks.example/disk");

    RunningAgent rejected =
        agents
            .command("event", "-k", "il1apiunknown0000009", "-s", "x", "--api_url", ilert.apiUrl())
            .name("event-404")
            .startWithoutWaiting();
    assertThat(rejected.awaitExit(Duration.ofSeconds(30))).isEqualTo(ExitCodes.FAILURE);
    assertThat(rejected.log())
        .contains("404")
        .contains("No such alert source")
        .doesNotContain("il1apiunknown0000009");

    RunningAgent ping =
        agents
            .command("heartbeat", "--heartbeat_url", ilert.heartbeatUrl())
            .env("ILERT_INTEGRATION_KEY", OWN)
            .name("heartbeat-ok")
            .startWithoutWaiting();
    assertThat(ping.awaitExit(Duration.ofSeconds(30))).isEqualTo(ExitCodes.OK);
    assertThat(ilert.awaitPings(1, Duration.ofSeconds(5)).get(0).path())
        .isEqualTo("/beat/pings/" + OWN);

    RunningAgent unreachable =
        agents
            .command(
                "event",
                "-k",
                KEY,
                "-s",
                "x",
                "--api_url",
                "http://127.0.0.1:" + Ports.freePort() + "/api")
            .name("event-unreachable")
            .startWithoutWaiting();
    assertThat(unreachable.awaitExit(Duration.ofSeconds(30))).isEqualTo(ExitCodes.FAILURE);
    assertThat(unreachable.log()).contains("cannot reach ilert");

    RunningAgent usage =
        agents.command("event", "-k", KEY, "-t", "PANIC").name("event-usage").startWithoutWaiting();
    assertThat(usage.awaitExit(Duration.ofSeconds(30))).isEqualTo(ExitCodes.USAGE);
    assertThat(usage.log()).contains("--event_type").doesNotContain("Exception");
  }
}
