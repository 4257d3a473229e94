package com.ilert.ilagent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.ilert.ilagent.testkit.AgentTest;
import com.ilert.ilagent.testkit.Fault;
import com.ilert.ilagent.testkit.IlertStandIn;
import com.ilert.ilagent.testkit.KafkaBroker;
import com.ilert.ilagent.testkit.Received;
import com.ilert.ilagent.testkit.RunningAgent;
import com.ilert.ilagent.testkit.TestAgents;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * The Rust program's HTTP API on -p: {@code POST /api/events} queues the event in the event topic
 * and the consumer sends it as it is to ilert's generic {@code POST /api/events}; {@code GET
 * /api/heartbeats/{key}} pings. What a script posting to the local agent sees, and what ilert gets.
 */
@AgentTest
class HttpApiIT {
  private static final String KEY = "il1apihttpapi00000001";
  private static final String HEARTBEAT = "hbmonitorhttpapi00001";
  private static final String TOKEN = "t0ken-of.the_http~api";

  record Answer(int status, String body) {}

  @Test
  void aPostedEventIsQueuedAndReachesIlertsGenericEndpointExactlyAsAnswered(
      TestAgents agents, IlertStandIn ilert, KafkaBroker kafka) {
    String topic = agents.newTopic(2);
    RunningAgent agent = agents.daemon("-e", topic).env("ILAGENT_HTTP_API_TOKEN", TOKEN).start();

    assertThat(post(agent, alert("no token"), null).status()).isEqualTo(401);
    assertThat(post(agent, alert("wrong token"), "not-" + TOKEN).status()).isEqualTo(401);
    Answer queued = post(agent, alert("disk full"), TOKEN);
    assertThat(queued.status()).as(queued.body()).isEqualTo(200);
    assertThat(queued.body())
        .isEqualTo(
            "{\"integrationKey\":\""
                + KEY
                + "\",\"eventType\":\"ALERT\",\"summary\":\"disk full\",\"details\":null,"
                + "\"alertKey\":\"db1-disk\",\"priority\":\"HIGH\",\"images\":null,"
                + "\"links\":[{\"href\":\"https://runbooks.example/disk\",\"text\":null}],"
                + "\"customDetails\":{\"free\":0.5}}");

    Received received = ilert.awaitEvents(1, Duration.ofSeconds(30)).get(0);
    assertThat(received.method() + " " + received.path()).isEqualTo("POST /api/events");
    assertThat(received.rawBody()).as("sent as it was queued").isEqualTo(queued.body());
    assertThat(received.headers().get("User-Agent")).startsWith("ilagent/");

    // The same alert's events keep their order: one key, one partition, one lane.
    assertThat(post(agent, event("ACCEPT", "taken"), TOKEN).status()).isEqualTo(200);
    assertThat(post(agent, event("RESOLVE", "freed"), TOKEN).status()).isEqualTo(200);
    assertThat(ilert.awaitEvents(3, Duration.ofSeconds(30)))
        .extracting(Received::eventType)
        .containsExactly("ALERT", "ACCEPT", "RESOLVE");
    kafka.awaitNoLag(agents.group(), topic, Duration.ofSeconds(30));
    assertThat(agent.log()).doesNotContain(TOKEN, KEY).contains("HTTP API: queued ALERT event");
  }

  @Test
  void aBodyTheRustProgramRefusesIsRefusedAndNothingIsQueued(
      TestAgents agents, IlertStandIn ilert, KafkaBroker kafka) {
    String topic = agents.newTopic(1);
    RunningAgent agent = agents.start("-e", topic);
    List<TopicPartition> partitions = List.of(new TopicPartition(topic, 0));

    assertThat(post(agent, "not json", null).status()).isEqualTo(400);
    assertThat(post(agent, "{\"details\":\"only details\"}", null).status()).isEqualTo(400);
    assertThat(post(agent, event("ALERT", null), null).status()).isEqualTo(400);
    assertThat(post(agent, event("PANIC", "s"), null))
        .isEqualTo(new Answer(400, "{\"error\":\"Unsupported value for field 'eventType'.\"}"));
    assertThat(post(agent, alert("s").replace("HIGH", "MEDIUM"), null))
        .isEqualTo(new Answer(400, "{\"error\":\"Unsupported value for field 'priority'.\"}"));
    String tooLarge = event("ALERT", "x".repeat(16_000));
    assertThat(post(agent, tooLarge, null).status()).isEqualTo(413);

    // A good one last: once it is delivered, none of the bad ones was queued before it.
    assertThat(post(agent, event("ALERT", "the only one"), null).status()).isEqualTo(200);
    assertThat(ilert.awaitEvents(1, Duration.ofSeconds(30)))
        .extracting(Received::summary)
        .containsExactly("the only one");
    assertThat(kafka.endOffsets(topic)).containsEntry(partitions.get(0), 1L);
  }

