package com.ilert.ilagent.it;

import static com.ilert.ilagent.it.Agents.event;
import static com.ilert.ilagent.it.Agents.freePort;
import static com.ilert.ilagent.it.Agents.kafka;
import static com.ilert.ilagent.it.Agents.startReady;
import static com.ilert.ilagent.it.Agents.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.ilert.ilagent.testkit.AgentProcess;
import com.ilert.ilagent.testkit.Fault;
import com.ilert.ilagent.testkit.IlertStandIn;
import com.ilert.ilagent.testkit.Received;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The edges of a partition's life: a restart before it saw a record, a hand-over during a retry. */
class PartitionLifeIT {
  private static final String KEY = "il1apipartitionlife01";

  /** The default reset ('latest') and a brand-new group, as a new user runs the agent. */
  private static List<String> latest(String group, IlertStandIn ilert, String topic, int port) {
    return List.of("daemon", "-v", "-v",
        "--kafka_brokers", kafka().bootstrapServers(),
        "--kafka_group_id", group,
        "-e", topic, "-p", String.valueOf(port),
        "--api_url", ilert.apiUrl(), "--heartbeat_url", ilert.heartbeatUrl());
  }

  @Test
  void recordsProducedWhileTheAgentIsDownAreDeliveredAfterARestartOnLatest() {
    String topic = unique("restart-latest");
    String group = unique("restart-latest");
    kafka().createTopic(topic, 3);
    try (IlertStandIn ilert = new IlertStandIn().start()) {
      int port = freePort();
      try (AgentProcess first = startReady("restart-latest-1", latest(group, ilert, topic, port), port)) {
        // Ready, and no partition has seen a record yet: then a rolling update stops it.
        first.sigterm();
        assertThat(first.awaitExit(Duration.ofSeconds(30))).isZero();
      }
      Set<String> produced = new HashSet<>();
      for (int i = 0; i < 30; i++) {
        kafka().send(topic, i % 3, "k" + i, event(KEY, "ALERT", "while down " + i, null));
        produced.add("while down " + i);
      }
      int port2 = freePort();
      try (AgentProcess second = startReady("restart-latest-2", latest(group, ilert, topic, port2), port2)) {
        List<Received> events = ilert.awaitEvents(30, Duration.ofSeconds(60));
        Set<String> delivered = new HashSet<>();
        events.forEach(e -> delivered.add(e.summary()));
        assertThat(delivered).as("every record produced while the agent was down").isEqualTo(produced);
        second.sigterm();
        assertThat(second.awaitExit(Duration.ofSeconds(30))).isZero();
      }
    }
  }

  @Test
  void aRetryWaitingWhenItsPartitionMovesNeverReopensTheResolvedAlert() {
    String topic = unique("hand-over");
    String group = unique("hand-over");
    kafka().createTopic(topic, 2);
    List<String> alerts = List.of("hand-over-0", "hand-over-1");
    try (IlertStandIn ilert = new IlertStandIn().start()) {
      // Each alert's first ALERT is answered 429 with a Retry-After long enough for a hand-over.
      ilert.fault(Fault.status(429).header("Retry-After", "12")
          .matching(r -> r.isEvent() && "ALERT".equals(r.eventType())).times(2));
      int port1 = freePort();
      AgentProcess first = startReady("hand-over-1",
          Agents.daemon(group, ilert, "-e", topic, "-p", String.valueOf(port1)), port1);
      try (first) {
        kafka().send(topic, 0, alerts.get(0), event(KEY, "ALERT", "alert 0", alerts.get(0)));
        kafka().send(topic, 1, alerts.get(1), event(KEY, "ALERT", "alert 1", alerts.get(1)));
        await().atMost(Duration.ofSeconds(20)).until(() ->
            ilert.attempts().stream().filter(r -> r.status() == 429).count() == 2);
        long limitedAt = System.nanoTime();

        // A second member joins while both ALERTs wait for their retry; then the RESOLVEs come.
        int port2 = freePort();
        try (AgentProcess second = startReady("hand-over-2",
            Agents.daemon(group, ilert, "-e", topic, "-p", String.valueOf(port2)), port2)) {
          kafka().send(topic, 0, alerts.get(0), event(KEY, "RESOLVE", null, alerts.get(0)));
          kafka().send(topic, 1, alerts.get(1), event(KEY, "RESOLVE", null, alerts.get(1)));

          for (String alert : alerts) {
            await().atMost(Duration.ofSeconds(60)).until(() -> lastAccepted(ilert, alert).equals("RESOLVE"));
          }
          // Past the Retry-After: nobody may send an ALERT again after its RESOLVE.
          long waitMs = Math.max(0, 14_000 - (System.nanoTime() - limitedAt) / 1_000_000);
          await().during(Duration.ofMillis(waitMs + 2_000)).atMost(Duration.ofMillis(waitMs + 10_000)).until(() ->
              alerts.stream().allMatch(a -> lastAccepted(ilert, a).equals("RESOLVE")));
          assertThat(first.isAlive()).as("the first member stays up").isTrue();
          assertThat(second.isAlive()).isTrue();
          for (String alert : alerts) {
            assertThat(accepted(ilert, alert)).as("alert %s", alert).containsExactly("ALERT", "RESOLVE");
          }
          second.sigterm();
          assertThat(second.awaitExit(Duration.ofSeconds(30))).isZero();
        }
        first.sigterm();
        assertThat(first.awaitExit(Duration.ofSeconds(30))).isZero();
      }
    }
  }

  private static List<String> accepted(IlertStandIn ilert, String alertKey) {
    List<String> types = new ArrayList<>();
    for (Received r : ilert.events()) {
      if (alertKey.equals(r.alertKey())) {
        types.add(r.eventType());
      }
    }
    return types;
  }

  private static String lastAccepted(IlertStandIn ilert, String alertKey) {
    List<String> types = accepted(ilert, alertKey);
    return types.isEmpty() ? "" : types.get(types.size() - 1);
  }
}
