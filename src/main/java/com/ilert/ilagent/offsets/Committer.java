package com.ilert.ilagent.offsets;

import com.ilert.ilagent.loop.EventLoop;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits each partition's completed prefix. One commit is in flight at a time; progress made
 * meanwhile is committed as soon as it returns (at most one commit per {@link #MIN_GAP_MS}), so a
 * crash delivers again little more than what was in flight. A periodic commit backs this up. The
 * final commit at shutdown is retried, e.g. through a rebalance, until the shutdown's deadline.
 * Every attempt has a deadline of its own: an answer that never comes must not stop the commits, or
 * the stop. A commit the group refuses for good (not authorized, a fenced instance) fails the
 * agent: it would otherwise deliver on and never commit. Runs on one event loop.
 */
public final class Committer {
  private static final Logger LOG = LoggerFactory.getLogger(Committer.class);

  /**
   * Least time between the start of two commits: each one runs on the consumer's one thread, and is
   * work for the broker. At 10 ms, a steady 100 events/s (a commit after each) added about a
   * millisecond to the median latency of bench row D.
   */
  static final long MIN_GAP_MS = 25;

  /** Wait between attempts of the final commit. */
  static final long FINAL_RETRY_MS = 250;

  /** One buffer per event loop thread for the metadata of the partitions of a commit. */
  private static final ThreadLocal<OffsetMetadata.Writer> WRITER =
      ThreadLocal.withInitial(OffsetMetadata.Writer::new);

  /**
   * Sends a commit and completes when the broker answered: in production a commitAsync on the
   * consumer's thread ({@link ManagedConsumer#commitWithoutBlocking}).
   */
  public interface Port {
    Future<Void> commit(Map<TopicPartition, OffsetAndMetadata> offsets);
  }

  private final EventLoop loop;
  private final Port port;
  private final Partitions partitions;
  private final long intervalMs;
  private final long attemptMs;
  private final Runnable onSuccess;
  private final Consumer<Throwable> onFatal;
  private Future<Void> inFlight = Future.succeededFuture();
  private boolean committing;
  private boolean dirty;
  private boolean closed;
  private boolean failing;
  private long lastStartMs;
  private long periodicTimer = -1;
  private long soonTimer = -1;

  /**
   * @param attemptMs how long one commit may stay unanswered before the next one may go: the
   *     client's own bound on a blocking call (it answers a commit within it, or throws at once)
   * @param onSuccess called after every successful commit (the Kafka connection is healthy)
   * @param onFatal called when the group refuses the commits for good
   */
  public Committer(
      EventLoop loop,
      Port port,
      Partitions partitions,
      long intervalMs,
      long attemptMs,
      Runnable onSuccess,
      Consumer<Throwable> onFatal) {
    this.loop = loop;
    this.port = port;
    this.partitions = partitions;
    this.intervalMs = intervalMs;
    this.attemptMs = attemptMs;
    this.onSuccess = onSuccess;
    this.onFatal = onFatal;
  }

  /** Errors after which no commit of this member can succeed: the agent must go. */
  public static boolean fatal(Throwable err) {
    return err instanceof AuthorizationException || err instanceof FencedInstanceIdException;
  }

  public void start() {
    periodicTimer =
        loop.setTimer(
            intervalMs,
            () -> {
              if (!closed) {
                commit();
                start();
              }
            });
  }

  /** Something completed: commit it soon. */
  public void kick() {
    if (closed) {
      return;
    }
    if (committing) {
      dirty = true;
    } else if (soonTimer < 0) {
      long wait = Math.max(1, lastStartMs + MIN_GAP_MS - loop.nowMs());
      soonTimer =
          loop.setTimer(
              wait,
              () -> {
                soonTimer = -1;
                commit();
              });
    }
  }

  /** Commits what completed, unless a commit is in flight (then right after it). */
  public Future<Void> commit() {
    if (closed) {
      return inFlight;
    }
    if (committing) {
      dirty = true;
      return inFlight;
    }
    List<PartitionState> states = new ArrayList<>();
    Map<TopicPartition, OffsetAndMetadata> offsets = offsetsFor(partitions.all(), states, false);
    for (PartitionState ps : partitions.all()) {
      if (ps.paused() && !ps.metadataFull()) {
        partitions.progressed(ps); // paused while its completions did not fit: maybe they do now
      }
    }
    if (offsets.isEmpty()) {
      return Future.succeededFuture();
    }
    committing = true;
    dirty = false;
    lastStartMs = loop.nowMs();
    inFlight =
        send(offsets, states, attemptMs)
            .recover(err -> Future.succeededFuture())
            .onComplete(
                ar -> {
                  committing = false;
                  if (dirty) {
                    kick();
                  }
                });
    return inFlight;
  }

  /**
   * The last commit: after the one in flight, with everything completed by now, retried until
   * {@code deadlineMs} ({@link EventLoop#nowMs()} time; a rebalance under way fails it). No other
   * commit starts afterwards.
   */
  public Future<Void> commitFinal(long deadlineMs) {
    closed = true;
    loop.cancelTimer(periodicTimer);
    loop.cancelTimer(soonTimer);
    // The commit in flight may hold offsets below the final one's: it goes first, within the
    // deadline.
    Promise<Void> previous = Promise.promise();
    long timer = loop.setTimer(Math.max(1, deadlineMs - loop.nowMs()), previous::tryComplete);
    inFlight.onComplete(
        ar -> {
          loop.cancelTimer(timer);
          previous.tryComplete();
        });
    return previous.future().compose(v -> finalAttempt(deadlineMs));
  }

  /**
   * What to commit for these partitions, or nothing for those already committed; {@code states}
   * receives the partitions included, in the same order. Partitions on their way out only with
   * {@code leaving} (their revoke's own commit).
   */
  public static Map<TopicPartition, OffsetAndMetadata> offsetsFor(
      Collection<PartitionState> candidates, List<PartitionState> states, boolean leaving) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    OffsetMetadata.Writer writer = WRITER.get();
    for (PartitionState ps : candidates) {
      // A partition on its way out is committed by its revoke, before it moves: a commit sent later
      // could move back the offset of its next assignment, here or elsewhere.
      boolean skip = ps.revoked() || (ps.leaving() && !leaving);
      OffsetAndMetadata point = skip ? null : ps.commitPoint(writer);
      if (point != null) {
        offsets.put(ps.tp(), point);
        states.add(ps);
      }
    }
    return offsets;
  }

  private Future<Void> finalAttempt(long deadlineMs) {
    List<PartitionState> states = new ArrayList<>();
    Map<TopicPartition, OffsetAndMetadata> offsets = offsetsFor(partitions.all(), states, false);
    if (offsets.isEmpty()) {
      return Future.succeededFuture();
    }
    long bound = Math.min(attemptMs, Math.max(1, deadlineMs - loop.nowMs()));
    return send(offsets, states, bound)
        .recover(
            err -> {
              if (!fatal(err) && loop.nowMs() + FINAL_RETRY_MS < deadlineMs) {
                LOG.info("Final commit failed ({}); trying again", err.toString());
                return loop.timer(FINAL_RETRY_MS).compose(v -> finalAttempt(deadlineMs));
              }
              LOG.warn(
                  "Final commit of {} failed ({}); what completed since the last commit is delivered again after a restart",
                  offsets.keySet(),
                  err.toString());
              return Future.failedFuture(err);
            });
  }

  /** One commit, failed if not answered within {@code boundMs}. */
  private Future<Void> send(
      Map<TopicPartition, OffsetAndMetadata> offsets, List<PartitionState> states, long boundMs) {
    Promise<Void> attempt = Promise.promise();
    int[] epochs = new int[states.size()];
    for (int i = 0; i < epochs.length; i++) {
      epochs[i] = states.get(i).epoch();
    }
    long timer =
        loop.setTimer(
            boundMs,
            () -> attempt.tryFail(new TimeoutException("no answer within " + boundMs + " ms")));
    port.commit(offsets)
        .onComplete(
            (v, err) -> {
              loop.cancelTimer(timer);
              if (err == null) {
                attempt.tryComplete();
              } else {
                attempt.tryFail(err);
              }
            });
    return attempt
        .future()
        .onSuccess(
            v -> {
              for (int i = 0; i < epochs.length; i++) {
                PartitionState ps = states.get(i);
                ps.committed(offsets.get(ps.tp()), epochs[i]);
              }
              if (failing) {
                LOG.info("Commits succeed again");
                failing = false;
              }
              if (LOG.isDebugEnabled()) {
                LOG.debug("Committed {}", offsets);
              }
              onSuccess.run();
            })
        .onFailure(
            err -> {
              // A rebalance or a coordinator move fails commits for a while; say so once, not per
              // commit.
              if (!failing && !closed) {
                LOG.warn("Commit of {} failed ({}); will retry", offsets.keySet(), err.toString());
              } else {
                LOG.debug("Commit of {} failed ({})", offsets.keySet(), err.toString());
              }
              failing = true;
              if (fatal(err)) {
                onFatal.accept(err);
              }
            });
  }
}
