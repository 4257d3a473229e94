package com.ilert.ilagent.consumer;

import com.ilert.ilagent.delivery.Dispatcher;
import com.ilert.ilagent.ilert.IlertAnswer;
import com.ilert.ilagent.ilert.Reply;
import com.ilert.ilagent.kafka.DeadLetterSink;
import com.ilert.ilagent.logging.RecordRef;
import com.ilert.ilagent.mapping.MappingResult;
import com.ilert.ilagent.mapping.SkipReason;
import com.ilert.ilagent.metrics.AgentMetrics;
import com.ilert.ilagent.offsets.PartitionState;
import com.ilert.ilagent.offsets.Partitions;
import com.ilert.ilagent.redaction.Redaction;
import java.util.HashSet;
import java.util.Set;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a finished record means for its offset: delivered or skipped records are done; records given
 * up on (bad input, rejected by ilert) go to the dead-letter topic first when there is one; an
 * event whose retry budget is spent, or a dead letter that cannot be written, fails the agent and
 * stays uncommitted. A ping that keeps failing is logged and done: it never holds events back.
 */
final class Outcomes implements Dispatcher.Listener<RecordWork> {
  private static final Logger LOG = LoggerFactory.getLogger(Outcomes.class);

  private final DeadLetterSink deadLetters;
  private final Partitions partitions;
  private final AgentMetrics metrics;
  private final long retryMaxMs;
  private final BiConsumer<RecordRef, String> fail;
  private final Runnable progress;
  private int deadLettersPending;
  private final Set<Integer> unexpected = new HashSet<>();

  /**
   * @param deadLetters the dead-letter topic's writer, or null without one
   * @param fail stops the agent with exit code 1: the record and the reason for the log
   * @param progress called after an offset completed (commit soon) or a record finished, once the
   *     state is updated
   */
  Outcomes(
      DeadLetterSink deadLetters,
      Partitions partitions,
      AgentMetrics metrics,
      long retryMaxMs,
      BiConsumer<RecordRef, String> fail,
      Runnable progress) {
    this.deadLetters = deadLetters;
    this.partitions = partitions;
    this.metrics = metrics;
    this.retryMaxMs = retryMaxMs;
    this.fail = fail;
    this.progress = progress;
  }

  /** Dead-letter writes under way. */
  int deadLettersPending() {
    return deadLettersPending;
  }

  /** A record that is not sent (see {@link MappingResult.Skip}). */
  void skipped(
      PartitionState ps,
      ConsumerRecord<byte[], byte[]> record,
      MappingResult.Skip skip,
      boolean policy) {
    metrics.skipped(skip.reason());
    if (policy) {
      metrics.policyUpdate(skip.reason() == SkipReason.FILTERED ? "filtered" : "skipped");
    }
    if (skip.reason() == SkipReason.FILTERED) {
      // Filtering is the configured, normal case (often most records): no warning per record.
      if (LOG.isDebugEnabled()) {
        LOG.debug(
            "topic={} partition={} offset={}: filtered out: {}",
            record.topic(),
            record.partition(),
            record.offset(),
            skip.detail());
      }
      complete(ps, ps.epoch(), record.offset());
      return;
    }
    RecordRef ref = RecordRef.of(record.topic(), record.partition(), record.offset());
    ref.log(() -> LOG.warn("{}: skipped ({}): {}", ref, skip.reason().label(), skip.detail()));
    giveUp(ps, ps.epoch(), record.offset(), record, skip.reason().label(), skip.detail(), null);
  }

