package com.ilert.ilagent.offsets;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * The agent's view of paused partitions stays Kafka's through a cooperative rebalance: a partition
 * on its way to another member is neither paused nor resumed, and a pause or resume that reaches
 * the client after Kafka took a partition away does not stop at it.
 */
class PartitionViewTest {
  private static final TopicPartition P0 = new TopicPartition("events", 0);
  private static final TopicPartition P1 = new TopicPartition("events", 1);
  private static final TopicPartition P2 = new TopicPartition("events", 2);

  private final List<Set<TopicPartition>> pauses = new ArrayList<>();
  private final List<Set<TopicPartition>> resumes = new ArrayList<>();
  private final Partitions partitions =
      new Partitions(
          new Backpressure(100, 1L << 30, 1_000, 2, 1L << 30),
          Partitions.Fetching.of(s -> pauses.add(Set.copyOf(s)), s -> resumes.add(Set.copyOf(s))));

  @Test
  void aPartitionOnItsWayToAnotherMemberIsNotResumedWhenTheProcessBoundFrees() {
    PartitionState kept = partitions.add(P0);
    PartitionState leaving = partitions.add(P1);
    kept.start(0, new OffsetAndMetadata(0), new long[0]);
    leaving.start(0, new OffsetAndMetadata(0), new long[0]);
    partitions.hold(kept, 1);
    partitions.hold(leaving, 1);
    partitions.pauseIfFull(List.of(kept, leaving));
    assertThat(kept.paused()).isTrue();
    assertThat(leaving.paused()).isTrue();

    leaving.markLeaving(); // a cooperative revoke under way: Kafka may have taken it already
    partitions.release(leaving, 1); // its queued work dropped: room again
    partitions.release(kept, 1);

    assertThat(resumes).isNotEmpty().allSatisfy(s -> assertThat(s).doesNotContain(P1));
    assertThat(kept.paused()).isFalse();
  }

  @Test
  void aPartitionAssignedAgainIsResumedExplicitly() {
    PartitionState ps = partitions.add(P2);
    partitions.settle(List.of(ps));
    assertThat(resumes)
        .as("a pause of its previous assignment may reach Kafka after the rebalance")
        .containsExactly(Set.of(P2));
  }
}
