package com.ilert.ilagent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.ilert.ilagent.testkit.AgentTest;
import com.ilert.ilagent.testkit.Fault;
import com.ilert.ilagent.testkit.IlertStandIn;
import com.ilert.ilagent.testkit.KafkaBroker;
import com.ilert.ilagent.testkit.Received;
import com.ilert.ilagent.testkit.RunningAgent;
import com.ilert.ilagent.testkit.TestAgents;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The escalation-policy topic through the real jar and broker: a shift-planning system writes who
 * is on call at which level, and the agent sets that level's users in ilert.
 */
@AgentTest
class PolicyTopicIT {
  private static final String TOKEN = "il1apitokenpolicy0000000001";

  private static String shift(String email, Object shift, String location, String slot) {
    JsonObject data = new JsonObject();
    if (email != null) {
      data.put("email", email);
    }
    if (shift != null) {
      data.put("shift", shift);
    }
    JsonObject record = new JsonObject().put("data", data);
    if (location != null) {
      record.put("location", location);
    }
    if (slot != null) {
      record.put("slot", slot);
    }
    return record.encode();
  }

  @Test
  void levelsAreSetAsTheShiftRecordsSayAndBadRecordsAreSkipped(
      TestAgents agents, IlertStandIn ilert, KafkaBroker kafka) {
    String topic = agents.newTopic(1);
    String group = agents.group();
    ilert
        .requireApiToken(TOKEN)
        .user("jane@example.com", 99)
        .user("john@example.com", 7)
        .policy("powerplantthree50", 42, 0, 5, 10)
        .policy("plant2", 43, 3);
    RunningAgent agent =
        agents
            .daemon(
                "--policy_topic",
                topic,
                "--policy_routing_keys",
                "location,slot",
                "--shift_offset",
                "-1")
            .env("ILERT_API_KEY", "Bearer " + TOKEN)
            .start();
    kafka.send(topic, "a", shift("jane@example.com", 2, "powerplant", "three50")); // level 1
    kafka.send(topic, "b", shift("john@example.com", "3", "powerplant", "three50")); // level 2
    kafka.send(topic, "c", shift("jane@example.com", 1, "plant2", null)); // level 0, one field
    kafka.send(topic, "d", shift("jane@example.com", 1, "nowhere", "x")); // unknown routing key
    kafka.send(topic, "e", shift("nobody@example.com", 1, "plant2", "")); // unknown user
    kafka.send(topic, "f", shift(null, 1, "plant2", null)); // no e-mail
    List<Received> first = ilert.awaitLevelUpdates(3, Duration.ofSeconds(30));
    assertThat(first)
        .extracting(Received::path)
        .containsExactly(
            "/api/escalation-policies/42/levels/1",
            "/api/escalation-policies/42/levels/2",
            "/api/escalation-policies/43/levels/0");
    assertThat(first.get(0).body())
        .isEqualTo(new JsonObject("{\"escalationTimeout\":5,\"users\":[{\"id\":99}]}"));
    assertThat(first.get(1).body())
        .isEqualTo(new JsonObject("{\"escalationTimeout\":10,\"users\":[{\"id\":7}]}"));
    assertThat(first.get(2).body())
        .isEqualTo(new JsonObject("{\"escalationTimeout\":3,\"users\":[{\"id\":99}]}"));
    kafka.awaitNoLag(group, topic, Duration.ofSeconds(30));

    // An outage during an update: retried, and applied once it ends.
    ilert.fault(Fault.status(503).matching(Received::isPolicy).times(3));
    kafka.send(topic, "g", shift("john@example.com", 1, "plant2", null));
    List<Received> all = ilert.awaitLevelUpdates(4, Duration.ofSeconds(30));
    assertThat(all.get(3).path()).isEqualTo("/api/escalation-policies/43/levels/0");
    assertThat(all.get(3).body().getJsonArray("users").getJsonObject(0).getLong("id")).isEqualTo(7);
    kafka.awaitNoLag(group, topic, Duration.ofSeconds(30));

    assertThat(ilert.policyRequests())
        .as("every policy request carries the bearer token")
        .isNotEmpty()
        .allSatisfy(r -> assertThat(r.headers().get("Authorization")).isEqualTo("Bearer " + TOKEN));
    assertThat(ilert.policyRequests().stream().filter(r -> r.status() == 503)).hasSize(3);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(agent.metrics())
                    .contains("ilagent_policy_updates_total{result=\"updated\"} 4.0")
                    .contains("ilagent_policy_updates_total{result=\"rejected\"} 2.0")
                    .contains("ilagent_policy_updates_total{result=\"skipped\"} 1.0")
                    .contains("ilagent_records_skipped_total{reason=\"missing_email\"} 1.0"));
    String log = agent.log();
    assertThat(log)
        .contains("routing key nowhere")
        .contains("404")
        .doesNotContain(TOKEN)
        .doesNotContain("nobody@example.com");
  }
}
