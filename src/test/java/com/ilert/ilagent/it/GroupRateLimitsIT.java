package com.ilert.ilagent.it;

import static com.ilert.ilagent.it.Events.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.ilert.ilagent.testkit.AgentTest;
import com.ilert.ilagent.testkit.Fault;
import com.ilert.ilagent.testkit.IlertStandIn;
import com.ilert.ilagent.testkit.KafkaBroker;
import com.ilert.ilagent.testkit.TestAgents;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * Two agents in one consumer group share ilert's limits (here a sliding window per key, as ilert
 * may count): each takes its part, dealt by the partitions it consumes, so together they stay under
 * the limit and drain a backlog as one agent would.
 */
@AgentTest
class GroupRateLimitsIT {
  private static final int KEYS = 4;
  private static final int PER_KEY = 60;

  /**
   * 4 keys x 60 events spread over 4 partitions, 12 per key and 3 s window: the ideal from the
   * first answer is 4 more windows, 12 s.
   */
  @Test
  void twoMembersToldTheLimitsStayUnderThemTogether(
      TestAgents agents, IlertStandIn ilert, KafkaBroker kafka) {
    String topic = limitedTopic(agents, ilert);
    for (int a = 0; a < 2; a++) {
      agents
          .daemon("--rate_limit_key", "12", "-e", topic)
          .jvmOptions("-Dilagent.rate_limit_window_ms=3000")
          .start();
    }
    awaitMembers(kafka, agents.group(), 2, 4);
    backlog(kafka, topic, KEYS);

    RateLimitsIT.Drained d = RateLimitsIT.drained(ilert, KEYS * PER_KEY, Duration.ofSeconds(90));
    assertThat(d.answered429()).as("429 answers of 240 events").isLessThanOrEqualTo(3);
    assertThat(d.seconds()).as("drain after the first answer, ideal 12 s").isLessThan(1.3 * 12);
    assertThat(agents.agents())
        .allSatisfy(
            a ->
                assertThat(a.log())
                    .as("each paces by its part")
                    .contains("Rate limits shared with the consumer group")
                    .contains("per-key limits 2 of 4 partitions"));
  }

  /** A topic of 4 partitions; the stand-in limits 12 per key in a 3 s sliding window. */
  private static String limitedTopic(TestAgents agents, IlertStandIn ilert) {
    ilert.fault(
        Fault.eventRateLimit(12, Duration.ofSeconds(3)).slidingWindow().retryAfterUntilReset());
    return agents.newTopic(4);
  }

  private static void awaitMembers(KafkaBroker kafka, String group, int members, int partitions) {
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              Map<String, Set<TopicPartition>> a = kafka.groupAssignment(group);
              return a.size() == members
                  && a.values().stream().mapToInt(Set::size).sum() == partitions;
            });
  }

  /** Each key's records go round the partitions: every member has its part of every key. */
  private static void backlog(KafkaBroker kafka, String topic, int keys) {
    List<ProducerRecord<String, String>> records = new ArrayList<>();
    for (int i = 0; i < PER_KEY; i++) {
      for (int k = 0; k < keys; k++) {
        String key = "il1apigrouplimits0" + k;
        records.add(
            new ProducerRecord<>(
                topic, (i + k) % 4, key + "-" + i, event(key, "ALERT", key + " " + i, null)));
      }
    }
    kafka.sendAll(records);
  }
}
