package com.ilert.ilagent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.ilert.ilagent.testkit.AgentTest;
import com.ilert.ilagent.testkit.IlertStandIn;
import com.ilert.ilagent.testkit.KafkaBroker;
import com.ilert.ilagent.testkit.Received;
import com.ilert.ilagent.testkit.RunningAgent;
import com.ilert.ilagent.testkit.TestAgents;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM in the middle of a backlog: exit 0, nothing committed that was not delivered, nothing
 * lost.
 */
@AgentTest
class ShutdownIT {
  private static final int EVENTS = 3_000;

  @Test
  void sigtermUnderLoadExitsZeroAndARestartDeliversTheRest(
      TestAgents agents, IlertStandIn ilert, KafkaBroker kafka) {
    String topic = agents.newTopic(3);
    String group = agents.group();
    List<ProducerRecord<String, String>> records = new ArrayList<>();
    for (int i = 0; i < EVENTS; i++) {
      String payload =
          new JsonObject()
              .put("integrationKey", "il1apisigterm00000001")
              .put("summary", "event " + i)
              .put("alertKey", "a-" + (i % 40))
              .encode();
      records.add(new ProducerRecord<>(topic, "a-" + (i % 40), payload));
    }
    kafka.sendAll(records);

    ilert.latency(5, 15);
    RunningAgent first = agents.daemon("-e", topic).name("first").start();
    ilert.awaitEvents(300, Duration.ofSeconds(60));
    first.stop();
    int deliveredBeforeRestart = ilert.events().size();
    assertThat(deliveredBeforeRestart).as("stopped mid-stream").isLessThan(EVENTS);

    // Every record below a committed offset must have reached ilert: commits never pass a pending
    // record.
    Set<String> delivered = summaries(ilert.events());
    Map<TopicPartition, Long> committed = kafka.committedOffsets(group);
    assertThat(committed).as("offsets were committed on the way out").isNotEmpty();
    Map<TopicPartition, List<Long>> offsetsOf = offsets(ilert.events());
    committed.forEach(
        (tp, next) -> {
          Set<Long> seen = new HashSet<>(offsetsOf.getOrDefault(tp, List.of()));
          for (long o = 0; o < next; o++) {
            assertThat(seen)
                .as("%s offset %d is committed, so it was delivered", tp, o)
                .contains(o);
          }
        });

    agents.daemon("-e", topic).name("restarted").start();
    kafka.awaitNoLag(group, topic, Duration.ofSeconds(60));
    Set<String> all = summaries(ilert.events());
    for (int i = 0; i < EVENTS; i++) {
      assertThat(all).as("event %d delivered", i).contains("event " + i);
    }
    int duplicates = ilert.events().size() - all.size();
    System.out.printf(
        "SIGTERM under load: %d of %d delivered before the restart, %d duplicates%n",
        deliveredBeforeRestart, EVENTS, duplicates);
    assertThat(duplicates).as("a graceful stop commits what it delivered: no redelivery").isZero();
    assertThat(first.log())
        .as("the final commit is the last one and succeeds")
        .doesNotContain("Commit of");
    assertThat(delivered).isNotEmpty();
  }

  private static Set<String> summaries(List<Received> events) {
    Set<String> result = new HashSet<>();
    events.forEach(r -> result.add(r.summary()));
    return result;
  }

  private static Map<TopicPartition, List<Long>> offsets(List<Received> events) {
    Map<TopicPartition, List<Long>> result = new HashMap<>();
    for (Received r : events) {
      JsonObject d = r.body().getJsonObject("customDetails");
      result
          .computeIfAbsent(
              new TopicPartition(d.getString("topic"), d.getInteger("partition")),
              k -> new ArrayList<>())
          .add(d.getLong("offset"));
    }
    return result;
  }
}
