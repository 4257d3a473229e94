package com.ilert.ilagent.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.junit.jupiter.api.Test;

/** The rebalance callbacks on the consumer's thread, against Kafka's own MockConsumer. */
class RebalanceBridgeTest {
  private static final TopicPartition P0 = new TopicPartition("events", 0);
  private static final TopicPartition P1 = new TopicPartition("events", 1);

  /** Records what the event loop would have been told, and answers revokes as configured. */
  static final class Recorder implements RebalanceBridge.Lifecycle {
    final List<Map<TopicPartition, RebalanceBridge.Start>> assigned = new ArrayList<>();
    final List<Set<TopicPartition>> revoked = new ArrayList<>();
    final List<Set<TopicPartition>> lost = new ArrayList<>();
    CompletableFuture<Map<TopicPartition, OffsetAndMetadata>> revokeAnswer =
        CompletableFuture.completedFuture(Map.of());

    @Override
    public void assigned(Map<TopicPartition, RebalanceBridge.Start> starts) {
      assigned.add(starts);
    }

    @Override
    public CompletableFuture<Map<TopicPartition, OffsetAndMetadata>> revoked(
        Set<TopicPartition> partitions) {
      revoked.add(partitions);
      return revokeAnswer;
    }

    @Override
    public void lost(Set<TopicPartition> partitions) {
      lost.add(partitions);
    }
  }

  /**
   * Kafka's MockConsumer, with its rebalances in the client's order (revoked partitions are still
   * assigned during their callback), and its commits kept: it answers 0 for the committed offset of
   * a partition it no longer holds.
   */
  static class RecordingConsumer extends MockConsumer<byte[], byte[]> {
    final List<Map<TopicPartition, OffsetAndMetadata>> commits = new ArrayList<>();
    private ConsumerRebalanceListener listener;

    RecordingConsumer() {
      super(OffsetResetStrategy.LATEST);
    }

    @Override
    public synchronized void subscribe(
        java.util.Collection<String> topics, ConsumerRebalanceListener callback) {
      listener = callback;
      super.subscribe(
          topics,
          new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(java.util.Collection<TopicPartition> partitions) {}

            @Override
            public void onPartitionsAssigned(java.util.Collection<TopicPartition> partitions) {}
          });
    }

    @Override
    public synchronized void rebalance(java.util.Collection<TopicPartition> newAssignment) {
      Set<TopicPartition> revoked = new java.util.HashSet<>(assignment());
      revoked.removeAll(newAssignment);
      Set<TopicPartition> added = new java.util.HashSet<>(newAssignment);
      added.removeAll(assignment());
      if (!revoked.isEmpty()) {
        listener.onPartitionsRevoked(revoked);
      }
      super.rebalance(newAssignment);
      listener.onPartitionsAssigned(added);
    }

