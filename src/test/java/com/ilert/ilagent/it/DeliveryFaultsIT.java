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
import java.util.List;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * ilert's answers and faults, one agent for all cases: each case uses its own integration key, so
 * faults installed for one key never touch another. The agent and the stand-in belong to the class:
 * the agent is stopped, and must exit 0, after the last case.
 */
@AgentTest
class DeliveryFaultsIT {
  private static KafkaBroker kafka;
  private static IlertStandIn ilert;
  private static RunningAgent agent;
  private static String topic;
  private static String group;

  @BeforeAll
  static void start(TestAgents agents, IlertStandIn standIn, KafkaBroker broker) {
    ilert = standIn;
    kafka = broker;
    topic = agents.newTopic(3);
    group = agents.group();
    agent = agents.start("-e", topic, "--request_timeout_ms", "700");
  }

  @Test
  void permanentErrorsAreLoggedSkippedAndCommittedAndTheAgentGoesOn() {
    String rejected = "il1apirejected4000001";
    String unknown = "il1apiunknown40400002";
    // ilert's error text may quote the key: the agent logs the answer, never the key.
    ilert.fault(
        Fault.status(400)
            .message("Invalid event for /v1/events/kafka/" + rejected, "BAD_EVENT")
            .forKey(rejected));
    ilert.fault(Fault.status(404).message("Alert source not found", "NOT_FOUND").forKey(unknown));
    RecordMetadata bad =
        kafka.send(topic, 0, "bad", event(rejected, "ALERT", "rejected one", null));
    kafka.send(topic, 0, "gone", event(unknown, "ALERT", "unknown key", null));
    kafka.send(
        topic, 0, "good", event("il1apiafterreject0003", "ALERT", "after the rejects", null));

    ilert.awaitEvents(r -> "after the rejects".equals(r.summary()), 1, Duration.ofSeconds(20));
    agent.awaitLog(
        "topic="
            + topic
            + " partition=0 offset="
            + bad.offset()
            + ": event for key il1a\\*+01 rejected, skipped: ilert answered 400.*Invalid event",
        Duration.ofSeconds(10));
    agent.awaitLog(
        "partition=0 offset="
            + (bad.offset() + 1)
            + ": event .* rejected, skipped: ilert answered 404",
        Duration.ofSeconds(10));
    assertThat(attemptsFor(rejected)).as("a 400 is not retried").hasSize(1);
    assertThat(attemptsFor(unknown)).as("a 404 is not retried").hasSize(1);
    kafka.awaitNoLag(group, topic, Duration.ofSeconds(15));
    assertThat(agent.log()).doesNotContain(rejected, unknown);
  }

  @Test
  void serverErrorsTimeoutsAndDroppedConnectionsAreRetriedUntilDelivered() {
    String overloaded = "il1apioverloaded50301";
    String slow = "il1apislowtimeout00002";
    String dropped = "il1apidroppedconn0003";
    ilert.fault(Fault.status(503).forKey(overloaded).times(3));
    ilert.fault(Fault.hang().forKey(slow).times(2));
    ilert.fault(Fault.drop().forKey(dropped).times(2));
    kafka.send(topic, 1, "a", event(overloaded, "ALERT", "through 503s", null));
    kafka.send(topic, 1, "b", event(slow, "ALERT", "through timeouts", null));
    kafka.send(topic, 2, "c", event(dropped, "ALERT", "through resets", null));

    List<Received> delivered =
        ilert.awaitEvents(
            r -> List.of(overloaded, slow, dropped).contains(r.integrationKey()),
            3,
            Duration.ofSeconds(30));
    assertThat(delivered)
        .extracting(Received::summary)
        .containsExactlyInAnyOrder("through 503s", "through timeouts", "through resets");
    assertThat(attemptsFor(overloaded)).hasSize(4);
    assertThat(attemptsFor(slow)).hasSize(3);
    assertThat(attemptsFor(dropped)).hasSize(3);
    kafka.awaitNoLag(group, topic, Duration.ofSeconds(15));
  }

  @Test
  void tooManyRequestsHonoursRetryAfterForThatKeyWhileOtherKeysFlow() {
    String limited = "il1apiratelimited4291";
    String other = "il1apinotlimited00002";
    ilert.fault(Fault.status(429).header("Retry-After", "3").forKey(limited).times(1));
    kafka.send(topic, 2, "l1", event(limited, "ALERT", "limited", "rl-1"));
    awaitFirstAttempt(limited); // the 429 is answered before the other key's record exists
    kafka.send(topic, 2, "o1", event(other, "ALERT", "other key flows", null));

    Received otherDelivered =
        ilert.awaitEvents(r -> other.equals(r.integrationKey()), 1, Duration.ofSeconds(20)).get(0);
    Received limitedDelivered =
        ilert
            .awaitEvents(r -> limited.equals(r.integrationKey()), 1, Duration.ofSeconds(20))
            .get(0);
    List<Received> attempts = attemptsFor(limited);
    assertThat(attempts).hasSize(2);
    long waitedMs =
        (attempts.get(1).receivedAtNanos() - attempts.get(0).receivedAtNanos()) / 1_000_000;
    assertThat(waitedMs).as("the retry waits for Retry-After: 3").isGreaterThanOrEqualTo(2_900);
    assertThat(otherDelivered.receivedAtNanos())
        .as("another key is not held back by the 429")
        .isLessThan(limitedDelivered.receivedAtNanos());
    kafka.awaitNoLag(group, topic, Duration.ofSeconds(15));
  }

  private static void awaitFirstAttempt(String key) {
    await().atMost(Duration.ofSeconds(20)).until(() -> !attemptsFor(key).isEmpty());
  }

  private static List<Received> attemptsFor(String key) {
    return ilert.attempts().stream().filter(r -> key.equals(r.integrationKey())).toList();
  }
}
