package com.ilert.ilagent.it;

import static com.ilert.ilagent.it.Events.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.ilert.ilagent.ExitCodes;
import com.ilert.ilagent.testkit.AgentTest;
import com.ilert.ilagent.testkit.Fault;
import com.ilert.ilagent.testkit.IlertStandIn;
import com.ilert.ilagent.testkit.KafkaBroker;
import com.ilert.ilagent.testkit.Received;
import com.ilert.ilagent.testkit.RunningAgent;
import com.ilert.ilagent.testkit.TestAgents;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/**
 * A mixed stream of good, filtered and bad records: exactly the good events reach ilert, every bad
 * one lands in the dead-letter topic with headers saying why, lag ends at 0 and the agent runs on.
 */
@AgentTest
class BadInputIT {
  private static final String KEY = "il1apibadinput0000001";
  private static final String REJECTED_KEY = "il1apirejected0000002";

  @Test
  void mixedStreamDeliversTheGoodDeadLettersTheBadAndKeepsRunning(
      TestAgents agents, IlertStandIn ilert, KafkaBroker kafka) {
    String topic = agents.newTopic(1);
    String dlq = agents.newTopic("dlq", 1);

    // name → value; good ones carry "route":"pager" (the filter), the filtered one does not
    Map<String, byte[]> bad = new HashMap<>();
    bad.put(
        "invalid_json", utf8("{\"integrationKey\": \"" + KEY + "\", \"route\":\"pager\", summary"));
    bad.put(
        "not_utf8", new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'});
    bad.put("empty", new byte[0]);
    bad.put("not_object", utf8("[1,2,3]"));
    bad.put(
        "too_deep", utf8("{\"route\":\"pager\",\"x\":" + "[".repeat(500) + "]".repeat(500) + "}"));
    bad.put("missing_integration_key", utf8("{\"route\":\"pager\",\"summary\":\"no key\"}"));
    bad.put("unknown_event_type", utf8(route(event(KEY, "EXPLODE", "bad type", null))));
    bad.put(
        "unknown_priority",
        utf8(
            route(
                "{\"integrationKey\":\"" + KEY + "\",\"summary\":\"p\",\"priority\":\"URGENT\"}")));
    bad.put(
        "invalid_field",
        utf8(route("{\"integrationKey\":\"" + KEY + "\",\"summary\":\"s\",\"severity\":9}")));

    List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
    records.add(record(topic, "good-1", utf8(route(event(KEY, "ALERT", "good one", "a-1")))));
    bad.forEach((name, value) -> records.add(record(topic, name, value)));
    records.add(record(topic, "tombstone", null));
    records.add(record(topic, "filtered", utf8(event(KEY, "ALERT", "not for the pager", null))));
    records.add(
        record(
            topic, "rejected", utf8(route(event(REJECTED_KEY, "ALERT", "ilert says no", null)))));
    String big = "x".repeat(999_000);
    records.add(
        record(
            topic,
            "big",
            utf8(
                route(event(KEY, "ALERT", "one megabyte", null))
                    .replace("}", ",\"details\":\"" + big + "\"}"))));
    records.add(record(topic, "good-2", utf8(route(event(KEY, "RESOLVE", null, "a-1")))));
    records.get(0).headers().add("trace-id", utf8("t-123"));

    ilert.fault(Fault.status(422).message("Unprocessable", "REJECTED").forKey(REJECTED_KEY));
    RunningAgent agent =
        agents.start(
            "-e",
            topic,
            "--filter_key",
            "route",
            "--filter_val",
            "pager",
            "--dead_letter_topic",
            dlq,
            "--forward_headers");
    for (ProducerRecord<String, byte[]> r : records) {
      kafka.send(r);
    }
    kafka.awaitNoLag(agents.group(), topic, Duration.ofSeconds(30));

    List<Received> events = ilert.events();
    assertThat(events)
        .extracting(Received::summary)
        .containsExactlyInAnyOrder("good one", "one megabyte", null);
    assertThat(events)
        .filteredOn(r -> "a-1".equals(r.alertKey()))
        .extracting(Received::eventType)
        .containsExactly("ALERT", "RESOLVE");
    Received first =
        events.stream().filter(r -> "good one".equals(r.summary())).findFirst().orElseThrow();
    assertThat(
            first
                .body()
                .getJsonObject("customDetails")
                .getJsonObject("headers")
                .getString("trace-id"))
        .isEqualTo("t-123");
    Received big1mb =
        events.stream().filter(r -> "one megabyte".equals(r.summary())).findFirst().orElseThrow();
    assertThat(big1mb.body().getString("details")).hasSize(999_000);
    assertThat(agent.isAlive()).isTrue();

    Map<String, ConsumerRecord<String, byte[]>> letters = readAll(kafka, dlq, bad.size() + 2);
    assertThat(letters.keySet())
        .as("every bad record and the rejected one, not the filtered one")
        .containsExactlyInAnyOrderElementsOf(withExtra(bad.keySet(), "tombstone", "rejected"));
    bad.forEach(
        (name, value) -> {
          ConsumerRecord<String, byte[]> letter = letters.get(name);
          assertThat(letter.value()).as("original value of %s", name).isEqualTo(value);
          assertThat(header(letter, "ilagent.topic")).isEqualTo(topic);
          assertThat(header(letter, "ilagent.partition")).isEqualTo("0");
          assertThat(header(letter, "ilagent.offset")).isNotBlank();
          assertThat(header(letter, "ilagent.detail")).isNotBlank();
        });
    assertThat(header(letters.get("invalid_json"), "ilagent.reason")).isEqualTo("invalid_json");
    assertThat(header(letters.get("not_utf8"), "ilagent.reason")).isEqualTo("not_utf8");
    assertThat(header(letters.get("too_deep"), "ilagent.reason")).isEqualTo("invalid_json");
    assertThat(header(letters.get("tombstone"), "ilagent.reason")).isEqualTo("empty");
    assertThat(header(letters.get("unknown_priority"), "ilagent.reason"))
        .isEqualTo("unknown_priority");
    ConsumerRecord<String, byte[]> rejected = letters.get("rejected");
    assertThat(header(rejected, "ilagent.reason")).isEqualTo("rejected");
    assertThat(header(rejected, "ilagent.ilert.status")).isEqualTo("422");
    assertThat(header(rejected, "ilagent.ilert.answer")).contains("Unprocessable");

    String log = agent.log();
    for (String reason :
        List.of(
            "invalid_json",
            "not_utf8",
            "empty",
            "not_object",
            "missing_integration_key",
            "unknown_event_type",
            "unknown_priority",
            "invalid_field")) {
      assertThat(log)
          .as("a warning for %s", reason)
          .containsPattern(
              "WARN .*topic=" + topic + " partition=0 offset=\\d+: skipped \\(" + reason + "\\)");
    }
    assertThat(log).doesNotContain(KEY, REJECTED_KEY, big.substring(0, 100));

    String metrics = agent.metrics();
    assertThat(metrics)
        .contains("ilagent_records_skipped_total{reason=\"invalid_json\"} 2.0")
        .contains("ilagent_records_skipped_total{reason=\"filtered\"} 1.0")
        .contains("ilagent_records_skipped_total{reason=\"empty\"} 2.0")
        .contains("ilagent_records_skipped_total{reason=\"rejected\"} 1.0")
        .contains("ilagent_records_dead_lettered_total " + (bad.size() + 2) + ".0")
        .contains("ilagent_events_delivered_total 3.0")
        .containsPattern(
            "ilagent_records_consumed_total\\{topic=\"" + topic + "\"} " + records.size() + "\\.0");
  }

  @Test
  void aDeadLetterThatCannotBeWrittenLeavesTheRecordUncommittedAndExitsOne(
      TestAgents agents, IlertStandIn ilert, KafkaBroker kafka) {
    String topic = agents.newTopic(1);
    String missing = agents.topic("no-such-dlq"); // the broker does not create topics on demand
    RunningAgent agent =
        agents.start(
            "-e",
            topic,
            "--dead_letter_topic",
            missing,
            "--kafka_property",
            "max.block.ms=2000",
            "--exit_delay_ms",
            "500");
    RecordMetadata good =
        kafka.send(topic, "good", event(KEY, "ALERT", "before the bad one", null));
    ilert.awaitEvents(1, Duration.ofSeconds(20));
    kafka.awaitNoLag(agents.group(), topic, Duration.ofSeconds(10));
    RecordMetadata bad = kafka.send(topic, "bad", "not json at all");
    agent.assertExitCode(ExitCodes.FAILURE);
    assertThat(agent.log())
        .contains("offset=" + bad.offset() + ": cannot write to dead-letter topic " + missing);
    assertThat(kafka.committedOffsets(agents.group()).get(new TopicPartition(topic, 0)))
        .as("the bad record stays uncommitted")
        .isEqualTo(bad.offset());
    assertThat(good.offset()).isLessThan(bad.offset());
  }

  private static String route(String json) {
    return json.replaceFirst("\\{", "{\"route\":\"pager\",");
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static ProducerRecord<String, byte[]> record(String topic, String key, byte[] value) {
    return new ProducerRecord<>(topic, 0, key, value);
  }

  private static List<String> withExtra(java.util.Set<String> names, String... extra) {
    List<String> all = new ArrayList<>(names);
    all.addAll(List.of(extra));
    return all;
  }

  private static String header(ConsumerRecord<String, byte[]> r, String key) {
    Header h = r.headers().lastHeader(key);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  private static Map<String, ConsumerRecord<String, byte[]>> readAll(
      KafkaBroker kafka, String topic, int expected) {
    Properties p = kafka.clientProperties();
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    Map<String, ConsumerRecord<String, byte[]>> byKey = new HashMap<>();
    try (KafkaConsumer<String, byte[]> c =
        new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
      c.subscribe(List.of(topic));
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                c.poll(Duration.ofMillis(200)).forEach(r -> byKey.put(r.key(), r));
                return byKey.size() >= expected;
              });
    }
    return byKey;
  }
}
