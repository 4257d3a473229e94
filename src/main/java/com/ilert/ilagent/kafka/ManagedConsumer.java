package com.ilert.ilagent.kafka;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;

/**
 * The Kafka consumer with the agent's rules at its boundary; used on the consumer's thread only,
 * except {@link #wakeUp}.
 *
 * <ul>
 *   <li>Every blocking call is bounded: polls and commits queue behind it on the one thread, and a
 *       lag request without a partition leader must not hold them up until the member is evicted.
 *   <li>Pause, resume and commits only reach partitions assigned at that moment: Kafka's pause and
 *       resume throw at the first partition that is not (and leave the rest untouched), and a
 *       commit queued before a revoke must not move the new owner's offset back.
 *   <li>A commit sent without waiting always reports its end, also when Kafka throws before it
 *       registered the callback (coordinator lookup, authentication, a fenced instance).
 *   <li>The only wakeup is the agent's own, to end a poll early for a hurried commit. Kafka
 *       remembers a wakeup until some later blocking call sees it, whichever call that is: a poll
 *       then returns nothing, any other call is made again within its bound.
 * </ul>
 */
public final class ManagedConsumer {
  public static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);
  static final Duration END_OFFSETS_TIMEOUT = Duration.ofSeconds(2);
  public static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

  private final org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> kafka;
  private final LongSupplier nowMs;

  /** A wakeup was sent and no call has seen it yet: no second one. */
  private final AtomicBoolean wakeupSent = new AtomicBoolean();

  /** True while the consumer's thread is in {@link #poll}. */
  private volatile boolean polling;

  /**
   * @param nowMs a monotonic clock in ms, for the bounds of calls made again after a wakeup
   */
  public ManagedConsumer(
      org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> kafka, LongSupplier nowMs) {
    this.kafka = kafka;
    this.nowMs = nowMs;
  }

  void subscribe(Collection<String> topics, ConsumerRebalanceListener listener) {
    kafka.subscribe(topics, listener);
  }

  /**
   * Kafka's poll; the agent's own wakeup ends it early with no records, and so does {@code giveWay}
   * when true as the poll begins (a hurried commit queued just before it).
   */
  ConsumerRecords<byte[], byte[]> poll(Duration timeout, BooleanSupplier giveWay) {
    polling = true;
    try {
      if (giveWay.getAsBoolean()) {
        return ConsumerRecords.empty();
      }
      return kafka.poll(timeout);
    } catch (WakeupException e) {
      wakeupSent.set(false);
      return ConsumerRecords.empty();
    } finally {
      polling = false;
    }
  }

  /** True while the consumer's thread is in {@link #poll}. */
  boolean polling() {
    return polling;
  }

  /** From any thread: ends the poll under way early, if one is. */
  void wakeUp() {
    if (polling && wakeupSent.compareAndSet(false, true)) {
      kafka.wakeup();
    }
  }

  Set<TopicPartition> assignment() {
    return kafka.assignment();
  }

  Set<TopicPartition> paused() {
    return kafka.paused();
  }

  /** Pauses those of {@code partitions} still assigned; Kafka would throw at the first other. */
  void pause(Collection<TopicPartition> partitions) {
    Set<TopicPartition> owned = owned(partitions);
    if (!owned.isEmpty()) {
      kafka.pause(owned);
    }
  }

  /** Resumes those of {@code partitions} still assigned; Kafka would throw at the first other. */
  void resume(Collection<TopicPartition> partitions) {
    Set<TopicPartition> owned = owned(partitions);
    if (!owned.isEmpty()) {
      kafka.resume(owned);
    }
  }

  /**
   * Sends a commit without waiting for the broker; {@code done} gets its end (null on success) on
   * this thread, during a later poll, or at once if Kafka throws while sending it.
   */
  void commitAsync(Map<TopicPartition, OffsetAndMetadata> offsets, Consumer<Throwable> done) {
    try {
      Map<TopicPartition, OffsetAndMetadata> owned = owned(offsets);
      if (owned.isEmpty()) {
        done.accept(null);
        return;
      }
      call(
          CALL_TIMEOUT,
          t -> {
            kafka.commitAsync(owned, (committed, err) -> done.accept(err));
            return null;
          });
    } catch (RuntimeException e) {
      done.accept(e); // thrown before the callback was registered: it would never be called
    }
  }

  void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets, Duration timeout) {
    Map<TopicPartition, OffsetAndMetadata> owned = owned(offsets);
    if (!owned.isEmpty()) {
      call(
          timeout,
          t -> {
            kafka.commitSync(owned, t);
            return null;
          });
    }
  }

  Map<TopicPartition, OffsetAndMetadata> committed(Set<TopicPartition> tps, Duration timeout) {
    return call(timeout, t -> kafka.committed(tps, t));
  }

  long position(TopicPartition tp, Duration timeout) {
    return call(timeout, t -> kafka.position(tp, t));
  }

  /** The position if Kafka knows it without asking a broker, else null. */
  Long knownPosition(TopicPartition tp) {
    try {
      return call(Duration.ZERO, t -> kafka.position(tp, t));
    } catch (RuntimeException e) {
      return null; // not known yet (a reset under way), or no longer assigned
    }
  }

  Map<TopicPartition, Long> endOffsets(Collection<TopicPartition> tps, Duration timeout) {
    return call(timeout, t -> kafka.endOffsets(tps, t));
  }

  /** Costs a metadata request for a topic the client does not know, e.g. a missing one. */
  List<PartitionInfo> partitionsFor(String topic, Duration timeout) {
    return call(timeout, t -> kafka.partitionsFor(topic, t));
  }

  void close(Duration timeout) {
    kafka.close(timeout);
  }

  /**
   * Makes a call within {@code timeout}; a call that saw the agent's wakeup (meant for a poll) is
   * made again with the time left.
   */
  private <T> T call(Duration timeout, Function<Duration, T> call) {
    long deadline = nowMs.getAsLong() + timeout.toMillis();
    while (true) {
      try {
        return call.apply(Duration.ofMillis(Math.max(0, deadline - nowMs.getAsLong())));
      } catch (WakeupException e) {
        // The agent's own, meant for a poll: this call is made again with the time left.
        wakeupSent.set(false);
        if (nowMs.getAsLong() > deadline) {
          throw new TimeoutException("no answer within " + timeout.toMillis() + " ms");
        }
      }
    }
  }

  private Set<TopicPartition> owned(Collection<TopicPartition> partitions) {
    Set<TopicPartition> owned = new HashSet<>(partitions);
    owned.retainAll(kafka.assignment());
    return owned;
  }

  private Map<TopicPartition, OffsetAndMetadata> owned(
      Map<TopicPartition, OffsetAndMetadata> offsets) {
    Map<TopicPartition, OffsetAndMetadata> owned = new HashMap<>(offsets);
    owned.keySet().retainAll(kafka.assignment());
    return owned;
  }
}
