package com.ilert.ilagent.kafka;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
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

  /** Commits to send as commitAsync, by the identity of the map the stream passes on. */
  private final Map<Map<TopicPartition, OffsetAndMetadata>, CompletableFuture<Void>> asyncCommits =
      java.util.Collections.synchronizedMap(new java.util.IdentityHashMap<>());

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

  /**
   * Commits {@code offsets} without holding up the poll loop. The read stream runs its commits as
   * {@code commitSync} on the consumer's thread, which waits for the broker's answer while no poll
   * can run; {@code streamCommit} is that stream commit, and a map registered here is sent as
   * {@code commitAsync} instead. The future completes when the broker answered (during a later
   * poll), or fails when the stream did not run the commit (e.g. it was closed).
   */
  CompletableFuture<Void> commitWithoutBlocking(
      Map<TopicPartition, OffsetAndMetadata> offsets,
      Function<Map<TopicPartition, OffsetAndMetadata>, Future<?>> streamCommit) {
    CompletableFuture<Void> answered = new CompletableFuture<>();
    asyncCommits.put(offsets, answered);
    streamCommit
        .apply(offsets)
        .onFailure(
            err -> {
              if (asyncCommits.remove(offsets) != null) {
                answered.completeExceptionally(err);
              }
            });
    return answered;
  }

  @Override
  public void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
    CompletableFuture<Void> answered = asyncCommits.remove(offsets);
    Set<TopicPartition> assigned = assignment();
    Map<TopicPartition, OffsetAndMetadata> owned = new HashMap<>(offsets);
    owned.keySet().retainAll(assigned);
    if (answered == null) {
      if (!owned.isEmpty()) {
        super.commitSync(owned, CALL_TIMEOUT);
      }
    } else if (owned.isEmpty()) {
      answered.complete(null);
    } else {
      super.commitAsync(
          owned,
          (committed, err) -> {
            if (err == null) {
              answered.complete(null);
            } else {
              answered.completeExceptionally(err);
            }
          });
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
