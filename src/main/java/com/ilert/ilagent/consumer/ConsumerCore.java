package com.ilert.ilagent.consumer;

import com.ilert.ilagent.config.AgentConfig;
import com.ilert.ilagent.config.DeliveryConfig;
import com.ilert.ilagent.delivery.Dispatcher;
import com.ilert.ilagent.delivery.PingCoalescing;
import com.ilert.ilagent.delivery.Requests;
import com.ilert.ilagent.group.GroupShare;
import com.ilert.ilagent.group.ShareRefresher;
import com.ilert.ilagent.ilert.IlertApi;
import com.ilert.ilagent.ilert.PolicyClient;
import com.ilert.ilagent.ilert.Reply;
import com.ilert.ilagent.ilert.RetryPolicy;
import com.ilert.ilagent.kafka.ConsumerThread;
import com.ilert.ilagent.kafka.DeadLetterSink;
import com.ilert.ilagent.kafka.KafkaErrors;
import com.ilert.ilagent.kafka.KafkaPort;
import com.ilert.ilagent.kafka.ManagedConsumer;
import com.ilert.ilagent.kafka.MissingTopics;
import com.ilert.ilagent.kafka.PollLoop;
import com.ilert.ilagent.kafka.RebalanceBridge;
import com.ilert.ilagent.logging.RecordRef;
import com.ilert.ilagent.loop.EventLoop;
import com.ilert.ilagent.metrics.AgentMetrics;
import com.ilert.ilagent.offsets.Backpressure;
import com.ilert.ilagent.offsets.Committer;
import com.ilert.ilagent.offsets.LagReporter;
import com.ilert.ilagent.offsets.PartitionState;
import com.ilert.ilagent.offsets.Partitions;
import com.ilert.ilagent.pacing.Pacer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.DoubleSupplier;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka ▶ map ▶ deliver ▶ track offsets ▶ commit: the consumer core's object graph, built here
 * only, for the agent ({@link ConsumerVerticle}), the tests and the simulation alike, and its
 * lifecycle (start, the ordered stop, the state /ready reports). The parts do the work: {@link
 * Intake}, {@link Dispatcher}, {@link Outcomes}, {@link Partitions}, {@link Committer}, {@link
 * Rebalances}, {@link LagReporter}, {@link Requests}, and on the consumer's thread {@link
 * PollLoop}, {@link ManagedConsumer} and {@link RebalanceBridge}. Everything but the consumer's
 * thread runs on one {@link EventLoop}.
 */
public final class ConsumerCore {
  /** The consumer's logger: operators filter the consumer's lines by it. */
  private static final Logger LOG = LoggerFactory.getLogger(ConsumerVerticle.class);

  /** How long a revoke waits for its partitions' requests on the wire. */
  static final long REVOKE_WAIT_MS = 5_000;

  /** The final commit gets at least this long, even after a drain that used its whole bound. */
  static final long FINAL_COMMIT_MIN_MS = 5_000;

  /** Beyond the client's own close bound, for the close to reach the consumer's thread. */
  static final long CLOSE_MARGIN_MS = 1_000;

  /**
   * The most a stop takes beyond {@code --shutdown_timeout_ms} (or {@code --exit_delay_ms} after a
   * failure): the final commit's least time and the close's bound. conf/ilagent.service's
   * TimeoutStopSec covers it.
   */
  public static final long STOP_BEYOND_DRAIN_MS =
      FINAL_COMMIT_MIN_MS + ManagedConsumer.CLOSE_TIMEOUT.toMillis() + CLOSE_MARGIN_MS;

  /**
   * What the core works with besides Kafka.
   *
   * @param loop where the core runs, and its clock
   * @param ilert where events and pings go
   * @param policies the escalation-policy requests, or null without a policy topic
   * @param deadLetters the dead-letter topic, or null without one
   * @param random values in [0, 1) for the retries' jitter
   */
  public record Outside(
      EventLoop loop,
      IlertApi ilert,
      PolicyClient policies,
      DeadLetterSink deadLetters,
      AgentMetrics metrics,
      DoubleSupplier random) {}

  /**
   * What the simulation compares with its models after every step: the partitions and their pauses,
   * what is held, and where the held records are (on the wire, waiting for a retry, queued, held
   * back by the pacer, a dead letter being written).
   */
  public record View(
      Set<TopicPartition> assigned,
      Set<TopicPartition> paused,
      long heldRecords,
      long heldBytes,
      boolean stopping,
      boolean failed,
      int inFlight,
      int waiting,
      int queued,
      int heldKeys,
      int deadLettersPending) {}

