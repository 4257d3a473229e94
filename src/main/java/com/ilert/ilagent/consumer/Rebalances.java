package com.ilert.ilagent.consumer;

import com.ilert.ilagent.delivery.Dispatcher;
import com.ilert.ilagent.delivery.PingCoalescing;
import com.ilert.ilagent.kafka.RebalanceBridge;
import com.ilert.ilagent.loop.EventLoop;
import com.ilert.ilagent.offsets.Committer;
import com.ilert.ilagent.offsets.LagReporter;
import com.ilert.ilagent.offsets.OffsetMetadata;
import com.ilert.ilagent.offsets.PartitionState;
import com.ilert.ilagent.offsets.Partitions;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event loop's side of a rebalance (see {@link RebalanceBridge}): partitions join with their
 * start positions; revoked partitions stop starting work at once, drop what waits, finish what is
 * on the wire within a bound and hand back the offsets to commit; lost partitions are dropped.
 * After a revoke nothing of the partition is sent or committed by this agent again: a retry waiting
 * for a 429's back-off must not re-send an ALERT the new owner already followed with its RESOLVE.
 */
final class Rebalances {
  private static final Logger LOG = LoggerFactory.getLogger(Rebalances.class);
  private static final long RESOLVE_RETRY_MS = 1_000;

  private final EventLoop loop;
  private final Partitions partitions;
  private final Dispatcher<RecordWork> dispatcher;
  private final PingCoalescing<RecordWork> pings;
  private final Waiters waiters;
  private final LagReporter lag;
  private final long revokeWaitMs;
  private final Function<TopicPartition, Future<Long>> position;
  private final Runnable changed;
  private boolean assignedOnce;
  private boolean resolving;

  /**
   * @param position asks the consumer for a partition's position (for starts not read at
   *     assignment)
   * @param changed called when what /ready reports may have changed
   */
  Rebalances(
      EventLoop loop,
      Partitions partitions,
      Dispatcher<RecordWork> dispatcher,
      PingCoalescing<RecordWork> pings,
      Waiters waiters,
      LagReporter lag,
      long revokeWaitMs,
      Function<TopicPartition, Future<Long>> position,
      Runnable changed) {
    this.loop = loop;
    this.partitions = partitions;
    this.dispatcher = dispatcher;
    this.pings = pings;
    this.waiters = waiters;
    this.lag = lag;
    this.revokeWaitMs = revokeWaitMs;
    this.position = position;
    this.changed = changed;
  }

  /** Whether an assignment (possibly empty) arrived since subscribing. */
  boolean assignedOnce() {
    return assignedOnce;
  }

  void assigned(Map<TopicPartition, RebalanceBridge.Start> starts) {
    assignedOnce = true;
    List<PartitionState> added = new ArrayList<>(starts.size());
    starts.forEach(
        (tp, start) -> {
          PartitionState ps = partitions.add(tp);
          added.add(ps);
          if (start.position() >= 0) {
            started(ps, start.position(), start.committed());
          }
        });
    partitions.settle(added);
    if (!starts.isEmpty()) {
      LOG.info("Assigned {}", starts.keySet());
    }
    resolveStarts();
    changed.run();
  }

  /** Completes with the offsets to commit for the partitions, once their requests finished. */
  Future<Map<TopicPartition, OffsetAndMetadata>> revoked(Set<TopicPartition> tps) {
    List<PartitionState> leaving = new ArrayList<>();
    for (TopicPartition tp : tps) {
      PartitionState ps = partitions.get(tp);
      if (ps != null) {
        ps.markLeaving();
        leaving.add(ps);
      }
    }
    Set<PartitionState> set = new HashSet<>(leaving);
    dispatcher.drop(w -> set.contains(w.partition));
    pings.drop(w -> set.contains(w.partition));
    return waiters
        .until(() -> leaving.stream().allMatch(PartitionState::quiet), revokeWaitMs)
        .recover(
            err -> {
              LOG.warn(
                  "Revoking {}: requests still under way after {} ms are delivered again by the next owner",
                  tps,
                  revokeWaitMs);
              return Future.succeededFuture();
            })
        .map(
            v -> {
              Map<TopicPartition, OffsetAndMetadata> offsets =
                  Committer.offsetsFor(leaving, new ArrayList<>(), true);
              forget(tps);
              LOG.info("Revoked {}", tps);
              return offsets;
            });
  }

  void lost(Set<TopicPartition> tps) {
    Set<PartitionState> states = new HashSet<>(partitions.remove(tps));
    dispatcher.drop(w -> states.contains(w.partition));
    pings.drop(w -> states.contains(w.partition));
    tps.forEach(lag::forget);
    changed.run();
  }

  private void forget(Set<TopicPartition> tps) {
    partitions.remove(tps);
    tps.forEach(lag::forget);
    changed.run();
    dispatcher.dispatch();
  }

  private void started(PartitionState ps, long position, OffsetAndMetadata committed) {
    long[] done = new long[0];
    if (committed != null && committed.offset() <= position) {
      done = OffsetMetadata.decode(committed.offset(), committed.metadata());
      if (done == null) {
        LOG.info(
            "topic={} partition={}: the committed offset's metadata was not written by this agent; records from offset {} on are delivered again",
            ps.topic(),
            ps.partition(),
            committed.offset());
        done = new long[0];
      }
    }
    ps.start(position, committed, done);
    if (done.length > 0) {
      LOG.info(
          "topic={} partition={}: starting at offset {}; {} records above it were completed before and are skipped",
          ps.topic(),
          ps.partition(),
          position,
          done.length);
    } else {
      LOG.info(
          "topic={} partition={}: starting at offset {}", ps.topic(), ps.partition(), position);
    }
  }

  /**
   * Starts that could not be read at assignment are asked for again, one partition at a time; the
   * committer then commits them (nothing committed is known for them).
   */
  private void resolveStarts() {
    if (resolving) {
      return;
    }
    for (PartitionState ps : partitions.all()) {
      if (!ps.startKnown()) {
        resolving = true;
        position
            .apply(ps.tp())
            .onComplete(
                (pos, err) -> {
                  resolving = false;
                  if (err != null) {
                    loop.setTimer(RESOLVE_RETRY_MS, this::resolveStarts);
                    return;
                  }
                  if (!ps.revoked() && !ps.startKnown()) {
                    started(ps, pos, null);
                    changed.run();
                  }
                  resolveStarts();
                });
        return;
      }
    }
  }
}