    @Override
    public synchronized void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
      commits.add(Map.copyOf(offsets));
      super.commitSync(offsets);
    }

    long lastCommitted(TopicPartition tp) {
      for (int i = commits.size() - 1; i >= 0; i--) {
        if (commits.get(i).containsKey(tp)) {
          return commits.get(i).get(tp).offset();
        }
      }
      return -1;
    }
  }

  private final RecordingConsumer consumer = new RecordingConsumer();
  private final Recorder events = new Recorder();
  private final RebalanceBridge bridge = bridge(consumer);

  private RebalanceBridge bridge(MockConsumer<byte[], byte[]> kafka) {
    return new RebalanceBridge(
        new ManagedConsumer(kafka, () -> System.nanoTime() / 1_000_000),
        ConsumerThread.BLOCKING,
        events,
        Duration.ofSeconds(1),
        Duration.ofMillis(300),
        () -> false,
        err -> {});
  }

  @Test
  void aStartPositionNeverCommittedIsCommittedAtAssignment() {
    consumer.subscribe(List.of("events"), bridge);
    consumer.updateEndOffsets(Map.of(P0, 7L, P1, 3L));
    consumer.commitSync(Map.of(P1, new OffsetAndMetadata(2)));

    consumer.rebalance(List.of(P0, P1));

    // A restart on 'latest' before P0 saw a record must not reset it to the end again.
    assertThat(consumer.committed(Set.of(P0)).get(P0).offset()).isEqualTo(7);
    assertThat(consumer.committed(Set.of(P1)).get(P1).offset()).as("untouched").isEqualTo(2);
    Map<TopicPartition, RebalanceBridge.Start> starts = events.assigned.get(0);
    assertThat(starts.get(P0).position()).isEqualTo(7);
    assertThat(starts.get(P0).committed().offset()).isEqualTo(7);
    assertThat(starts.get(P1).position()).isEqualTo(2);
    assertThat(starts.get(P1).committed().offset()).isEqualTo(2);
  }

  @Test
  void aStartBelowTheCommitItsEpochEndsAtIsCommittedWithThatEpoch() {
    // The group committed 11 in leader epoch 3; the log was truncated at 6 (an unclean leader
    // election), and the client, asking where epoch 3 ends, starts at 6.
    RecordingConsumer diverged =
        new RecordingConsumer() {
          @Override
          public synchronized long position(TopicPartition tp, Duration timeout) {
            return 6;
          }
        };
    RebalanceBridge b = bridge(diverged);
    diverged.subscribe(List.of("events"), b);
    diverged.updateEndOffsets(Map.of(P0, 20L));
    diverged.commitSync(Map.of(P0, new OffsetAndMetadata(11, Optional.of(3), "")));

    diverged.rebalance(List.of(P0));

    OffsetAndMetadata seed = diverged.committed(Set.of(P0)).get(P0);
    assertThat(seed.offset()).as("the start is committed").isEqualTo(6);
    assertThat(seed.leaderEpoch())
        .as("with the epoch that ends there, so a later truncation below 6 is found out too")
        .contains(3);
  }

  @Test
  void anEmptyAssignmentIsReportedToo() {
    consumer.subscribe(List.of("events"), bridge);
    consumer.rebalance(List.of());
    assertThat(events.assigned).containsExactly(Map.of());
  }

  @Test
  void revokedPartitionsAreCommittedWithWhatTheEventLoopHandsBack() {
    consumer.subscribe(List.of("events"), bridge);
    consumer.updateEndOffsets(Map.of(P0, 0L, P1, 0L));
    consumer.rebalance(List.of(P0, P1));
    events.revokeAnswer = CompletableFuture.completedFuture(Map.of(P0, new OffsetAndMetadata(5)));

    consumer.rebalance(List.of(P1));

    assertThat(events.revoked).containsExactly(Set.of(P0));
    assertThat(consumer.lastCommitted(P0)).isEqualTo(5);
  }

  @Test
  void aRevokeWaitsForTheEventLoopOnlyWithinItsBound() {
    consumer.subscribe(List.of("events"), bridge);
    consumer.updateEndOffsets(Map.of(P0, 4L));
    consumer.rebalance(List.of(P0));
    events.revokeAnswer = new CompletableFuture<>(); // never answers

    long started = System.nanoTime();
    consumer.rebalance(List.of());
    long ms = (System.nanoTime() - started) / 1_000_000;

    assertThat(ms).as("bounded by the revoke wait (+1 s)").isBetween(300L, 5_000L);
    assertThat(consumer.lastCommitted(P0)).as("only the start").isEqualTo(4);
  }

  @Test
  void aFailedRevokeCommitIsLoggedNotThrown() {
    RecordingConsumer failing =
        new RecordingConsumer() {
          @Override
          public void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets, Duration timeout) {
            throw new RebalanceInProgressException("rebalancing");
          }
        };
    RebalanceBridge b = bridge(failing);
    failing.subscribe(List.of("events"), b);
    failing.updateEndOffsets(Map.of(P0, 0L));
    failing.rebalance(List.of(P0));
    events.revokeAnswer = CompletableFuture.completedFuture(Map.of(P0, new OffsetAndMetadata(9)));

    failing.rebalance(List.of());

    assertThat(events.revoked).hasSize(1);
    assertThat(events.assigned.get(0).get(P0).committed())
        .as("the start commit failed too")
        .isNull();
    assertThat(events.assigned.get(0).get(P0).position()).isZero();
  }

  @Test
  void nothingHappensOnceClosing() {
    consumer.subscribe(List.of("events"), bridge);
    consumer.updateEndOffsets(Map.of(P0, 3L));
    consumer.rebalance(List.of(P0));
    events.revokeAnswer = CompletableFuture.completedFuture(Map.of(P0, new OffsetAndMetadata(8)));
    bridge.closing();

    // close() leaves the group and calls the listener after the final commit was made.
    bridge.onPartitionsRevoked(List.of(P0));
    bridge.onPartitionsLost(List.of(P0));

    assertThat(events.revoked).isEmpty();
    assertThat(events.lost).isEmpty();
    assertThat(consumer.lastCommitted(P0)).isEqualTo(3);
  }

  @Test
  void lostPartitionsAreReportedWithoutACommit() {
    consumer.subscribe(List.of("events"), bridge);
    consumer.updateEndOffsets(Map.of(P0, 2L));
    consumer.rebalance(List.of(P0));
    events.revokeAnswer = CompletableFuture.completedFuture(Map.of(P0, new OffsetAndMetadata(8)));

    bridge.onPartitionsLost(List.of(P0));

    assertThat(events.lost).containsExactly(Set.of(P0));
    assertThat(events.revoked).isEmpty();
    assertThat(consumer.lastCommitted(P0)).isEqualTo(2);
  }
}
