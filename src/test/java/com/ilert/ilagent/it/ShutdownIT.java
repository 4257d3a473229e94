package com.ilert.ilagent.it;

import static com.ilert.ilagent.it.Agents.daemon;
import static com.ilert.ilagent.it.Agents.freePort;
import static com.ilert.ilagent.it.Agents.kafka;
import static com.ilert.ilagent.it.Agents.produce;
import static com.ilert.ilagent.it.Agents.startReady;
import static com.ilert.ilagent.it.Agents.unique;
import static org.assertj.core.api.Assertions.assertThat;

import com.ilert.ilagent.testkit.AgentProcess;
import com.ilert.ilagent.testkit.IlertStandIn;
import com.ilert.ilagent.testkit.Received;
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

/** SIGTERM in the middle of a backlog: exit 0, nothing committed that was not delivered, nothing lost. */
class ShutdownIT {
  private static final int EVENTS = 3_000;

  @Test
  void sigtermUnderLoadExitsZeroAndARestartDeliversTheRest() {
    String topic = unique("sigterm");
    String group = unique("sigterm");
    kafka().createTopic(topic, 3);
    List<ProducerRecord<String, String>> records = new ArrayList<>();
    for (int i = 0; i < EVENTS; i++) {
      String payload = new JsonObject().put("integrationKey", "il1apisigterm00000001")
          .put("summary", "event " + i).put("alertKey", "a-" + (i % 40)).encode();
      records.add(new ProducerRecord<>(topic, "a-" + (i % 40), payload));
    }
    produce(topic, records);

    try (IlertStandIn ilert = new IlertStandIn().start()) {
      ilert.latency(5, 15);
      int port = freePort();
      AgentProcess first = startReady("sigterm-1", daemon(group, ilert, "-e", topic, "-p", String.valueOf(port)), port);
      ilert.awaitEvents(300, Duration.ofSeconds(60));
      first.sigterm();
      assertThat(first.awaitExit(Duration.ofSeconds(30))).as("exit code after SIGTERM").isZero();
      first.close();
      int deliveredBeforeRestart = ilert.events().size();
      assertThat(deliveredBeforeRestart).as("stopped mid-stream").isLessThan(EVENTS);

      // Every record below a committed offset must have reached ilert: commits never pass a pending record.
      Set<String> delivered = summaries(ilert.events());
      Map<TopicPartition, Long> committed = kafka().committedOffsets(group);
      assertThat(committed).as("offsets were committed on the way out").isNotEmpty();
      Map<TopicPartition, List<Long>> offsetsOf = offsets(ilert.events());
      committed.forEach((tp, next) -> {
        Set<Long> seen = new HashSet<>(offsetsOf.getOrDefault(tp, List.of()));
        for (long o = 0; o < next; o++) {
          assertThat(seen).as("%s offset %d is committed, so it was delivered", tp, o).contains(o);
        }
      });

      int port2 = freePort();
      try (AgentProcess second = startReady("sigterm-2", daemon(group, ilert, "-e", topic, "-p", String.valueOf(port2)), port2)) {
        kafka().awaitNoLag(group, topic, Duration.ofSeconds(60));
        Set<String> all = summaries(ilert.events());
        for (int i = 0; i < EVENTS; i++) {
          assertThat(all).as("event %d delivered", i).contains("event " + i);
        }
        int duplicates = ilert.events().size() - all.size();
        System.out.printf("SIGTERM under load: %d of %d delivered before the restart, %d duplicates%n",
            deliveredBeforeRestart, EVENTS, duplicates);
        assertThat(duplicates).as("a graceful stop commits what it delivered: no redelivery").isZero();
        assertThat(first.log()).as("the final commit is the last one and succeeds").doesNotContain("Commit of");
        second.sigterm();
        assertThat(second.awaitExit(Duration.ofSeconds(30))).isZero();
      }
      assertThat(delivered).isNotEmpty();
    }
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
      result.computeIfAbsent(new TopicPartition(d.getString("topic"), d.getInteger("partition")), k -> new ArrayList<>())
          .add(d.getLong("offset"));
    }
    return result;
  }
}
