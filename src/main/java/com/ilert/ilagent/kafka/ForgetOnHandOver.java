package com.ilert.ilagent.kafka;

import java.util.Collection;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.common.TopicPartition;

/**
 * Forgets the positions handed over for partitions that change hands and the commits queued for
 * them, then runs the agent's listener: a partition assigned again starts from what the event loop
 * learns anew. The consumer's thread, inside a poll.
 */
final class ForgetOnHandOver implements ConsumerRebalanceListener {
  private final MovedPositions moved;
  private final QueuedCommits queuedCommits;
  private final ConsumerRebalanceListener listener;

  ForgetOnHandOver(
      MovedPositions moved, QueuedCommits queuedCommits, ConsumerRebalanceListener listener) {
    this.moved = moved;
    this.queuedCommits = queuedCommits;
    this.listener = listener;
  }

  @Override
  public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
    moved.forget(partitions);
    queuedCommits.forget(partitions);
    listener.onPartitionsRevoked(partitions);
  }

  @Override
  public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
    moved.forget(partitions);
    listener.onPartitionsAssigned(partitions);
  }

  @Override
  public void onPartitionsLost(Collection<TopicPartition> partitions) {
    moved.forget(partitions);
    queuedCommits.forget(partitions);
    listener.onPartitionsLost(partitions);
  }
}
