package com.ilert.ilagent.it;

import static com.ilert.ilagent.it.Agents.daemon;
import static com.ilert.ilagent.it.Agents.event;
import static com.ilert.ilagent.it.Agents.freePort;
import static com.ilert.ilagent.it.Agents.kafka;
import static com.ilert.ilagent.it.Agents.startReady;
import static com.ilert.ilagent.it.Agents.unique;
import static org.assertj.core.api.Assertions.assertThat;

import com.ilert.ilagent.testkit.AgentProcess;
import com.ilert.ilagent.testkit.IlertStandIn;
import com.ilert.ilagent.testkit.Received;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The seed page's sample command, end to end: events and both heartbeat kinds, then SIGTERM. */
class SeedCommandIT {
  private static final String EVENT_KEY = "il1api123456789abcdef";
  private static final String LEGACY_HEARTBEAT = "il1hbt987654321fedcba";
  private static final String MONITOR_HEARTBEAT = "hbmonitor5566778899aa";

  @Test
  void forwardsEventsAndHeartbeatsCommitsAndStopsCleanly() {
    String events = unique("events-topic");
    String heartbeats = unique("heartbeats-topic");
    String group = unique("ilagent");
    kafka().createTopic(events, 3);
    kafka().createTopic(heartbeats, 1);
    int port = freePort();
    try (IlertStandIn ilert = new IlertStandIn().start();
        AgentProcess agent =
            startReady("seed", daemon(group, ilert, "-e", events, "-r", heartbeats, "-p", String.valueOf(port)), port)) {

      kafka().send(events, 0, "m-0", "{\"integrationKey\":\"" + EVENT_KEY + "\",\"eventType\":\"ALERT\",\"summary\":\"Hey from Kafka\"}");
      kafka().send(events, 1, "m-1", "{\"apiKey\":\"" + EVENT_KEY + "\",\"summary\":\"alias key\",\"priority\":\"HIGH\",\"details\":\"d\"}");
      kafka().send(events, 2, "m-2", event(EVENT_KEY, "ALERT", "disk full", "host-1/disk"));
      kafka().send(events, 2, "m-3", event(EVENT_KEY, "RESOLVE", null, "host-1/disk"));
      kafka().send(heartbeats, "h-1", "{\"integrationKey\":\"" + LEGACY_HEARTBEAT + "\"}");
      kafka().send(heartbeats, "h-2", "{\"integrationKey\":\"" + MONITOR_HEARTBEAT + "\"}");

      List<Received> received = ilert.awaitEvents(4, Duration.ofSeconds(30));
      assertThat(received).allSatisfy(r -> {
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
      assertThat(received).filteredOn(r -> "host-1/disk".equals(r.alertKey()))
          .extracting(Received::eventType).as("one alert's events in offset order").containsExactly("ALERT", "RESOLVE");

      List<Received> pings = ilert.awaitPings(2, Duration.ofSeconds(30));
      assertThat(pings).extracting(r -> r.method() + " " + r.path()).containsExactlyInAnyOrder(
          "GET /api/heartbeats/" + LEGACY_HEARTBEAT,
          "HEAD /beat/pings/" + MONITOR_HEARTBEAT);

      kafka().awaitNoLag(group, events, Duration.ofSeconds(15));
      kafka().awaitNoLag(group, heartbeats, Duration.ofSeconds(15));

      AgentProcess.HttpResult root = AgentProcess.httpGet(port, "/");
      assertThat(root.status()).isEqualTo(200);
      assertThat(root.body()).startsWith("ilagent/");

      agent.sigterm();
      assertThat(agent.awaitExit(Duration.ofSeconds(30))).as("exit code after SIGTERM").isZero();
      assertThat(agent.log())
          .as("integration keys never appear in clear in the log")
          .doesNotContain(EVENT_KEY, LEGACY_HEARTBEAT, MONITOR_HEARTBEAT)
          .contains("Shutting down");
    }
  }

  private static Received only(List<Received> received, String summary) {
    List<Received> matching = received.stream().filter(r -> summary.equals(r.summary())).toList();
    assertThat(matching).as("events with summary '%s'", summary).hasSize(1);
    return matching.get(0);
  }
}
