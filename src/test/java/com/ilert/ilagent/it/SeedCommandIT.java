package com.ilert.ilagent.it;

import static com.ilert.ilagent.it.Events.event;
import static org.assertj.core.api.Assertions.assertThat;

import com.ilert.ilagent.testkit.AgentProcess;
import com.ilert.ilagent.testkit.AgentTest;
import com.ilert.ilagent.testkit.IlertStandIn;
import com.ilert.ilagent.testkit.KafkaBroker;
import com.ilert.ilagent.testkit.Received;
import com.ilert.ilagent.testkit.RunningAgent;
import com.ilert.ilagent.testkit.TestAgents;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The seed page's sample command, end to end: events and both heartbeat kinds, then SIGTERM. */
@AgentTest
class SeedCommandIT {
  private static final String EVENT_KEY = "il1api123456789abcdef";
  private static final String LEGACY_HEARTBEAT = "il1hbt987654321fedcba";
  private static final String MONITOR_HEARTBEAT = "hbmonitor5566778899aa";

  @Test
  void forwardsEventsAndHeartbeatsCommitsAndStopsCleanly(
      TestAgents agents, IlertStandIn ilert, KafkaBroker kafka) {
    String events = agents.newTopic("events", 3);
    String heartbeats = agents.newTopic("heartbeats", 1);
    String group = agents.group();
    RunningAgent agent = agents.start("-e", events, "-r", heartbeats);

    kafka.send(
        events,
        0,
        "m-0",
        "{\"integrationKey\":\""
            + EVENT_KEY
            + "\",\"eventType\":\"ALERT\",\"summary\":\"Hey from Kafka\"}");
    kafka.send(
        events,
        1,
        "m-1",
        "{\"apiKey\":\""
            + EVENT_KEY
            + "\",\"summary\":\"alias key\",\"priority\":\"HIGH\",\"details\":\"d\"}");
    kafka.send(events, 2, "m-2", event(EVENT_KEY, "ALERT", "disk full", "host-1/disk"));
    kafka.send(events, 2, "m-3", event(EVENT_KEY, "RESOLVE", null, "host-1/disk"));
    kafka.send(heartbeats, "h-1", "{\"integrationKey\":\"" + LEGACY_HEARTBEAT + "\"}");
    kafka.send(heartbeats, "h-2", "{\"integrationKey\":\"" + MONITOR_HEARTBEAT + "\"}");

    List<Received> received = ilert.awaitEvents(4, Duration.ofSeconds(30));
    assertThat(received)
        .allSatisfy(
            r -> {
              assertThat(r.method()).isEqualTo("POST");
              assertThat(r.path()).isEqualTo("/api/v1/events/kafka/" + EVENT_KEY);
              assertThat(r.headers().get("User-Agent")).startsWith("ilagent/");
              assertThat(r.body().getString("integrationKey")).isEqualTo(EVENT_KEY);
            });
    Received first = only(received, "Hey from Kafka");
    assertThat(first.eventType()).isEqualTo("ALERT");
    JsonObject details = first.body().getJsonObject("customDetails");
    assertThat(details.getString("messageKey")).isEqualTo("m-0");
    assertThat(details.getString("topic")).isEqualTo(events);
    Received alias = only(received, "alias key");
    assertThat(alias.eventType()).as("eventType defaults to ALERT").isEqualTo("ALERT");
    assertThat(alias.body().getString("priority")).isEqualTo("HIGH");
    assertThat(alias.body().getString("details")).isEqualTo("d");
    assertThat(received)
        .filteredOn(r -> "host-1/disk".equals(r.alertKey()))
        .extracting(Received::eventType)
        .as("one alert's events in offset order")
        .containsExactly("ALERT", "RESOLVE");

    List<Received> pings = ilert.awaitPings(2, Duration.ofSeconds(30));
    assertThat(pings)
        .extracting(r -> r.method() + " " + r.path())
        .containsExactlyInAnyOrder(
            "GET /api/heartbeats/" + LEGACY_HEARTBEAT, "HEAD /beat/pings/" + MONITOR_HEARTBEAT);

    kafka.awaitNoLag(group, events, Duration.ofSeconds(15));
    kafka.awaitNoLag(group, heartbeats, Duration.ofSeconds(15));

    AgentProcess.HttpResult root = agent.get("/");
    assertThat(root.status()).isEqualTo(200);
    assertThat(root.body()).startsWith("ilagent/");

    agent.stop();
    assertThat(agent.log())
        .as("integration keys never appear in clear in the log")
        .doesNotContain(EVENT_KEY, LEGACY_HEARTBEAT, MONITOR_HEARTBEAT)
        .contains("Shutting down");
  }

  private static Received only(List<Received> received, String summary) {
    List<Received> matching = received.stream().filter(r -> summary.equals(r.summary())).toList();
    assertThat(matching).as("events with summary '%s'", summary).hasSize(1);
    return matching.get(0);
  }
}
