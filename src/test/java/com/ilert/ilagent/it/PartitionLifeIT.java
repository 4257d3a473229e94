package com.ilert.ilagent.it;

import static com.ilert.ilagent.it.Events.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.ilert.ilagent.testkit.AgentTest;
import com.ilert.ilagent.testkit.Fault;
import com.ilert.ilagent.testkit.IlertStandIn;
import com.ilert.ilagent.testkit.KafkaBroker;
import com.ilert.ilagent.testkit.Received;
import com.ilert.ilagent.testkit.RunningAgent;
import com.ilert.ilagent.testkit.TestAgents;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The edges of a partition's life: a restart before it saw a record, a hand-over during a retry.
 */
@AgentTest
class PartitionLifeIT {
  private static final String KEY = "il1apipartitionlife01";

  @Test
  void recordsProducedWhileTheAgentIsDownAreDeliveredAfterARestartOnLatest(
      TestAgents agents, IlertStandIn ilert, KafkaBroker kafka) {
    String topic = agents.newTopic(3);
    // The default reset ('latest') and a brand-new group, as a new user runs the agent.
    RunningAgent first = agents.daemon("-e", topic).defaultOffsetReset().name("first").start();
    // Ready, and no partition has seen a record yet: then a rolling update stops it.
    first.stop();
    Set<String> produced = new HashSet<>();
    for (int i = 0; i < 30; i++) {
      kafka.send(topic, i % 3, "k" + i, event(KEY, "ALERT", "while down " + i, null));
      produced.add("while down " + i);
    }
    agents.daemon("-e", topic).defaultOffsetReset().name("restarted").start();
    List<Received> events = ilert.awaitEvents(30, Duration.ofSeconds(60));
    Set<String> delivered = new HashSet<>();
    events.forEach(e -> delivered.add(e.summary()));
    assertThat(delivered).as("every record produced while the agent was down").isEqualTo(produced);
  }

  @Test
  void aRetryWaitingWhenItsPartitionMovesNeverReopensTheResolvedAlert(
      TestAgents agents, IlertStandIn ilert, KafkaBroker kafka) {
    String topic = agents.newTopic(2);
    List<String> alerts = List.of("hand-over-0", "hand-over-1");
    // Each alert's first ALERT is answered 429 with a Retry-After long enough for a hand-over.
    ilert.fault(
        Fault.status(429)
            .header("Retry-After", "12")
            .matching(r -> r.isEvent() && "ALERT".equals(r.eventType()))
            .times(2));
    RunningAgent first = agents.daemon("-e", topic).name("first").start();
    kafka.send(topic, 0, alerts.get(0), event(KEY, "ALERT", "alert 0", alerts.get(0)));
    kafka.send(topic, 1, alerts.get(1), event(KEY, "ALERT", "alert 1", alerts.get(1)));
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> ilert.attempts().stream().filter(r -> r.status() == 429).count() == 2);
    long limitedAt = System.nanoTime();

    // A second member joins while both ALERTs wait for their retry; then the RESOLVEs come.
    RunningAgent second = agents.daemon("-e", topic).name("second").start();
    kafka.send(topic, 0, alerts.get(0), event(KEY, "RESOLVE", null, alerts.get(0)));
    kafka.send(topic, 1, alerts.get(1), event(KEY, "RESOLVE", null, alerts.get(1)));

    for (String alert : alerts) {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> lastAccepted(ilert, alert).equals("RESOLVE"));
    }
    // Past the Retry-After: nobody may send an ALERT again after its RESOLVE.
    long waitMs = Math.max(0, 14_000 - (System.nanoTime() - limitedAt) / 1_000_000);
    await()
        .during(Duration.ofMillis(waitMs + 2_000))
        .atMost(Duration.ofMillis(waitMs + 10_000))
        .until(() -> alerts.stream().allMatch(a -> lastAccepted(ilert, a).equals("RESOLVE")));
    assertThat(first.isAlive()).as("the first member stays up").isTrue();
    assertThat(second.isAlive()).isTrue();
    for (String alert : alerts) {
      assertThat(accepted(ilert, alert)).as("alert %s", alert).containsExactly("ALERT", "RESOLVE");
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
