package com.ilert.ilagent.it;

import static com.ilert.ilagent.it.Agents.daemon;
import static com.ilert.ilagent.it.Agents.event;
import static com.ilert.ilagent.it.Agents.freePort;
import static com.ilert.ilagent.it.Agents.kafka;
import static com.ilert.ilagent.it.Agents.startReady;
import static com.ilert.ilagent.it.Agents.unique;
import static org.assertj.core.api.Assertions.assertThat;

import com.ilert.ilagent.testkit.AgentProcess;
import com.ilert.ilagent.testkit.Fault;
import com.ilert.ilagent.testkit.IlertStandIn;
import com.ilert.ilagent.testkit.Received;
import java.time.Duration;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * The seed's promise: an event that cannot be delivered stays uncommitted and the agent exits
 * non-zero after a delay, so a restart policy brings it back and the record is delivered then.
 */
class DeliveryFailureIT {
  private static final String KEY = "il1apioutage000000001";

  @Test
  void spentRetryBudgetExitsOneLeavesTheRecordUncommittedAndARestartDeliversIt() {
    String topic = unique("outage");
    String group = unique("outage");
    kafka().createTopic(topic, 1);
    TopicPartition tp = new TopicPartition(topic, 0);
    try (IlertStandIn ilert = new IlertStandIn().start()) {
      int port = freePort();
      RecordMetadata before = kafka().send(topic, "k", event(KEY, "ALERT", "before the outage", null));
      AgentProcess agent = startReady("outage-1", daemon(group, ilert, "-e", topic, "-p", String.valueOf(port),
          "--retry_max_ms", "2000", "--exit_delay_ms", "1500"), port);
      ilert.awaitEvents(1, Duration.ofSeconds(20));
      kafka().awaitNoLag(group, topic, Duration.ofSeconds(10));

      ilert.fault(Fault.status(503).forKey(KEY));
      RecordMetadata failing = kafka().send(topic, "k", event(KEY, "ALERT", "during the outage", null));
      long failedAt = System.nanoTime();
      kafka().send(topic, "k", event("il1apiotherkey0000002", "ALERT", "behind the failing one", null));

      int code = agent.awaitExit(Duration.ofSeconds(30));
      long exitedAfterMs = (System.nanoTime() - failedAt) / 1_000_000;
      assertThat(code).as("exit code after the retry budget is spent").isEqualTo(1);
      assertThat(exitedAfterMs).as("retry budget plus exit delay").isGreaterThanOrEqualTo(3_000);
      assertThat(agent.log()).contains("offset=" + failing.offset() + ": event for key il1a****01 not delivered");
      assertThat(kafka().committedOffsets(group).get(tp))
          .as("the committed offset never passes the undelivered record")
          .isEqualTo(failing.offset());
      assertThat(ilert.attempts().stream().filter(r -> KEY.equals(r.integrationKey()) && r.status() == 503).count())
          .as("retried in-process before giving up").isGreaterThan(2);
      assertThat(before.offset()).isLessThan(failing.offset());

      ilert.clearFaults();
      int port2 = freePort();
      try (AgentProcess restarted = startReady("outage-2", daemon(group, ilert, "-e", topic, "-p", String.valueOf(port2)), port2)) {
        ilert.awaitEvents(r -> "during the outage".equals(r.summary()), 1, Duration.ofSeconds(20));
        ilert.awaitEvents(r -> "behind the failing one".equals(r.summary()), 1, Duration.ofSeconds(20));
        kafka().awaitNoLag(group, topic, Duration.ofSeconds(15));
        restarted.sigterm();
        assertThat(restarted.awaitExit(Duration.ofSeconds(30))).isZero();
      }
      agent.close();
    }
  }

  @Test
  void zeroRetryBudgetBehavesLikeTheOriginalProgram() {
    String topic = unique("noretry");
    String group = unique("noretry");
    kafka().createTopic(topic, 1);
    try (IlertStandIn ilert = new IlertStandIn().start()) {
      int port = freePort();
      ilert.fault(Fault.status(500));
      try (AgentProcess agent = startReady("noretry", daemon(group, ilert, "-e", topic, "-p", String.valueOf(port),
          "--retry_max_ms", "0", "--exit_delay_ms", "2000"), port)) {
        kafka().send(topic, "k", event(KEY, "ALERT", "one try only", null));
        ilert.awaitAttempts(1, Duration.ofSeconds(20));
        long firstAttempt = System.nanoTime();
        assertThat(agent.awaitExit(Duration.ofSeconds(20))).isEqualTo(1);
        assertThat((System.nanoTime() - firstAttempt) / 1_000_000)
            .as("exits after --exit_delay_ms").isGreaterThanOrEqualTo(1_800);
        assertThat(ilert.attempts()).as("no in-process retry").hasSize(1);
        assertThat(kafka().committedOffsets(group).getOrDefault(new TopicPartition(topic, 0), 0L)).isZero();
        assertThat(ilert.events()).isEmpty();
      }
    }
  }
}