  @Test
  void anEventAnsweredRightBeforeAKillIsDeliveredAfterTheRestart(
      TestAgents agents, IlertStandIn ilert) {
    String topic = agents.newTopic(1);
    // ilert is away while the first agent runs: only the queue can carry the event over.
    ilert.fault(Fault.status(503).matching(Received::isEvent));
    RunningAgent first = agents.daemon("-e", topic).name("killed").start();
    Answer queued = post(first, alert("before the crash"), null);
    first.sigkill();
    assertThat(queued.status()).as(queued.body()).isEqualTo(200);

    ilert.clearFaults();
    agents.daemon("-e", topic).name("restarted").start();
    Received received = ilert.awaitEvents(1, Duration.ofSeconds(30)).get(0);
    assertThat(received.path()).isEqualTo("/api/events");
    assertThat(received.rawBody()).isEqualTo(queued.body());
  }

  @Test
  void heartbeatsArePingedThroughThePacingAndWithoutKafkaEventsHaveNowhereToGo(
      TestAgents agents, IlertStandIn ilert) {
    RunningAgent agent =
        agents
            .command(
                "daemon",
                "-v",
                "-v",
                "-b",
                HEARTBEAT,
                "--bind_address",
                "127.0.0.1",
                "--api_url",
                ilert.apiUrl(),
                "--heartbeat_url",
                ilert.heartbeatUrl())
            .withProbePort()
            .start();
    agent.awaitLog(
        "HTTP server listening on 127.0.0.1 port " + agent.port(), Duration.ofSeconds(5));
    ilert.awaitPings(1, Duration.ofSeconds(15)); // its own, at start

    String monitor = "hbmonitorhttpapi00002";
    assertThat(get(agent, "/api/heartbeats/" + monitor)).isEqualTo(new Answer(202, "{}"));
    assertThat(get(agent, "/api/heartbeats/" + monitor))
        .as("within the interval: carried by the next ping")
        .isEqualTo(new Answer(202, "{}"));
    assertThat(ilert.pings())
        .filteredOn(p -> p.path().endsWith(monitor))
        .extracting(r -> r.method() + " " + r.path())
        .containsExactly("HEAD /beat/pings/" + monitor);
    assertThat(agent.metrics())
        .contains("ilagent_heartbeat_pings_total{result=\"delivered\",source=\"api\"} 1.0")
        .contains("ilagent_heartbeat_pings_total{result=\"coalesced\",source=\"api\"} 1.0");

    ilert.fault(Fault.status(404).matching(Received::isPing));
    assertThat(get(agent, "/api/heartbeats/hbmonitorhttpapi00003"))
        .isEqualTo(new Answer(500, "Failed to proxy heartbeat"));

    Answer noTopic = post(agent, alert("nowhere to go"), null);
    assertThat(noTopic.status()).isEqualTo(404);
    assertThat(noTopic.body()).contains("no event topic");
  }

  private static String alert(String summary) {
    return "{\"apiKey\":\""
        + KEY
        + "\",\"eventType\":\"ALERT\",\"summary\":\""
        + summary
        + "\",\"alertKey\":\"db1-disk\",\"priority\":\"HIGH\",\"severity\":2,"
        + "\"links\":[{\"href\":\"https://runbooks.example/disk\"}],"
        + "\"customDetails\":{\"free\":0.5}}";
  }

  private static String event(String type, String summary) {
    return "{\"integrationKey\":\""
        + KEY
        + "\",\"eventType\":\""
        + type
        + "\",\"alertKey\":\"db1-disk\""
        + (summary == null ? "" : ",\"summary\":\"" + summary + "\"")
        + "}";
  }

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private static Answer post(RunningAgent agent, String json, String token) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.port() + "/api/events"))
            .timeout(Duration.ofSeconds(15))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return send(request.build());
  }

  private static Answer get(RunningAgent agent, String path) {
    return send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.port() + path))
            .timeout(Duration.ofSeconds(15))
            .GET()
            .build());
  }

  private static Answer send(HttpRequest request) {
    try {
      HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
      return new Answer(r.statusCode(), r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(request.method() + " " + request.uri() + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
