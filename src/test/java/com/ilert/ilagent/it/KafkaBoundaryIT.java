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
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The agent at the Kafka boundary against the real broker: a cooperative rebalance while the
 * process-wide bound holds every partition paused, an extreme Retry-After, transactions, and
 * commits that carry the leader epoch.
 */
@AgentTest
class KafkaBoundaryIT {
  private static final String KEY = "il1apikafkaboundary01";
  private static final String COOPERATIVE =
      "partition.assignment.strategy=org.apache.kafka.clients.consumer.CooperativeStickyAssignor";

  /** Past the agent's process-wide bound of 10,000 records held. */
  private static final int BACKLOG = 14_000;

  @Test
  void aBacklogOverTheProcessBoundIsDeliveredThroughACooperativeRebalance(
      TestAgents agents, IlertStandIn ilert, KafkaBroker kafka) {
    String topic = agents.newTopic(6);
    ilert.fault(Fault.status(503)); // ilert is down: the first agent fills up and pauses
    List<ProducerRecord<String, String>> records = new ArrayList<>();
    for (int i = 0; i < BACKLOG; i++) {
      records.add(new ProducerRecord<>(topic, i % 6, "k" + i, event(KEY, "ALERT", "b" + i, null)));
    }
    kafka.sendAll(records);
    String[] flags = {"-e", topic, "--retry_max_ms", "600000", "--kafka_property", COOPERATIVE};
    RunningAgent first = agents.daemon(flags).name("first").start();
    await().atMost(Duration.ofSeconds(60)).until(() -> consumed(first, topic) >= 10_000);

    // A second member joins: the revoke drops the leaving partitions' queued records, which frees
    // room below the bound; only the partitions still assigned may resume.
    agents.daemon(flags).name("second").start();
    first.awaitLog("Revoked \\[", Duration.ofSeconds(60));
    ilert.clearFaults();

    Set<String> expected = new HashSet<>();
    for (int i = 0; i < BACKLOG; i++) {
      expected.add("b" + i);
    }
    await()
        .atMost(Duration.ofSeconds(180))
        .pollInterval(Duration.ofSeconds(1))
        .until(() -> delivered(ilert).containsAll(expected));
    kafka.awaitNoLag(agents.group(), topic, Duration.ofSeconds(60));
  }

  @Test
  void anEventAnswered429WithARetryAfterOfADayIsDeliveredWithinTwoMinutes(
      TestAgents agents, IlertStandIn ilert, KafkaBroker kafka) {
    String topic = agents.newTopic(1);
    // A proxy's or a WAF's answer: a day. ilert's own window is a minute.
    ilert.fault(
        Fault.status(429).header("Retry-After", "86400").matching(Received::isEvent).times(1));
    agents.start("-e", topic);
    long sent = System.nanoTime();
    kafka.send(topic, "k", event(KEY, "ALERT", "after a day's Retry-After", "waf"));

    List<Received> events = ilert.awaitEvents(1, Duration.ofSeconds(120));

    long ms = (System.nanoTime() - sent) / 1_000_000;
    assertThat(events.get(0).summary()).isEqualTo("after a day's Retry-After");
    assertThat(ms).as("the Retry-After was honoured, up to ilert's minute").isGreaterThan(55_000);
    assertThat(ilert.attempts().stream().filter(Received::isEvent).count())
        .as("one 429, then the delivery")
        .isEqualTo(2);
  }

  @Test
  void aCommittedTransactionIsDeliveredAnAbortedOneNotAndTheLagReachesZeroPastTheMarkers(
      TestAgents agents, IlertStandIn ilert, KafkaBroker kafka) {
    String topic = agents.newTopic(1);
    agents.start("-e", topic, "--kafka_property", "isolation.level=read_committed");
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, agents.unique("tx"));
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
      producer.initTransactions();
      producer.beginTransaction();
      for (int i = 0; i < 3; i++) {
        producer.send(
            new ProducerRecord<>(topic, "k", event(KEY, "ALERT", "committed " + i, null)));
      }
      producer.commitTransaction();
      producer.beginTransaction();
      for (int i = 0; i < 3; i++) {
        producer.send(new ProducerRecord<>(topic, "k", event(KEY, "ALERT", "aborted " + i, null)));
      }
      producer.abortTransaction(); // its records and its marker are the last offsets of the log
    }

    ilert.awaitEvents(3, Duration.ofSeconds(30));
    // The log's end lies past the abort marker: only a commit of the position past it reaches it.
    kafka.awaitNoLag(agents.group(), topic, Duration.ofSeconds(30));
    assertThat(delivered(ilert))
        .containsExactlyInAnyOrder("committed 0", "committed 1", "committed 2");
  }

  @Test
  void commitsCarryTheLeaderEpochAndARestartFromThemStartsWhereItLeftOff(
      TestAgents agents, IlertStandIn ilert, KafkaBroker kafka) {
    String topic = agents.newTopic(1);
    RunningAgent first = agents.start("-e", topic);
    for (int i = 0; i < 3; i++) {
      kafka.send(topic, "k", event(KEY, "ALERT", "before " + i, null));
    }
    ilert.awaitEvents(3, Duration.ofSeconds(30));
    kafka.awaitNoLag(agents.group(), topic, Duration.ofSeconds(30));

    OffsetAndMetadata committed = kafka.committed(agents.group()).get(new TopicPartition(topic, 0));
    assertThat(committed.offset()).isEqualTo(3);
    assertThat(committed.leaderEpoch())
        .as("the epoch lets the next member find a truncation below the commit (KIP-320)")
        .isPresent();

    first.sigterm();
    first.awaitExit(Duration.ofSeconds(30));
    kafka.send(topic, "k", event(KEY, "ALERT", "after", null));
    agents.start("-e", topic);

    ilert.awaitEvents(4, Duration.ofSeconds(30));
    kafka.awaitNoLag(agents.group(), topic, Duration.ofSeconds(30));
    assertThat(ilert.events().stream().map(Received::summary))
        .as("the client validated the commit's epoch with the broker and started at it")
        .containsExactly("before 0", "before 1", "before 2", "after");
  }

  private static Set<String> delivered(IlertStandIn ilert) {
    return ilert.events().stream().map(Received::summary).collect(Collectors.toSet());
  }

  private static long consumed(RunningAgent agent, String topic) {
    Matcher m =
        Pattern.compile(
                "ilagent_records_consumed_total\\{topic=\""
                    + Pattern.quote(topic)
                    + "\"} ([0-9.E]+)")
            .matcher(agent.metrics());
    return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
  }
}
