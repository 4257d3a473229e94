package com.ilert.ilagent.it;

import static com.ilert.ilagent.it.Agents.daemon;
import static com.ilert.ilagent.it.Agents.event;
import static com.ilert.ilagent.it.Agents.freePort;
import static com.ilert.ilagent.it.Agents.kafka;
import static com.ilert.ilagent.it.Agents.startReady;
import static com.ilert.ilagent.it.Agents.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.ilert.ilagent.testkit.AgentProcess;
import com.ilert.ilagent.testkit.Fault;
import com.ilert.ilagent.testkit.IlertStandIn;
import com.ilert.ilagent.testkit.Received;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;

/** What an operator relies on: the own heartbeat, structured logs, the one-shot commands. */
class OperationsIT {
  private static final String OWN = "hbmonitorown00000001";
  private static final String KEY = "il1apioperations00001";
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void ownHeartbeatPingsAtStartAndEvery30sFailuresAreNotFatalAndJsonLogsParse() throws Exception {
    String topic = unique("ops");
    String group = unique("ops");
    kafka().createTopic(topic, 1);
    int port = freePort();
    try (IlertStandIn ilert = new IlertStandIn().start()) {
      ilert.fault(Fault.status(500).forKey(OWN));
      try (AgentProcess agent = startReady("ops", daemon(group, ilert, "-e", topic, "-p", String.valueOf(port),
          "-b", OWN, "--log_format", "json"), port)) {
        // The first ping goes out at start, fails for its 5 s retry budget: logged, counted, not fatal.
        List<Received> failed = ilert.awaitAttempts(1, Duration.ofSeconds(10));
        long firstPing = failed.get(0).receivedAtNanos();
        agent.awaitLog("Own heartbeat .* not pinged", Duration.ofSeconds(15));
        assertThat(agent.isAlive()).isTrue();
        await().atMost(Duration.ofSeconds(5)).until(() -> AgentProcess.httpGet(port, "/metrics").body()
            .contains("ilagent_heartbeat_pings_total{result=\"failed\",source=\"own\"} 1.0"));

        ilert.clearFaults();
        RecordMetadata bad = kafka().send(topic, "k", "{not json");
        kafka().send(topic, "k", event(KEY, "ALERT", "still forwarding", null));
        ilert.awaitEvents(1, Duration.ofSeconds(20));

        List<Received> pings = ilert.awaitPings(1, Duration.ofSeconds(40));
        long periodMs = (pings.get(0).receivedAtNanos() - firstPing) / 1_000_000;
        assertThat(pings.get(0).method() + " " + pings.get(0).path()).isEqualTo("HEAD /beat/pings/" + OWN);
        assertThat(periodMs).as("the next ping comes 30 s after the first").isBetween(29_000L, 33_000L);
        assertThat(AgentProcess.httpGet(port, "/metrics").body())
            .contains("ilagent_heartbeat_pings_total{result=\"delivered\",source=\"own\"} 1.0");

        List<JsonNode> lines = new ArrayList<>();
        for (String line : agent.log().split("\n")) {
          if (!line.isBlank()) {
            lines.add(JSON.readTree(line)); // every line is one JSON object
          }
        }
        assertThat(lines).allSatisfy(l -> assertThat(l.has("timestamp") && l.has("level") && l.has("logger")
            && l.has("message")).as("fields of %s", l).isTrue());
        JsonNode skip = lines.stream().filter(l -> l.get("message").asText().contains("skipped (invalid_json)"))
            .findFirst().orElseThrow(() -> new AssertionError("no skip line in " + agent.log()));
        assertThat(skip.get("level").asText()).isEqualTo("WARN");
        assertThat(skip.get("topic").asText()).isEqualTo(topic);
        assertThat(skip.get("partition").asInt()).isZero();
        assertThat(skip.get("offset").asLong()).isEqualTo(bad.offset());
        assertThat(agent.log()).doesNotContain(OWN, KEY);

        agent.sigterm();
        assertThat(agent.awaitExit(Duration.ofSeconds(30))).isZero();
      }
    }
  }

  @Test
  void oneShotCommandsSendOneRequestAndSayWhatIlertAnswered() {
    try (IlertStandIn ilert = new IlertStandIn().start()) {
      ilert.fault(Fault.status(404).message("No such alert source", "NOT_FOUND").forKey("il1apiunknown0000009"));
      AgentProcess ok = AgentProcess.start("event-ok", List.of("event", "-k", KEY, "-t", "ALERT", "-s", "disk full",
          "-i", "db1/disk", "-o", "HIGH", "-d", "95% used", "-l", "https://runbooks.example/disk",
          "--api_url", ilert.apiUrl()), Map.of());
      assertThat(ok.awaitExit(Duration.ofSeconds(30))).isZero();
      assertThat(ok.log()).contains("ilert accepted the event");
      Received sent = ilert.awaitEvents(1, Duration.ofSeconds(5)).get(0);
      assertThat(sent.path()).isEqualTo("/api/events");
      assertThat(sent.body().getString("integrationKey")).isEqualTo(KEY);
      assertThat(sent.alertKey()).isEqualTo("db1/disk");
      assertThat(sent.body().getString("priority")).isEqualTo("HIGH");
      assertThat(sent.body().getJsonArray("links").getJsonObject(0).getString("href")).isEqualTo("https://runbooks.example/disk");

      AgentProcess rejected = AgentProcess.start("event-404", List.of("event", "-k", "il1apiunknown0000009",
          "-s", "x", "--api_url", ilert.apiUrl()), Map.of());
      assertThat(rejected.awaitExit(Duration.ofSeconds(30))).isEqualTo(1);
      assertThat(rejected.log()).contains("404").contains("No such alert source").doesNotContain("il1apiunknown0000009");

      AgentProcess ping = AgentProcess.start("heartbeat-ok", List.of("heartbeat", "--heartbeat_url", ilert.heartbeatUrl()),
          Map.of("ILERT_INTEGRATION_KEY", OWN));
      assertThat(ping.awaitExit(Duration.ofSeconds(30))).isZero();
      assertThat(ilert.awaitPings(1, Duration.ofSeconds(5)).get(0).path()).isEqualTo("/beat/pings/" + OWN);

      AgentProcess unreachable = AgentProcess.start("event-unreachable", List.of("event", "-k", KEY, "-s", "x",
          "--api_url", "http://127.0.0.1:" + freePort() + "/api"), Map.of());
      assertThat(unreachable.awaitExit(Duration.ofSeconds(30))).isEqualTo(1);
      assertThat(unreachable.log()).contains("cannot reach ilert");

      AgentProcess usage = AgentProcess.start("event-usage", List.of("event", "-k", KEY, "-t", "PANIC"), Map.of());
      assertThat(usage.awaitExit(Duration.ofSeconds(30))).isEqualTo(2);
      assertThat(usage.log()).contains("--event_type").doesNotContain("Exception");
    }
  }
}
