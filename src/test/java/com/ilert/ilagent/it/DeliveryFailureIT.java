package com.ilert.ilagent.it;

import static com.ilert.ilagent.it.Events.event;
import static org.assertj.core.api.Assertions.assertThat;

import com.ilert.ilagent.ExitCodes;
import com.ilert.ilagent.testkit.AgentTest;
import com.ilert.ilagent.testkit.Fault;
import com.ilert.ilagent.testkit.IlertStandIn;
import com.ilert.ilagent.testkit.KafkaBroker;
import com.ilert.ilagent.testkit.RunningAgent;
import com.ilert.ilagent.testkit.TestAgents;
import java.time.Duration;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * The seed's promise: an event that cannot be delivered stays uncommitted and the agent exits
 * non-zero after a delay, so a restart policy brings it back and the record is delivered then.
 */
@AgentTest
class DeliveryFailureIT {
  private static final String KEY = "il1apioutage000000001";

  @Test
  void spentRetryBudgetExitsOneLeavesTheRecordUncommittedAndARestartDeliversIt(
      TestAgents agents, IlertStandIn ilert, KafkaBroker kafka) {
    String topic = agents.newTopic(1);
    String group = agents.group();
    TopicPartition tp = new TopicPartition(topic, 0);
    RecordMetadata before = kafka.send(topic, "k", event(KEY, "ALERT", "before the outage", null));
    RunningAgent agent =
        agents
            .daemon("-e", topic, "--retry_max_ms", "2000", "--exit_delay_ms", "1500")
            .name("first")
            .start();
    ilert.awaitEvents(1, Duration.ofSeconds(20));
    kafka.awaitNoLag(group, topic, Duration.ofSeconds(10));

    ilert.fault(Fault.status(503).forKey(KEY));
    RecordMetadata failing = kafka.send(topic, "k", event(KEY, "ALERT", "during the outage", null));
    long failedAt = System.nanoTime();
    kafka.send(topic, "k", event("il1apiotherkey0000002", "ALERT", "behind the failing one", null));

    int code = agent.awaitExit(Duration.ofSeconds(30));
    long exitedAfterMs = (System.nanoTime() - failedAt) / 1_000_000;
    assertThat(code).as("exit code after the retry budget is spent").isEqualTo(ExitCodes.FAILURE);
    assertThat(exitedAfterMs).as("retry budget plus exit delay").isGreaterThanOrEqualTo(3_000);
    assertThat(agent.log())
        .contains("offset=" + failing.offset() + ": event for key il1a****01 not delivered");
    assertThat(kafka.committedOffsets(group).get(tp))
        .as("the committed offset never passes the undelivered record")
        .isEqualTo(failing.offset());
    assertThat(
            ilert.attempts().stream()
                .filter(r -> KEY.equals(r.integrationKey()) && r.status() == 503)
                .count())
        .as("retried in-process before giving up")
        .isGreaterThan(2);
    assertThat(before.offset()).isLessThan(failing.offset());

    ilert.clearFaults();
    agents.daemon("-e", topic).name("restarted").start();
    ilert.awaitEvents(r -> "during the outage".equals(r.summary()), 1, Duration.ofSeconds(20));
    ilert.awaitEvents(r -> "behind the failing one".equals(r.summary()), 1, Duration.ofSeconds(20));
    kafka.awaitNoLag(group, topic, Duration.ofSeconds(15));
  }

  @Test
  void zeroRetryBudgetBehavesLikeTheOriginalProgram(
      TestAgents agents, IlertStandIn ilert, KafkaBroker kafka) {
    String topic = agents.newTopic(1);
    ilert.fault(Fault.status(500));
    RunningAgent agent =
        agents.start("-e", topic, "--retry_max_ms", "0", "--exit_delay_ms", "2000");
    kafka.send(topic, "k", event(KEY, "ALERT", "one try only", null));
    ilert.awaitAttempts(1, Duration.ofSeconds(20));
    long firstAttempt = System.nanoTime();
    assertThat(agent.awaitExit(Duration.ofSeconds(20))).isEqualTo(ExitCodes.FAILURE);
    assertThat((System.nanoTime() - firstAttempt) / 1_000_000)
        .as("exits after --exit_delay_ms")
        .isGreaterThanOrEqualTo(1_800);
    assertThat(ilert.attempts()).as("no in-process retry").hasSize(1);
    assertThat(
            kafka.committedOffsets(agents.group()).getOrDefault(new TopicPartition(topic, 0), 0L))
        .isZero();
    assertThat(ilert.events()).isEmpty();
  }
}