  @Override
  public void delivered(RecordWork work, Reply reply) {
    if (!work.policy() && reply.unexpectedSuccess() && unexpected.add(reply.answer().status())) {
      RecordRef ref = work.where();
      ref.log(
          () ->
              LOG.warn(
                  "{}: ilert answered {} instead of 202; counted as delivered (is --api_url ilert's, or does a proxy answer?). Said once per status.",
                  ref,
                  reply.answer().status()));
    }
    if (LOG.isDebugEnabled()) {
      RecordRef ref = work.where();
      ref.log(() -> LOG.debug("{}: {} delivered ({})", ref, work.what(), reply.describe()));
    }
    if (work.heartbeat()) {
      metrics.ping("topic", "delivered");
    } else if (work.policy()) {
      metrics.policyUpdate("updated");
    } else {
      metrics.delivered(work.receivedNanos);
    }
    partitions.release(work.partition, work.bytes);
    complete(work.partition, work.epoch, work.offset);
  }

  @Override
  public void rejected(RecordWork work, Reply reply) {
    RecordRef ref = work.where();
    ref.log(() -> LOG.warn("{}: {} rejected, skipped: {}", ref, work.what(), reply.describe()));
    metrics.skipped(SkipReason.REJECTED);
    if (work.heartbeat()) {
      metrics.ping("topic", "rejected");
    } else if (work.policy()) {
      metrics.policyUpdate("rejected");
    }
    partitions.release(work.partition, work.bytes);
    giveUp(
        work.partition,
        work.epoch,
        work.offset,
        work.record,
        SkipReason.REJECTED.label(),
        reply.describe(),
        reply.answer());
  }

  @Override
  public void failed(RecordWork work, Reply reply) {
    partitions.release(work.partition, work.bytes);
    RecordRef ref = work.where();
    if (work.heartbeat()) {
      ref.log(
          () ->
              LOG.warn(
                  "{}: ping for key {} failed after {} attempts, skipped: {}",
                  ref,
                  Redaction.key(work.key()),
                  work.attempts(),
                  reply.describe()));
      metrics.ping("topic", "failed");
      complete(work.partition, work.epoch, work.offset);
      return;
    }
    metrics.deliveryFailure();
    if (work.policy()) {
      metrics.policyUpdate("failed");
    }
    fail.accept(
        ref,
        String.format(
            "%s: %s not delivered after %d attempts within --retry_max_ms=%d (%s)",
            ref, work.what(), work.attempts(), retryMaxMs, reply.describe()));
    progress.run();
  }

  /**
   * A heartbeat record whose liveness a later record's ping carries: done without a ping of its
   * own.
   */
  void coalesced(RecordWork work) {
    metrics.ping("topic", "coalesced");
    partitions.release(work.partition, work.bytes);
    complete(work.partition, work.epoch, work.offset);
  }

  /** The partition's committable offset may have moved without a record finishing. */
  void advanced(PartitionState ps) {
    partitions.progressed(ps);
    progress.run();
  }

  @Override
  public void dropped(RecordWork work) {
    partitions.release(work.partition, work.bytes);
    progress.run();
  }

  /**
   * Completes a record given up on, after writing it to the dead-letter topic when there is one.
   */
  private void giveUp(
      PartitionState ps,
      int epoch,
      long offset,
      ConsumerRecord<byte[], byte[]> record,
      String reason,
      String detail,
      IlertAnswer answer) {
    if (deadLetters == null || record == null) {
      complete(ps, epoch, offset);
      return;
    }
    deadLettersPending++;
    ps.deadLetterStarted();
    deadLetters
        .send(record, reason, detail, answer)
        .onComplete(
            (v, err) -> {
              deadLettersPending--;
              ps.deadLetterEnded();
              if (err == null) {
                metrics.deadLettered();
                complete(ps, epoch, offset);
              } else {
                RecordRef ref = RecordRef.of(record.topic(), record.partition(), record.offset());
                fail.accept(
                    ref,
                    ref
                        + ": cannot write to dead-letter topic "
                        + deadLetters.topic()
                        + " ("
                        + err
                        + ")");
                progress.run();
              }
            });
  }

  private void complete(PartitionState ps, int epoch, long offset) {
    if (ps.complete(epoch, offset)) {
      partitions.progressed(
          ps); // it may have been the record that held the partition's commits back
    }
    progress.run();
  }
}
