package com.ilert.ilagent.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

class MissingTopicsTest {
  private final Map<String, Future<List<PartitionInfo>>> cluster = new HashMap<>();
  private final AtomicInteger changes = new AtomicInteger();
  private final MissingTopics check =
      new MissingTopics(
          null,
          List.of("events", "heartbeats", "shifts"),
          t -> cluster.getOrDefault(t, Future.succeededFuture(List.of())),
          changes::incrementAndGet);

  private static Future<List<PartitionInfo>> exists(String topic) {
    Node n = new Node(1, "localhost", 9092);
    return Future.succeededFuture(
        List.of(new PartitionInfo(topic, 0, n, new Node[] {n}, new Node[] {n})));
  }

  @Test
  void notReadyBeforeTheFirstRoundAnswered() {
    assertThat(check.allPresent()).isFalse();
    cluster.put("events", exists("events"));
    cluster.put("heartbeats", exists("heartbeats"));
    cluster.put("shifts", exists("shifts"));
    check.check();
    assertThat(check.allPresent()).isTrue();
    assertThat(check.missing()).isEmpty();
    assertThat(changes).as("the first round's end is a change of readiness").hasValue(1);
  }

  @Test
  void namesTheMissingTopicsInSubscriptionOrderUntilTheyAreCreated() {
    cluster.put("heartbeats", exists("heartbeats"));
    check.check();
    assertThat(check.missing()).containsExactly("events", "shifts");
    assertThat(check.allPresent()).isFalse();
    assertThat(check.json().encode()).isEqualTo("[\"events\",\"shifts\"]");

    cluster.put("events", exists("events"));
    cluster.put("shifts", exists("shifts"));
    int before = changes.get();
    check.check();
    assertThat(check.missing()).isEmpty();
    assertThat(check.allPresent()).isTrue();
    assertThat(changes.get() - before).as("one change per topic that appeared").isEqualTo(2);

    cluster.remove("shifts"); // deleted later
    check.check();
    assertThat(check.missing()).containsExactly("shifts");
  }

  @Test
  void aQuestionThatFailsEndsTheRoundTheTopicsKeepTheirVerdictAndRoundsAreSkipped() {
    check.check();
    assertThat(check.missing()).containsExactly("events", "heartbeats", "shifts");
    cluster.put("events", Future.failedFuture(new TimeoutException("no broker")));
    cluster.put("heartbeats", exists("heartbeats"));
    check.check();
    assertThat(check.missing())
        .as("the round ended at the failed question; nothing changed")
        .containsExactly("events", "heartbeats", "shifts");

    AtomicInteger asked = new AtomicInteger();
    MissingTopics counting =
        new MissingTopics(
            null,
            List.of("events", "heartbeats", "shifts"),
            t -> {
              asked.incrementAndGet();
              return cluster.getOrDefault(t, Future.succeededFuture(List.of()));
            },
            () -> {});
    counting.check();
    assertThat(asked).as("no question after the failed one").hasValue(1);
    for (int i = 0; i < MissingTopics.SKIP_AFTER_FAILURE; i++) {
      counting.check();
    }
    assertThat(asked).as("the rounds after a failure are skipped").hasValue(1);
    cluster.put("events", exists("events"));
    counting.check();
    assertThat(asked).hasValue(4);
    assertThat(counting.missing()).containsExactly("shifts");

    MissingTopics fresh =
        new MissingTopics(
            null,
            List.of("events"),
            t -> Future.failedFuture(new TimeoutException("no broker")),
            () -> {});
    fresh.check();
    assertThat(fresh.allPresent())
        .as("a topic the cluster could not be asked about is not reported missing")
        .isTrue();
  }
}
