package com.ilert.ilagent.kafka;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The Kafka consumer as the Vert.x read stream drives it, with the agent's rules at its boundary:
 *
 * <ul>
 *   <li>Every blocking call the stream makes is bounded: it runs on the consumer's one thread, and
 *       polls and commits queue behind it. A lag request without a partition leader must not hold
 *       up polls until the member is evicted.
 *   <li>A commit only covers partitions still assigned when it runs: one queued before a revoke
 *       must not move the new owner's offset back.
 *   <li>The agent's {@link RebalanceBridge} runs first, synchronously, on every rebalance (the
 *       stream's own listener hands the callbacks to the event loop after the fact).
 *   <li>close() is bounded: an absent broker must not outlast Kubernetes' grace period.
 * </ul>
 */
final class ManagedConsumer extends KafkaConsumer<byte[], byte[]> {
  static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);
  static final Duration END_OFFSETS_TIMEOUT = Duration.ofSeconds(2);
  static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

  private volatile ConsumerRebalanceListener bridge;

  ManagedConsumer(Map<String, Object> props) {
    super(props);
  }

  /** The listener that runs before the stream's own; set before subscribing. */
  void rebalanceBridge(ConsumerRebalanceListener bridge) {
    this.bridge = bridge;
  }

  @Override
  public void subscribe(Collection<String> topics, ConsumerRebalanceListener streamListener) {
    ConsumerRebalanceListener first = bridge;
    super.subscribe(
        topics,
        first == null
            ? streamListener
            : new ConsumerRebalanceListener() {
              @Override
              public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                first.onPartitionsRevoked(partitions);
                streamListener.onPartitionsRevoked(partitions);
              }

              @Override
              public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                first.onPartitionsAssigned(partitions);
                streamListener.onPartitionsAssigned(partitions);
              }

              @Override
              public void onPartitionsLost(Collection<TopicPartition> partitions) {
                first.onPartitionsLost(partitions);
                streamListener.onPartitionsLost(partitions);
              }
            });
  }

  @Override
  public void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
    Set<TopicPartition> assigned = assignment();
    Map<TopicPartition, OffsetAndMetadata> owned = new HashMap<>(offsets);
    owned.keySet().retainAll(assigned);
    if (!owned.isEmpty()) {
      super.commitSync(owned, CALL_TIMEOUT);
    }
  }

  @Override
  public long position(TopicPartition partition) {
    return super.position(partition, CALL_TIMEOUT);
  }

  @Override
  public OffsetAndMetadata committed(TopicPartition partition) {
    return super.committed(Set.of(partition), CALL_TIMEOUT).get(partition);
  }

  @Override
  public Map<TopicPartition, Long> endOffsets(Collection<TopicPartition> partitions) {
    return super.endOffsets(partitions, END_OFFSETS_TIMEOUT);
  }

  @Override
  public void close() {
    close(CLOSE_TIMEOUT);
  }
}
