package com.ilert.ilagent.kafka;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Commits the event loop handed over that the consumer's thread has not sent yet. A commit handed
 * over before a revoke describes the assignment that ends: the revoke commits what it completed.
 * Sent afterwards it would move the offset back, also when the same partition comes straight back
 * to this agent (an eager rebalance revokes everything and assigns it again within one poll, so
 * "still assigned" does not tell): the revoke takes its partitions out of them.
 */
final class QueuedCommits {
  private final ConcurrentLinkedQueue<Map<TopicPartition, OffsetAndMetadata>> queued =
      new ConcurrentLinkedQueue<>();
  private final AtomicInteger count = new AtomicInteger();

  /** From the event loop: a commit is queued; returns the copy that will be sent. */
  Map<TopicPartition, OffsetAndMetadata> add(Map<TopicPartition, OffsetAndMetadata> offsets) {
    Map<TopicPartition, OffsetAndMetadata> copy = new HashMap<>(offsets);
    count.incrementAndGet();
    queued.add(copy);
    return copy;
  }

  /** On the consumer's thread: {@code commit} goes out now, as it is. */
  void sending(Map<TopicPartition, OffsetAndMetadata> commit) {
    count.decrementAndGet();
    queued.remove(commit);
  }

  /** From any thread: whether a commit waits to be sent. */
  boolean any() {
    return count.get() > 0;
  }

  /** On the consumer's thread, in a rebalance: these partitions' offsets are not sent. */
  void forget(Collection<TopicPartition> partitions) {
    for (Map<TopicPartition, OffsetAndMetadata> commit : queued) {
      commit.keySet().removeAll(partitions);
    }
  }
}