  final AgentConfig config;
  final EventLoop loop;
  final AgentMetrics metrics;
  final KafkaPort kafka;
  final Phase phase = new Phase();
  final KafkaErrors errors;
  final Partitions partitions;
  final Waiters waiters;
  final Outcomes outcomes;
  final Dispatcher<RecordWork> dispatcher;
  final PingCoalescing<RecordWork> pings;
  final Committer committer;
  final LagReporter lag;
  final Rebalances rebalances;
  final Intake intake;
  final Drain drain;
  final MissingTopics missingTopics;
  final ShareRefresher shares;
  private PollLoop poll;
  private RebalanceBridge bridge;
  private Runnable changed = () -> {};
  private Consumer<String> failed = why -> {};
  private boolean subscribed;

  /** The event loop's side over {@code kafka}; {@link #create} adds the consumer's thread. */
  ConsumerCore(
      AgentConfig config,
      Outside outside,
      KafkaPort kafka,
      Function<RecordWork, Future<Reply>> send) {
    this(config, outside, kafka, send, Backpressure.DEFAULT);
  }

  /** As above, with other bounds (tests). */
  ConsumerCore(
      AgentConfig config,
      Outside outside,
      KafkaPort kafka,
      Function<RecordWork, Future<Reply>> send,
      Backpressure bounds) {
    this.config = config;
    this.loop = outside.loop();
    this.metrics = outside.metrics();
    this.kafka = kafka;
    DeliveryConfig delivery = config.delivery();
    Pacer pacer = new Pacer(delivery.rateLimits());
    errors = new KafkaErrors(loop, config.kafka().properties(), () -> changed.run());
    partitions = new Partitions(bounds, kafka);
    waiters = new Waiters(loop);
    outcomes =
        new Outcomes(
            outside.deadLetters(),
            partitions,
            metrics,
            delivery.retryMaxMs(),
            this::fail,
            this::progress);
    dispatcher =
        new Dispatcher<>(
            loop,
            delivery.maxInFlight(),
            send,
            pacer,
            RetryPolicy.withDefaults(delivery.retryMaxMs(), outside.random()),
            RetryPolicy.withDefaults(
                Math.min(delivery.retryMaxMs(), RetryPolicy.PING_RETRY_BUDGET_MS),
                outside.random()),
            outcomes,
            metrics);
    committer =
        new Committer(
            loop,
            this::commitTimed,
            partitions,
            config.kafka().commitIntervalMs(),
            errors::healthy,
            this::commitsRefused);
    lag = new LagReporter(loop, kafka::endOffsets, partitions, metrics);
    pings =
        new PingCoalescing<>(
            loop,
            delivery.rateLimits().pingIntervalMs(),
            dispatcher,
            outcomes::coalesced,
            outcomes::dropped);
    shares =
        new ShareRefresher(
            new GroupShare.Topics(
                config.kafka().eventTopics(),
                config.kafka().heartbeatTopics(),
                new ArrayList<>(config.topics())),
            delivery.rateLimits().ipMembers(),
            pacer,
            () -> Future.succeededFuture(assignedPartitions()),
            topic -> kafka.partitionsFor(topic).map(List::size),
            loop::nowMs);
    rebalances =
        new Rebalances(
            loop,
            partitions,
            dispatcher,
            pings,
            waiters,
            lag,
            REVOKE_WAIT_MS,
            kafka::position,
            () -> {
              changed.run();
              shares.refresh(); // the group's rate limits are dealt by partitions
            });
    intake =
        new Intake(
            config,
            partitions,
            dispatcher,
            pings,
            outcomes,
            metrics,
            outside.deadLetters() != null);
    drain = new Drain(phase, partitions, dispatcher, pings, outcomes, waiters);
    missingTopics =
        new MissingTopics(loop, config.topics(), kafka::partitionsFor, () -> changed.run());
  }

  /**
   * The whole core over a Kafka consumer: {@link #pollLoop()} is the consumer's thread, to be run
   * by a thread of its own ({@code thread} says how that thread waits for the event loop).
   */
  public static ConsumerCore create(
      AgentConfig config,
      Outside outside,
      ConsumerThread thread,
      org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer) {
    return create(config, outside, thread, consumer, Backpressure.DEFAULT);
  }

