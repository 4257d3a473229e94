package com.ilert.ilagent.kafka;

import com.ilert.ilagent.Addresses;
import com.ilert.ilagent.config.AgentConfig;
import com.ilert.ilagent.config.DeliveryConfig;
import com.ilert.ilagent.group.GroupShare;
import com.ilert.ilagent.group.ShareRefresher;
import com.ilert.ilagent.ilert.IlertClient;
import com.ilert.ilagent.ilert.PolicyClient;
import com.ilert.ilagent.ilert.RetryPolicy;
import com.ilert.ilagent.metrics.AgentMetrics;
import com.ilert.ilagent.pacing.Pacer;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.consumer.KafkaReadStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka ▶ map ▶ deliver ▶ track offsets ▶ commit. This verticle wires the parts together and adapts
 * Kafka's callbacks (records, errors, rebalances) onto its context; the parts do the work: {@link
 * Intake}, {@link Dispatcher}, {@link Outcomes}, {@link Partitions}, {@link Committer}, {@link
 * Rebalances} (through {@link RebalancesOnContext}), {@link LagReporter}, {@link Requests}, and the
 * {@link Phase} it is in.
 */
public final class ConsumerVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(ConsumerVerticle.class);

  /** Commits queue behind the poll on the consumer's one thread: a short poll keeps them prompt. */
  private static final Duration POLL_TIMEOUT = Duration.ofMillis(50);

  /** How long a revoke waits for its partitions' requests on the wire. */
  private static final long REVOKE_WAIT_MS = 5_000;

  /** The final commit gets at least this long, even after a drain that used its whole bound. */
  private static final long FINAL_COMMIT_MIN_MS = 5_000;

  private final AgentConfig config;
  private final IlertClient client;
  private final AgentMetrics metrics;
  private final Phase phase = new Phase();
  private Requests requests;
  private KafkaErrors errors;
  private DeadLetters deadLetters;
  private KafkaReadStream<byte[], byte[]> stream;
  private RebalanceBridge bridge;
  private ManagedConsumer consumer;
  private Partitions partitions;
  private Waiters waiters;
  private Outcomes outcomes;
  private Dispatcher dispatcher;
  private PingCoalescing pings;
  private Committer committer;
  private LagReporter lag;
  private Rebalances rebalances;
  private Intake intake;
  private Drain drain;
  private boolean subscribed;

  public ConsumerVerticle(AgentConfig config, IlertClient client, AgentMetrics metrics) {
    this.config = config;
    this.client = client;
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    errors = new KafkaErrors(context, config.kafka().properties(), this::publishState);
    Set<String> topics = new LinkedHashSet<>(config.topics());
    requests =
        new Requests(
            client,
            config.policy() == null ? null : new PolicyClient(client, config.policy().apiToken()));
    if (config.policy() != null) {
      metrics.policyTopic();
    }
    Future<Void> deadLettersReady =
        config.kafka().deadLetterTopic() == null
            ? Future.succeededFuture()
            : DeadLetters.create(vertx, config.kafka())
                .map(
                    d -> {
                      deadLetters = d;
                      return null;
                    });
    // Creating the Kafka client resolves broker names: keep it off the event loop.
    return deadLettersReady
        .compose(v -> vertx.executeBlocking(() -> KafkaSettings.createConsumer(config.kafka())))
        .compose(
            consumer -> {
              wire(consumer);
              return stream.subscribe(topics);
            })
        .onSuccess(
            v -> {
              subscribed = true;
              phase.running();
              committer.start();
              lag.start();
              LOG.info("Subscribed to {} as group {}", topics, config.kafka().groupId());
              publishState();
            });
  }

  private void wire(ManagedConsumer consumer) {
    this.consumer = consumer;
    stream = KafkaReadStream.create(vertx, consumer);
    partitions =
        new Partitions(Backpressure.DEFAULT, Partitions.Fetching.of(stream::pause, stream::resume));
    waiters = new Waiters(vertx);
    DeliveryConfig delivery = config.delivery();
    Pacer pacer = new Pacer(delivery.rateLimits());
    ShareRefresher shares = shareRefresher(pacer);
    outcomes =
        new Outcomes(
            deadLetters, partitions, metrics, delivery.retryMaxMs(), this::fail, this::progress);
    dispatcher =
        new Dispatcher(
            vertx,
            delivery.maxInFlight(),
            requests::send,
            pacer,
            RetryPolicy.withDefaults(
                delivery.retryMaxMs(), () -> ThreadLocalRandom.current().nextDouble()),
            RetryPolicy.withDefaults(
                Math.min(delivery.retryMaxMs(), RetryPolicy.PING_RETRY_BUDGET_MS),
                () -> ThreadLocalRandom.current().nextDouble()),
            outcomes,
            metrics);
    committer =
        new Committer(
            vertx,
            this::commitTimed,
            partitions,
            config.kafka().commitIntervalMs(),
            errors::healthy);
    lag = new LagReporter(vertx, stream::endOffsets, partitions, metrics);
    pings =
        new PingCoalescing(
            vertx,
            delivery.rateLimits().pingIntervalMs(),
            dispatcher,
            outcomes::coalesced,
            outcomes::dropped);
    rebalances =
        new Rebalances(
            vertx,
            partitions,
            dispatcher,
            pings,
            waiters,
            lag,
            REVOKE_WAIT_MS,
            stream::position,
            () -> {
              publishState();
              shares.refresh(); // the group's rate limits are dealt by partitions
            });
    intake =
        new Intake(config, partitions, dispatcher, pings, outcomes, metrics, deadLetters != null);
    bridge =
        new RebalanceBridge(
            consumer,
            new RebalancesOnContext(context, errors, rebalances),
            ManagedConsumer.CALL_TIMEOUT,
            Duration.ofMillis(REVOKE_WAIT_MS));
    consumer.rebalanceBridge(bridge);
    drain = new Drain(phase, partitions, dispatcher, pings, outcomes, waiters);
    stream.pollTimeout(POLL_TIMEOUT);
    stream.exceptionHandler(errors::report);
    stream.batchHandler(this::onBatch);
  }

  private ShareRefresher shareRefresher(Pacer pacer) {
    List<String> all = new ArrayList<>(config.topics());
    return new ShareRefresher(
        new GroupShare.Topics(config.kafka().eventTopics(), config.kafka().heartbeatTopics(), all),
        config.delivery().rateLimits().ipMembers(),
        pacer,
        stream::assignment,
        topic -> stream.partitionsFor(topic).map(List::size),
        System::currentTimeMillis);
  }

  /** Graceful stop: no new records, started ones finish (bounded), completed offsets committed. */
  @Override
  public Future<?> stop() {
    if (stream == null || drain == null) {
      return Future.succeededFuture();
    }
    long bound = phase.failed() ? config.shutdown().exitDelayMs() : config.shutdown().timeoutMs();
    long deadline = System.currentTimeMillis() + bound;
    if (phase.drain()) {
      drain.stopTaking(false);
    }
    publishState();
    return drain
        .until(bound)
        .compose(
            v ->
                committer.commitFinal(
                    Math.max(deadline, System.currentTimeMillis() + FINAL_COMMIT_MIN_MS)))
        .recover(err -> Future.succeededFuture())
        .compose(v -> close());
  }

  private void onBatch(ConsumerRecords<byte[], byte[]> records) {
    errors.healthy();
    if (phase.takesRecords()) {
      intake.accept(records);
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
    long start = System.nanoTime();
    Future<Void> answered =
        Future.fromCompletionStage(
            consumer.commitWithoutBlocking(offsets, stream::commit), context);
    hurryWhenCaughtUp();
    return answered.onSuccess(v -> metrics.committed(System.nanoTime() - start));
  }

  /**
   * Everything received is done: the commits handed over go out now, not after the poll under way.
   * While records flow, the polls pace them.
   */
  private void hurryWhenCaughtUp() {
    if (dispatcher.idle()) {
      consumer.hurryCommits();
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
    publishState();
    vertx.eventBus().publish(Addresses.DELIVERY_FAILED, why);
  }

  private Future<Void> close() {
    bridge.closing();
    lag.stop();
    if (deadLetters != null) {
      deadLetters.close();
    }
    return stream
        .close()
        .onFailure(err -> LOG.warn("Closing the Kafka consumer: {}", err.toString()));
  }

  private void publishState() {
    vertx.eventBus().publish(Addresses.CONSUMER_STATE, state());
  }

  /** The consumer's state as /ready reports it. */
  JsonObject state() {
    boolean assigned = rebalances != null && rebalances.assignedOnce() && partitions.startsKnown();
    boolean ready = subscribed && assigned && phase.takesRecords();
    return new JsonObject()
        .put("component", "kafka")
        .put("ready", ready)
        .put("consumer_started", stream != null)
        .put("subscribed", subscribed)
        .put("assigned", assigned)
        .put("partitions", partitions == null ? 0 : partitions.size())
        .put("stopping", phase.stopping())
        .put("delivery_failed", phase.failed())
        .put("error", errors.lastError());
  }
}
