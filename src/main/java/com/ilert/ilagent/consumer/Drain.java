package com.ilert.ilagent.consumer;

import com.ilert.ilagent.delivery.Dispatcher;
import com.ilert.ilagent.delivery.PingCoalescing;
import com.ilert.ilagent.offsets.Partitions;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end of work, at a stop or after a delivery failure: no new records, then a bounded wait for
 * what was started. Runs on the consumer verticle's event loop.
 */
final class Drain {
  /** The consumer's logger: operators filter the stop's lines by it. */
  private static final Logger LOG = LoggerFactory.getLogger(ConsumerVerticle.class);

  private final Phase phase;
  private final Partitions partitions;
  private final Dispatcher<RecordWork> dispatcher;
  private final PingCoalescing<RecordWork> pings;
  private final Outcomes outcomes;
  private final Waiters waiters;

  Drain(
      Phase phase,
      Partitions partitions,
      Dispatcher<RecordWork> dispatcher,
      PingCoalescing<RecordWork> pings,
      Outcomes outcomes,
      Waiters waiters) {
    this.phase = phase;
    this.partitions = partitions;
    this.dispatcher = dispatcher;
    this.pings = pings;
    this.outcomes = outcomes;
    this.waiters = waiters;
  }

  /**
   * No new records: everything is paused and what waits in the queue is dropped (it stays
   * uncommitted). A clean stop keeps the records below each partition's highest started offset, so
   * the committed prefix reaches everything delivered and a restart sends nothing twice.
   */
  void stopTaking(boolean everything) {
    partitions.freeze();
    dispatcher.drop(w -> everything || w.offset > w.partition.maxStarted());
    pings.stop();
  }

  /**
   * Waits up to {@code boundMs} until nothing is in flight, waiting for a retry or queued before
   * them, and no dead letter is being written; then what is left is abandoned (it stays
   * uncommitted). The phase is stopped afterwards either way.
   */
  Future<Void> until(long boundMs) {
    if (quiet()) {
      phase.stopped();
      return Future.succeededFuture();
    }
    LOG.info(
        "Waiting up to {} ms for {} deliveries in flight, {} waiting to retry and {} before them",
        boundMs,
        dispatcher.inFlight(),
        dispatcher.waiting(),
        dispatcher.queued());
    return waiters
        .until(this::quiet, boundMs)
        .recover(
            err -> {
              LOG.warn(
                  "{} deliveries not finished in time; they stay uncommitted and are delivered"
                      + " again after a restart",
                  dispatcher.inFlight() + dispatcher.waiting() + dispatcher.queued());
              dispatcher.halt();
              return Future.succeededFuture();
            })
        .onComplete(ar -> phase.stopped());
  }

  private boolean quiet() {
    return dispatcher.idle() && outcomes.deadLettersPending() == 0;
  }
}
