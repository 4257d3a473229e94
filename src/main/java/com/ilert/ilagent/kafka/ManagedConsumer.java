package com.ilert.ilagent.kafka;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;

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
 *   <li>A commit can be hurried past a poll ({@link #hurryCommits}): the stream polls in a loop,
 *       each poll waiting up to its timeout for records, and runs everything else between two
 *       polls, so a commit handed over during a poll waits for its end. While records flow that
 *       paces the commits; once all is delivered and the last poll found nothing more to fetch, the
 *       commit that covers it should not wait. A poll under way is then woken up ({@link #wakeup}),
 *       and one about to start returns at once. Such a wakeup is this class's own business: the
 *       calls that could see it are retried.
 *   <li>close() is bounded: an absent broker must not outlast Kubernetes' grace period.
 * </ul>
 */
class ManagedConsumer extends KafkaConsumer<byte[], byte[]> {
  static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);
  static final Duration END_OFFSETS_TIMEOUT = Duration.ofSeconds(2);
  static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

  /** Commits to send as commitAsync, by the identity of the map the stream passes on. */
  private final Map<Map<TopicPartition, OffsetAndMetadata>, CompletableFuture<Void>> asyncCommits =
      java.util.Collections.synchronizedMap(new java.util.IdentityHashMap<>());

  private volatile ConsumerRebalanceListener bridge;

  /** True while the stream's thread is in {@link #poll}. */
  private volatile boolean polling;

  /** A wakeup was sent for a commit and has not been seen yet. */
  private final AtomicBoolean wokenForCommit = new AtomicBoolean();

  /** The commits handed over should not wait for the end of a poll. */
  private volatile boolean hurry;

  /** The last poll that ran to its end found no records: the partitions are read to their end. */
  private volatile boolean fetchedAll = true;

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

  /**
   * The commits handed over and not yet sent go out now instead of after the poll under way (up to
   * its timeout later), if the last poll found nothing more to fetch. Called once everything
   * received is delivered: that commit is the one an operator waits for (lag 0). While polls still
   * return records (e.g. records that are filtered out and done at once), the polls pace the
   * commits: waking every poll for a commit costs more than the commit saves.
   */
  void hurryCommits() {
    if (asyncCommits.isEmpty() || !fetchedAll) {
      return;
    }
    hurry = true;
    if (polling) {
      wakeUpForCommit();
    }
  }

  /**
   * Wakes up the poll under way. When it has just ended, the wakeup stays pending and the next call
   * that may block sees it; see {@link #notWokenForCommit}.
   */
  void wakeUpForCommit() {
    wokenForCommit.set(true);
    wakeup();
  }

  /** True while the stream's thread is in {@link #poll}. */
  boolean polling() {
    return polling;
  }

  /**
   * The stream's poll, which gives way to hurried commits: it returns no records at once when one
   * is queued behind it, and when woken up for one (the records fetched meanwhile stay buffered for
   * the next poll).
   */
  @Override
  public ConsumerRecords<byte[], byte[]> poll(Duration timeout) {
    polling = true;
    try {
      if (hurry && !asyncCommits.isEmpty()) {
        return ConsumerRecords.empty();
      }
      ConsumerRecords<byte[], byte[]> records = fetch(timeout);
      fetchedAll = records.isEmpty();
      return records;
    } catch (WakeupException e) {
      if (wokenForCommit.getAndSet(false)) {
        return ConsumerRecords.empty();
      }
      throw e;
    } finally {
      polling = false;
    }
  }

  /** Kafka's poll; tests replace it. */
  ConsumerRecords<byte[], byte[]> fetch(Duration timeout) {
    return super.poll(timeout);
  }

  @Override
  public void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
    CompletableFuture<Void> answered = asyncCommits.remove(offsets);
    if (asyncCommits.isEmpty()) {
      hurry = false;
    }
    Set<TopicPartition> assigned = assignment();
    Map<TopicPartition, OffsetAndMetadata> owned = new HashMap<>(offsets);
    owned.keySet().retainAll(assigned);
    if (answered == null) {
      if (!owned.isEmpty()) {
        commitSync(owned, CALL_TIMEOUT);
      }
    } else if (owned.isEmpty()) {
      answered.complete(null);
    } else {
      notWokenForCommit(
          () -> {
            super.commitAsync(
                owned,
                (committed, err) -> {
                  if (err == null) {
                    answered.complete(null);
                  } else {
                    answered.completeExceptionally(err);
                  }
                });
            return null;
          });
    }
  }

  @Override
  public void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets, Duration timeout) {
    notWokenForCommit(
        () -> {
          super.commitSync(offsets, timeout);
          return null;
        });
  }

  @Override
  public long position(TopicPartition partition) {
    return position(partition, CALL_TIMEOUT);
  }

  @Override
  public long position(TopicPartition partition, Duration timeout) {
    return notWokenForCommit(() -> super.position(partition, timeout));
  }

  @Override
  public OffsetAndMetadata committed(TopicPartition partition) {
    return committed(Set.of(partition), CALL_TIMEOUT).get(partition);
  }

  @Override
  public Map<TopicPartition, OffsetAndMetadata> committed(
      Set<TopicPartition> partitions, Duration timeout) {
    return notWokenForCommit(() -> super.committed(partitions, timeout));
  }

  @Override
  public Map<TopicPartition, Long> endOffsets(Collection<TopicPartition> partitions) {
    return endOffsets(partitions, END_OFFSETS_TIMEOUT);
  }

  @Override
  public Map<TopicPartition, Long> endOffsets(
      Collection<TopicPartition> partitions, Duration timeout) {
    return notWokenForCommit(() -> super.endOffsets(partitions, timeout));
  }

  /**
   * Runs a call of the consumer's thread again if it saw the wakeup meant for a poll that had
   * already ended (the wakeup stays pending until a call that may block sees it). Any other wakeup,
   * e.g. the stream's on close, goes to the caller.
   */
  private <T> T notWokenForCommit(Supplier<T> call) {
    while (true) {
      try {
        return call.get();
      } catch (WakeupException e) {
        if (!wokenForCommit.getAndSet(false)) {
          throw e;
        }
      }
    }
  }

  /** Costs a metadata request for a topic the client does not know, e.g. a missing one. */
  @Override
  public java.util.List<org.apache.kafka.common.PartitionInfo> partitionsFor(String topic) {
    return super.partitionsFor(topic, END_OFFSETS_TIMEOUT);
  }

  @Override
  public void close() {
    close(CLOSE_TIMEOUT);
  }
}
