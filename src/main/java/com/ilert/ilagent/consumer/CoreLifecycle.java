package com.ilert.ilagent.consumer;

import com.ilert.ilagent.config.AgentConfig;
import com.ilert.ilagent.kafka.ManagedConsumer;
import com.ilert.ilagent.kafka.MissingTopics;
import com.ilert.ilagent.kafka.PollLoop;
import com.ilert.ilagent.kafka.RebalanceBridge;
import com.ilert.ilagent.logging.RecordRef;
import com.ilert.ilagent.loop.EventLoop;
import com.ilert.ilagent.offsets.Committer;
import com.ilert.ilagent.offsets.LagReporter;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer core's life: the start (subscribe, then the timers), the ordered stop (drain bound,
 * then a final commit of at least {@link #FINAL_COMMIT_MIN_MS}, then a close the stop waits for
 * only within its own bound), and the two failures that make the agent exit 1 (a record that cannot
 * be finished, commits the group refuses for good). Runs on the core's event loop.
 */
final class CoreLifecycle {
  /** The consumer's logger: operators filter the consumer's lines by it. */
  private static final Logger LOG = LoggerFactory.getLogger(ConsumerVerticle.class);

  /** The final commit gets at least this long, even after a drain that used its whole bound. */
  static final long FINAL_COMMIT_MIN_MS = 5_000;

  /** Beyond the client's own close bound, for the close to reach the consumer's thread. */
  static final long CLOSE_MARGIN_MS = 1_000;

  /** See {@link ConsumerCore#STOP_BEYOND_DRAIN_MS}. */
  static final long STOP_BEYOND_DRAIN_MS =
      FINAL_COMMIT_MIN_MS + ManagedConsumer.CLOSE_TIMEOUT.toMillis() + CLOSE_MARGIN_MS;

  private final AgentConfig config;
  private final EventLoop loop;
  private final Phase phase;
  private final Drain drain;
  private final Committer committer;
  private final LagReporter lag;
  private final MissingTopics missingTopics;
  private final Runnable changed;
  private final Consumer<String> failed;
  private PollLoop poll;
  private RebalanceBridge bridge;
  private boolean subscribed;

  /**
   * @param changed what /ready reports may have changed
   * @param failed the agent must exit 1, for this reason
   */
  CoreLifecycle(
      AgentConfig config,
      EventLoop loop,
      Phase phase,
      Drain drain,
      Committer committer,
      LagReporter lag,
      MissingTopics missingTopics,
      Runnable changed,
      Consumer<String> failed) {
    this.config = config;
    this.loop = loop;
    this.phase = phase;
    this.drain = drain;
    this.committer = committer;
    this.lag = lag;
    this.missingTopics = missingTopics;
    this.changed = changed;
    this.failed = failed;
  }

  /** The consumer's thread side, when there is one (the test harness has none). */
  void attach(PollLoop poll, RebalanceBridge bridge) {
    this.poll = poll;
    this.bridge = bridge;
  }

  boolean subscribed() {
    return subscribed;
  }

  /** Subscribes; records flow once Kafka assigns partitions. */
  Future<Void> start() {
    Set<String> topics = new LinkedHashSet<>(config.topics());
    return poll.subscribe(topics, bridge)
        .onSuccess(
            v -> {
              subscribed = true;
              phase.running();
              committer.start();
              lag.start();
              missingTopics.start();
              LOG.info("Subscribed to {} as group {}", topics, config.kafka().groupId());
              changed.run();
            });
  }

  /** Graceful stop: no new records, started ones finish (bounded), completed offsets committed. */
  Future<Void> stop() {
    long bound = phase.failed() ? config.shutdown().exitDelayMs() : config.shutdown().timeoutMs();
    long deadline = loop.nowMs() + bound;
    if (bridge != null) {
      bridge.stopping();
    }
    if (phase.drain()) {
      drain.stopTaking(false);
    }
    changed.run();
    return drain
        .until(bound)
        .compose(v -> committer.commitFinal(Math.max(deadline, loop.nowMs() + FINAL_COMMIT_MIN_MS)))
        .recover(err -> Future.succeededFuture())
        .compose(v -> close());
  }

  private Future<Void> close() {
    if (bridge != null) {
      bridge.closing();
    }
    lag.stop();
    missingTopics.stop();
    if (poll == null) {
      return Future.succeededFuture();
    }
    // The close runs after what the consumer's thread is doing (a rebalance's look-ups may take
    // their bounds one after another): the stop waits for it only within the close's own bound.
    Promise<Void> closed = Promise.promise();
    long bound = ManagedConsumer.CLOSE_TIMEOUT.toMillis() + CLOSE_MARGIN_MS;
    long timer =
        loop.setTimer(
            bound,
            () -> {
              if (closed.tryComplete()) {
                LOG.warn(
                    "Closing the Kafka consumer: not closed within {} ms (its thread is busy);"
                        + " stopping without it",
                    bound);
              }
            });
    poll.close()
        .onComplete(
            (v, err) -> {
              loop.cancelTimer(timer);
              if (err != null) {
                LOG.warn("Closing the Kafka consumer: {}", err.toString());
              }
              closed.tryComplete();
            });
    return closed.future();
  }

  /**
   * A record cannot be finished: stop taking records, keep it uncommitted, and have the agent exit
   * 1.
   */
  void fail(RecordRef ref, String why) {
    if (!phase.fail()) {
      return;
    }
    ref.log(
        () ->
            LOG.error(
                "{}; its offset stays uncommitted, exiting with code 1 in {} ms",
                why,
                config.shutdown().exitDelayMs()));
    drain.stopTaking(true);
    changed.run();
    failed.accept(why);
  }

  /** The group refuses this member's commits for good: the agent exits 1, a restart joins anew. */
  void commitsRefused(Throwable err) {
    if (!phase.fail()) {
      return;
    }
    String why = "Kafka refuses the commits for good (" + err + ")";
    LOG.error(
        "{}; what completed since the last commit is delivered again after a restart, exiting"
            + " with code 1 in {} ms",
        why,
        config.shutdown().exitDelayMs());
    drain.stopTaking(true);
    changed.run();
    failed.accept(why);
  }
}
