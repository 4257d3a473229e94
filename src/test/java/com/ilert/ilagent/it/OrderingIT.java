package com.ilert.ilagent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.ilert.ilagent.testkit.AgentTest;
import com.ilert.ilagent.testkit.IlertStandIn;
import com.ilert.ilagent.testkit.KafkaBroker;
import com.ilert.ilagent.testkit.Received;
import com.ilert.ilagent.testkit.TestAgents;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * 1,000 events, random ilert latency, concurrent delivery: what must stay in order does. ilert
 * records events in the order it answered them; the agent sends the next event of an ordering key
 * only after the previous one was answered, so that order is the delivery order.
 */
@AgentTest
class OrderingIT {
  private static final int EVENTS = 1_000;
  private static final int ALERTS = 50;
  private static final String KEY = "il1apiordering0000001";

  @Test
  void eventsOfOneAlertArriveInOffsetOrder(
      TestAgents agents, IlertStandIn ilert, KafkaBroker kafka) {
    String topic = agents.newTopic(3);
    Random random = new Random(42);
    List<ProducerRecord<String, String>> records = new ArrayList<>();
    Map<String, Integer> seq = new HashMap<>();
    for (int i = 0; i < EVENTS; i++) {
      String alert = "alert-" + random.nextInt(ALERTS);
      int n = seq.merge(alert, 1, Integer::sum);
      // Record key = alertKey, so an alert's events share a partition and Kafka keeps their order.
      records.add(
          new ProducerRecord<>(topic, alert, payload(alert, n, i % 7 == 0 ? "RESOLVE" : "ALERT")));
    }
    kafka.sendAll(records);

    ilert.latency(0, 20);
    agents.start("-e", topic);
    List<Received> events = ilert.awaitEvents(EVENTS, Duration.ofSeconds(60));
    Map<String, List<Integer>> byAlert = new HashMap<>();
    for (Received r : events) {
      byAlert.computeIfAbsent(r.alertKey(), k -> new ArrayList<>()).add(sequence(r));
    }
    assertThat(byAlert).hasSize(ALERTS);
    byAlert.forEach(
        (alert, got) ->
            assertThat(got)
                .as("events of %s in the order they were produced", alert)
                .isSortedAccordingTo(Integer::compare)
                .doesNotHaveDuplicates()
                .hasSize(seq.get(alert)));
    assertThat(concurrency(events))
        .as("different alerts were delivered concurrently")
        .isGreaterThan(1);
    kafka.awaitNoLag(agents.group(), topic, Duration.ofSeconds(15));
  }

  @Test
  void partitionModeKeepsStrictPartitionOrder(
      TestAgents agents, IlertStandIn ilert, KafkaBroker kafka) {
    String topic = agents.newTopic(3);
    Random random = new Random(7);
    List<ProducerRecord<String, String>> records = new ArrayList<>();
    for (int i = 0; i < EVENTS; i++) {
      String alert = "alert-" + random.nextInt(ALERTS);
      records.add(new ProducerRecord<>(topic, i % 3, "k" + i, payload(alert, i, "ALERT")));
    }
    kafka.sendAll(records);

    ilert.latency(0, 10);
    agents.start("-e", topic, "--ordering", "partition");
    List<Received> events = ilert.awaitEvents(EVENTS, Duration.ofSeconds(90));
    Map<Integer, List<Long>> byPartition = new HashMap<>();
    for (Received r : events) {
      JsonObject details = r.body().getJsonObject("customDetails");
      byPartition
          .computeIfAbsent(details.getInteger("partition"), p -> new ArrayList<>())
          .add(details.getLong("offset"));
    }
    assertThat(byPartition).hasSize(3);
    byPartition.forEach(
        (partition, offsets) ->
            assertThat(offsets)
                .as("partition %d delivered in offset order", partition)
                .isSortedAccordingTo(Long::compare)
                .doesNotHaveDuplicates());
    kafka.awaitNoLag(agents.group(), topic, Duration.ofSeconds(15));
  }

  @Test
  void keyModeKeepsTheOrderOfEachRecordKey(
      TestAgents agents, IlertStandIn ilert, KafkaBroker kafka) {
    String topic = agents.newTopic(3);
    List<ProducerRecord<String, String>> records = new ArrayList<>();
    Map<String, Integer> seq = new HashMap<>();
    Random random = new Random(11);
    for (int i = 0; i < EVENTS; i++) {
      String recordKey = "device-" + random.nextInt(ALERTS);
      int n = seq.merge(recordKey, 1, Integer::sum);
      // No alertKey at all: only the record key orders these events.
      String payload =
          new JsonObject().put("integrationKey", KEY).put("summary", recordKey + " #" + n).encode();
      records.add(new ProducerRecord<>(topic, recordKey, payload));
    }
    kafka.sendAll(records);

    ilert.latency(0, 20);
    agents.start("-e", topic, "--ordering", "key");
    List<Received> events = ilert.awaitEvents(EVENTS, Duration.ofSeconds(60));
    Map<String, List<Integer>> byKey = new HashMap<>();
    for (Received r : events) {
      String summary = r.summary();
      byKey
          .computeIfAbsent(summary.substring(0, summary.indexOf(' ')), k -> new ArrayList<>())
          .add(sequence(r));
    }
    byKey.forEach(
        (key, got) ->
            assertThat(got)
                .as("events of record key %s in offset order", key)
                .isSortedAccordingTo(Integer::compare)
                .doesNotHaveDuplicates()
                .hasSize(seq.get(key)));
    assertThat(concurrency(events))
        .as("different keys were delivered concurrently")
        .isGreaterThan(1);
    kafka.awaitNoLag(agents.group(), topic, Duration.ofSeconds(15));
  }

  private static String payload(String alert, int n, String type) {
    return new JsonObject()
        .put("integrationKey", KEY)
        .put("eventType", type)
        .put("alertKey", alert)
        .put("summary", alert + " #" + n)
        .encode();
  }

  private static int sequence(Received r) {
    String s = r.summary();
    return Integer.parseInt(s.substring(s.indexOf('#') + 1));
  }

  /**
   * A lower bound of how many requests were open at once: events are listed in answer order, so an
   * earlier-listed event that arrived after event i was sent and answered while i was open.
   */
  private static int concurrency(List<Received> events) {
    int max = 1;
    for (int i = 1; i < events.size(); i++) {
      int open = 1;
      for (int j = i - 1; j >= 0 && j >= i - 100; j--) {
        if (events.get(j).receivedAtNanos() > events.get(i).receivedAtNanos()) {
          open++;
        }
      }
      max = Math.max(max, open);
    }
    return max;
  }
}
