package com.ilert.ilagent.consumer;

import com.ilert.ilagent.config.AgentConfig;
import com.ilert.ilagent.config.DeliveryConfig;
import com.ilert.ilagent.delivery.Dispatcher;
import com.ilert.ilagent.delivery.PingCoalescing;
import com.ilert.ilagent.delivery.Requests;
import com.ilert.ilagent.group.GroupShare;
import com.ilert.ilagent.group.ShareRefresher;
import com.ilert.ilagent.ilert.Reply;
import com.ilert.ilagent.ilert.RetryPolicy;
import com.ilert.ilagent.kafka.ConsumerThread;
import com.ilert.ilagent.kafka.KafkaErrors;
import com.ilert.ilagent.kafka.KafkaPort;
import com.ilert.ilagent.kafka.ManagedConsumer;
import com.ilert.ilagent.kafka.MissingTopics;
import com.ilert.ilagent.kafka.PollLoop;
import com.ilert.ilagent.kafka.RebalanceBridge;
import com.ilert.ilagent.loop.EventLoop;
import com.ilert.ilagent.metrics.AgentMetrics;
import com.ilert.ilagent.offsets.Backpressure;
import com.ilert.ilagent.offsets.Committer;
import com.ilert.ilagent.offsets.LagReporter;
import com.ilert.ilagent.offsets.Partitions;
import com.ilert.ilagent.pacing.Pacer;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Kafka ▶ map ▶ deliver ▶ track offsets ▶ commit: the consumer core's object graph, built here
 * only, for the agent ({@link ConsumerVerticle}), the tests and the simulation alike, with its life
 * in {@link CoreLifecycle} and the state /ready reports. Everything but the consumer's thread
 * ({@link PollLoop}, {@link RebalanceBridge}) runs on one {@link EventLoop}.
 */
public final class ConsumerCore {
  /** How long a revoke waits for its partitions' requests on the wire. */
  static final long REVOKE_WAIT_MS = 5_000;

  /**
   * The most a stop takes beyond {@code --shutdown_timeout_ms} (or {@code --exit_delay_ms} after a
   * failure): the final commit's least time and the close's bound. conf/ilagent.service's
   * TimeoutStopSec covers it.
   */
  public static final long STOP_BEYOND_DRAIN_MS = CoreLifecycle.STOP_BEYOND_DRAIN_MS;

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
  CoreLifecycle life; // set last in the constructor: the parts before it call it back
  private PollLoop poll;
  private Runnable changed = () -> {};
  private Consumer<String> failed = why -> {};

  /** The event loop's side over {@code kafka}; {@link #create} adds the consumer's thread. */
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
            (ref, why) -> this.life.fail(ref, why),
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
            ManagedConsumer.CALL_TIMEOUT.toMillis(),
            errors::healthy,
            err -> this.life.commitsRefused(err));
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
            () -> Future.succeededFuture(partitions.assigned()),
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
    life =
        new CoreLifecycle(
            config,
            loop,
            phase,
            drain,
            committer,
            lag,
            missingTopics,
            () -> changed.run(),
            why -> failed.accept(why));
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
    RebalanceBridge bridge =
        new RebalanceBridge(
            managed,
            thread,
            new RebalancesOnContext(loop, core.errors, core.rebalances),
            ManagedConsumer.CALL_TIMEOUT,
            Duration.ofMillis(REVOKE_WAIT_MS),
            core.partitions::pauseNew,
            err -> loop.execute(() -> core.life.commitsRefused(err)));
    poll.handlers(core::onBatch, core.errors::report);
    core.life.attach(poll, bridge);
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

  /** Subscribes; records flow once Kafka assigns partitions. */
  public Future<Void> start() {
    return life.start();
  }

  /** Graceful stop: no new records, started ones finish (bounded), completed offsets committed. */
  public Future<Void> stop() {
    return life.stop();
  }

  /** The consumer's thread. */
  public PollLoop pollLoop() {
    return poll;
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

  /** The consumer's state as /ready reports it. */
  public JsonObject state() {
    boolean assigned = rebalances.assignedOnce() && partitions.startsKnown();
    boolean ready =
        life.subscribed() && assigned && phase.takesRecords() && missingTopics.allPresent();
    return new JsonObject()
        .put("component", "kafka")
        .put("ready", ready)
        .put("consumer_started", true)
        .put("subscribed", life.subscribed())
        .put("assigned", assigned)
        .put("partitions", partitions.size())
        .put("stopping", phase.stopping())
        .put("delivery_failed", phase.failed())
        .put("missing_topics", missingTopics.json())
        .put("error", errors.lastError());
  }

  /** The agent's view of its partitions and what it holds. */
  public CoreView view() {
    return CoreView.of(partitions, phase, dispatcher, outcomes.deadLettersPending());
  }
}