  /** As above, with other bounds (the simulation's are small, to reach them often). */
  public static ConsumerCore create(
      AgentConfig config,
      Outside outside,
      ConsumerThread thread,
      org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer,
      Backpressure bounds) {
    EventLoop loop = outside.loop();
    ManagedConsumer managed = new ManagedConsumer(consumer, loop::nowMs);
    PollLoop poll = new PollLoop(managed, loop);
    Requests requests = new Requests(outside.ilert(), outside.policies());
    ConsumerCore core = new ConsumerCore(config, outside, poll, requests::send, bounds);
    core.poll = poll;
    core.bridge =
        new RebalanceBridge(
            managed,
            thread,
            new RebalancesOnContext(loop, core.errors, core.rebalances),
            ManagedConsumer.CALL_TIMEOUT,
            Duration.ofMillis(REVOKE_WAIT_MS),
            core.partitions::pauseNew,
            err -> loop.execute(() -> core.commitsRefused(err)));
    poll.handlers(core::onBatch, core.errors::report);
    return core;
  }

  /** Called on the event loop when what /ready reports may have changed. */
  public void onStateChange(Runnable changed) {
    this.changed = changed;
  }

  /** Called on the event loop, once, when a record cannot be finished: the agent must exit 1. */
  public void onFailure(Consumer<String> failed) {
    this.failed = failed;
  }

  /** The consumer's thread. */
  public PollLoop pollLoop() {
    return poll;
  }

  /** Subscribes; records flow once Kafka assigns partitions. */
  public Future<Void> start() {
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
  public Future<Void> stop() {
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

  private void onBatch(PollLoop.Batch batch) {
    errors.healthy();
    if (phase.takesRecords()) {
      intake.accept(batch.records(), batch.positions());
    } else {
      intake.observe(batch.records(), batch.positions());
    }
  }

  /** A record finished or completed: commit soon, and wake whoever waits for work to finish. */
  private void progress() {
    committer.kick();
    hurryWhenCaughtUp();
    waiters.check();
  }

  /** A commit, its round trip measured. */
  private Future<Void> commitTimed(Map<TopicPartition, OffsetAndMetadata> offsets) {
    long start = loop.nowMs();
    Future<Void> answered = kafka.commit(offsets);
    hurryWhenCaughtUp();
    return answered.onSuccess(v -> metrics.committed((loop.nowMs() - start) * 1_000_000));
  }

  /**
   * Everything received is done: the commits handed over go out now, not after the poll under way.
   * While records flow, the polls pace them.
   */
  private void hurryWhenCaughtUp() {
    if (dispatcher.idle()) {
      kafka.hurry();
    }
  }

  /**
   * A record cannot be finished: stop taking records, keep it uncommitted, and have the agent exit
   * 1.
   */
  private void fail(RecordRef ref, String why) {
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
  private void commitsRefused(Throwable err) {
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

  /** The consumer's state as /ready reports it. */
  public JsonObject state() {
    boolean assigned = rebalances.assignedOnce() && partitions.startsKnown();
    boolean ready = subscribed && assigned && phase.takesRecords() && missingTopics.allPresent();
    return new JsonObject()
        .put("component", "kafka")
        .put("ready", ready)
        .put("consumer_started", true)
        .put("subscribed", subscribed)
        .put("assigned", assigned)
        .put("partitions", partitions.size())
        .put("stopping", phase.stopping())
        .put("delivery_failed", phase.failed())
        .put("missing_topics", missingTopics.json())
        .put("error", errors.lastError());
  }

  private Set<TopicPartition> assignedPartitions() {
    Set<TopicPartition> assigned = new HashSet<>();
    for (PartitionState ps : partitions.all()) {
      assigned.add(ps.tp());
    }
    return assigned;
  }

  /** The agent's view of its partitions and what it holds. */
  public View view() {
    Set<TopicPartition> assigned = assignedPartitions();
    Set<TopicPartition> paused = new HashSet<>();
    for (PartitionState ps : partitions.all()) {
      if (ps.paused()) {
        paused.add(ps.tp());
      }
    }
    return new View(
        assigned,
        paused,
        partitions.heldRecords(),
        partitions.heldBytes(),
        phase.stopping(),
        phase.failed(),
        dispatcher.inFlight(),
        dispatcher.waiting(),
        dispatcher.queued(),
        dispatcher.heldKeys(),
        outcomes.deadLettersPending());
  }
}
