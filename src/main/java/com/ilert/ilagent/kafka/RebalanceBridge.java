package com.ilert.ilagent.kafka;

import com.ilert.ilagent.offsets.Committer;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka's rebalance callbacks, run synchronously on the consumer's thread inside poll(), where the
 * consumer may still be used and the group waits for them:
 *
 * <ul>
 *   <li>Assigned: reads each partition's committed offset and start position, and commits the start
 *       position of a partition that has no committed offset yet, so a restart on 'latest' does not
 *       skip what was produced while the agent was down. Then the event loop learns the starts.
 *       While the agent holds too much (or stops), the new partitions are paused right here: the
 *       same poll would fetch from them before the event loop's pause arrives.
 *   <li>Revoked: the event loop abandons the partitions' waiting work and finishes what is on the
 *       wire (bounded), and hands back the offsets to commit, which are committed here, before the
 *       partitions can move to another member. Nothing of them is sent after this returns.
 *   <li>Lost: the event loop abandons them; nothing can be committed any more.
 * </ul>
 *
 * Nothing happens once the consumer is closing: the final commit was made before.
 */
public final class RebalanceBridge implements ConsumerRebalanceListener {
  private static final Logger LOG = LoggerFactory.getLogger(RebalanceBridge.class);

  /** Where a newly assigned partition starts: position -1 if it could not be read. */
  public record Start(long position, OffsetAndMetadata committed) {}

  /** The event loop's side; implementations hop onto the verticle's context. */
  public interface Lifecycle {
    void assigned(Map<TopicPartition, Start> starts);

    /** Completes with the offsets to commit for the partitions. */
    CompletableFuture<Map<TopicPartition, OffsetAndMetadata>> revoked(
        Set<TopicPartition> partitions);

    void lost(Set<TopicPartition> partitions);
  }

  private final ManagedConsumer consumer;
  private final ConsumerThread thread;
  private final Lifecycle lifecycle;
  private final Duration callTimeout;
  private final Duration revokeWait;
  private final java.util.function.BooleanSupplier pauseNew;
  private final java.util.function.Consumer<Throwable> refused;
  private volatile boolean closing;
  private volatile boolean stopping;

  /**
   * @param thread how the consumer's thread waits for the event loop
   * @param callTimeout bound of each blocking consumer call made here
   * @param revokeWait how long a revoke waits for the event loop to finish the partitions' work
   * @param pauseNew whether newly assigned partitions must start paused (read on this thread)
   * @param refused told when the group refuses this member for good (not authorized, fenced)
   */
  public RebalanceBridge(
      ManagedConsumer consumer,
      ConsumerThread thread,
      Lifecycle lifecycle,
      Duration callTimeout,
      Duration revokeWait,
      java.util.function.BooleanSupplier pauseNew,
      java.util.function.Consumer<Throwable> refused) {
    this.pauseNew = pauseNew;
    this.refused = refused;
    this.consumer = consumer;
    this.thread = thread;
    this.lifecycle = lifecycle;
    this.callTimeout = callTimeout;
    this.revokeWait = revokeWait;
  }

  /** The final commit is done: callbacks during close() must not commit or wait any more. */
  public void closing() {
    closing = true;
  }

  /**
   * The agent stops: partitions assigned from now on are paused and reported without their starts
   * (nothing is taken from them), so that no look-up of a start holds the consumer's thread, and
   * with it the close, past the stop's bound.
   */
  public void stopping() {
    stopping = true;
  }

  @Override
  public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
    if (closing) {
      return;
    }
    if (partitions.isEmpty()) {
      lifecycle.assigned(Map.of()); // a member without partitions is assigned too (a standby)
      return;
    }
    Set<TopicPartition> tps = new HashSet<>(partitions);
    if (pauseNew.getAsBoolean() || stopping) {
      consumer.pause(tps);
    }
    if (stopping) {
      Map<TopicPartition, Start> unknown = new HashMap<>();
      tps.forEach(tp -> unknown.put(tp, new Start(-1, null)));
      lifecycle.assigned(unknown);
      return;
    }
    Map<TopicPartition, OffsetAndMetadata> committed = committed(tps);
    Map<TopicPartition, Start> starts = new HashMap<>();
    Map<TopicPartition, OffsetAndMetadata> seed = new HashMap<>();
    for (TopicPartition tp : tps) {
      long position = position(tp);
      OffsetAndMetadata c = committed.get(tp);
      if (position >= 0 && (c == null || c.offset() != position)) {
        // Never committed, or reset (out of range), or the client found the log truncated below the
        // commit (its leader epoch ends below it): commit where it starts now. Below the commit,
        // the commit's epoch still ends at or above the start, so the seed carries it.
        Optional<Integer> epoch =
            c != null && c.offset() > position ? c.leaderEpoch() : Optional.empty();
        seed.put(tp, new OffsetAndMetadata(position, epoch, ""));
      }
      starts.put(tp, new Start(position, c));
    }
    if (!seed.isEmpty() && commit(seed, "start positions")) {
      seed.forEach((tp, om) -> starts.put(tp, new Start(om.offset(), om)));
    }
    lifecycle.assigned(starts);
  }

  @Override
  public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
    if (partitions.isEmpty() || closing) {
      return;
    }
    Map<TopicPartition, OffsetAndMetadata> offsets = Map.of();
    CompletableFuture<Map<TopicPartition, OffsetAndMetadata>> released =
        lifecycle.revoked(new HashSet<>(partitions));
    try {
      offsets = thread.await(released, revokeWait.toMillis() + 1_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      LOG.warn(
          "Revoking {}: the event loop did not answer in time ({}); their uncommitted records are delivered again by the next owner",
          partitions,
          e.toString());
    }
    if (!offsets.isEmpty()) {
      commit(offsets, "revoked partitions");
    }
  }

  @Override
  public void onPartitionsLost(Collection<TopicPartition> partitions) {
    if (!partitions.isEmpty() && !closing) {
      LOG.warn(
          "Lost {} (the group moved on without this member); their uncommitted records are delivered again",
          partitions);
      lifecycle.lost(new HashSet<>(partitions));
    }
  }

  private Map<TopicPartition, OffsetAndMetadata> committed(Set<TopicPartition> tps) {
    try {
      Map<TopicPartition, OffsetAndMetadata> result = consumer.committed(tps, callTimeout);
      return result == null ? Map.of() : result;
    } catch (WakeupException | InterruptException e) {
      throw e;
    } catch (RuntimeException e) {
      LOG.warn(
          "Reading the committed offsets of {} failed ({}); their starts are resolved later",
          tps,
          e.toString());
      if (Committer.fatal(e)) {
        refused.accept(e);
      }
      return Map.of();
    }
  }

  private long position(TopicPartition tp) {
    try {
      return consumer.position(tp, callTimeout);
    } catch (WakeupException | InterruptException e) {
      throw e;
    } catch (RuntimeException e) {
      LOG.warn(
          "topic={} partition={}: reading the start position failed ({}); resolved later",
          tp.topic(),
          tp.partition(),
          e.toString());
      return -1;
    }
  }

  private boolean commit(Map<TopicPartition, OffsetAndMetadata> offsets, String what) {
    try {
      consumer.commitSync(offsets, callTimeout);
      LOG.debug("Committed {} {}", what, offsets);
      return true;
    } catch (WakeupException | InterruptException e) {
      throw e;
    } catch (RuntimeException e) {
      LOG.warn("Committing {} {} failed ({})", what, offsets.keySet(), e.toString());
      if (Committer.fatal(e)) {
        refused.accept(e);
      }
      return false;
    }
  }
}
