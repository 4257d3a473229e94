package com.ilert.ilagent.kafka;

import com.ilert.ilagent.config.AgentConfig;
import com.ilert.ilagent.config.ConfigLoader;
import com.ilert.ilagent.config.DeliveryConfig;
import com.ilert.ilagent.config.FlagValues;
import com.ilert.ilagent.config.Setting;
import com.ilert.ilagent.ilert.IlertAnswer;
import com.ilert.ilagent.ilert.Reply;
import com.ilert.ilagent.ilert.RetryPolicy;
import com.ilert.ilagent.metrics.AgentMetrics;
import com.ilert.ilagent.pacing.Pacer;
import com.ilert.ilagent.pacing.RateLimits;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The consumer's event-loop parts wired as the verticle wires them, without Kafka: records go in as
 * hand-made batches, ilert is a function, commits and pauses are recorded. Everything runs on one
 * Vert.x context, as in the agent.
 */
final class CoreHarness implements AutoCloseable {
  static final String TOPIC = "events";
  static final String BEATS = "beats";

  /** One request the dispatcher made. */
  record Sent(long atNanos, TopicPartition tp, long offset, String key, int attempt) {}

  final Vertx vertx = Vertx.vertx();
  final Context context = vertx.getOrCreateContext();
  final AgentConfig config;
  final List<Sent> sent = new CopyOnWriteArrayList<>();
  final List<String> failures = new CopyOnWriteArrayList<>();
  final List<Set<TopicPartition>> pauses = new CopyOnWriteArrayList<>();
  final List<Set<TopicPartition>> resumes = new CopyOnWriteArrayList<>();
  final List<Map<TopicPartition, OffsetAndMetadata>> commits = new CopyOnWriteArrayList<>();

  /** How ilert answers a request: the work and its attempt number. Default: 202 at once. */
  final AtomicReference<BiFunction<Work, Integer, Future<Reply>>> ilert =
      new AtomicReference<>((w, n) -> Future.succeededFuture(answer(202, null)));

  /** How a commit ends. Default: success. */
  final AtomicReference<Supplier<Future<Void>>> commitResult =
      new AtomicReference<>(Future::succeededFuture);

  final Partitions partitions;
  final Waiters waiters;
  final Outcomes outcomes;
  final Dispatcher dispatcher;
  final PingCoalescing pings;
  final Committer committer;
  final Rebalances rebalances;
  final Intake intake;

  CoreHarness(Backpressure bounds, String... flags) {
    this(bounds, null, flags);
  }

  /**
   * @param limits the pacer's limits, or null for the configuration's
   */
  CoreHarness(Backpressure bounds, RateLimits limits, String... flags) {
    FlagValues values =
        new FlagValues()
            .add(Setting.KAFKA_BROKERS, "localhost:9")
            .add(Setting.EVENT_TOPIC, TOPIC)
            .add(Setting.HEARTBEAT_TOPIC, BEATS)
            .add(Setting.API_URL, "http://ilert.invalid/api") // not ilert's host: nothing told
            .add(Setting.HEARTBEAT_URL, "http://ilert.invalid/beat");
    for (int i = 0; i + 1 < flags.length; i += 2) {
      values.add(Setting.valueOf(flags[i]), flags[i + 1]);
    }
    try {
      config = ConfigLoader.load(values, Map.of());
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
    AgentMetrics metrics = AgentMetrics.noop();
    partitions =
        new Partitions(
            bounds,
            new Partitions.Fetching() {
              @Override
              public void pause(Set<TopicPartition> tps) {
                pauses.add(Set.copyOf(tps));
              }

              @Override
              public void resume(Set<TopicPartition> tps) {
                resumes.add(Set.copyOf(tps));
              }
            });
    waiters = new Waiters(vertx);
    Committer[] committerRef = new Committer[1];
    DeliveryConfig delivery = config.delivery();
    outcomes =
        new Outcomes(
            null,
            partitions,
            metrics,
            delivery.retryMaxMs(),
            (ref, why) -> failures.add(why),
            () -> {
              committerRef[0].kick();
              waiters.check();
            });
    RateLimits rateLimits = limits == null ? delivery.rateLimits() : limits;
    dispatcher =
        new Dispatcher(
            vertx,
            delivery.maxInFlight(),
            this::send,
            new Pacer(rateLimits),
            RetryPolicy.withDefaults(delivery.retryMaxMs(), () -> 0.5),
            RetryPolicy.withDefaults(Math.min(delivery.retryMaxMs(), 10_000), () -> 0.5),
            outcomes,
            metrics);
    committer =
        new Committer(
            vertx,
            offsets -> {
              commits.add(Map.copyOf(offsets));
              return commitResult.get().get();
            },
            partitions,
            60_000,
            () -> {});
    committerRef[0] = committer;
    LagReporter lag =
        new LagReporter(
            vertx,
            tps -> Promise.<Map<TopicPartition, Long>>promise().future(),
            partitions,
            metrics);
    pings =
        new PingCoalescing(
            vertx, rateLimits.pingIntervalMs(), dispatcher, outcomes::coalesced, outcomes::dropped);
    rebalances =
        new Rebalances(
            vertx,
            partitions,
            dispatcher,
            pings,
            waiters,
            lag,
            2_000,
            tp -> Future.succeededFuture(0L),
            () -> {});
    intake = new Intake(config, partitions, dispatcher, pings, outcomes, metrics, false);
  }

  CoreHarness(String... flags) {
    this(Backpressure.DEFAULT, flags);
  }

  static Reply answer(int status, String retryAfter) {
    return Reply.of(new IlertAnswer(status, retryAfter, null, ""));
  }

  private Future<Reply> send(Work work) {
    sent.add(
        new Sent(System.nanoTime(), work.partition.tp, work.offset, work.key(), work.attempts));
    return ilert.get().apply(work, work.attempts);
  }

  /** Runs {@code action} on the context and waits for it. */
  <T> T onLoop(Supplier<T> action) {
    CompletableFuture<T> result = new CompletableFuture<>();
    context.runOnContext(
        v -> {
          try {
            result.complete(action.get());
          } catch (Throwable t) {
            result.completeExceptionally(t);
          }
        });
    try {
      return result.get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  void run(Runnable action) {
    onLoop(
        () -> {
          action.run();
          return null;
        });
  }

  /** Assigns partitions of the event topic starting at {@code start}, committed there already. */
  void assign(long start, int... partitionNumbers) {
    assign(TOPIC, start, partitionNumbers);
  }

  void assign(String topic, long start, int... partitionNumbers) {
    Map<TopicPartition, RebalanceBridge.Start> starts = new HashMap<>();
    for (int p : partitionNumbers) {
      starts.put(
          new TopicPartition(topic, p),
          new RebalanceBridge.Start(start, new OffsetAndMetadata(start)));
    }
    run(() -> rebalances.assigned(starts));
  }

  static TopicPartition tp(int partition) {
    return new TopicPartition(TOPIC, partition);
  }

  /** A heartbeat record for heartbeat key {@code key}. */
  static ConsumerRecord<byte[], byte[]> ping(int partition, long offset, String key) {
    return new ConsumerRecord<>(
        BEATS,
        partition,
        offset,
        null,
        ("{\"integrationKey\":\"" + key + "\"}").getBytes(StandardCharsets.UTF_8));
  }

  /** An ALERT event record for integration key {@code key} and alert {@code alertKey}. */
  static ConsumerRecord<byte[], byte[]> event(
      int partition, long offset, String key, String alertKey) {
    String json =
        "{\"integrationKey\":\""
            + key
            + "\",\"summary\":\"s"
            + offset
            + "\""
            + (alertKey == null ? "" : ",\"alertKey\":\"" + alertKey + "\"")
            + "}";
    return new ConsumerRecord<>(
        TOPIC, partition, offset, null, json.getBytes(StandardCharsets.UTF_8));
  }

  /** Hands records to the intake as one polled batch. */
  @SafeVarargs
  final void poll(ConsumerRecord<byte[], byte[]>... records) {
    Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> byPartition = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : records) {
      byPartition
          .computeIfAbsent(new TopicPartition(r.topic(), r.partition()), k -> new ArrayList<>())
          .add(r);
    }
    run(() -> intake.accept(new ConsumerRecords<>(byPartition)));
  }

  List<Long> sentOffsets(int partition) {
    List<Long> offsets = new ArrayList<>();
    for (Sent s : sent) {
      if (s.tp().partition() == partition) {
        offsets.add(s.offset());
      }
    }
    return offsets;
  }

  @Override
  public void close() {
    vertx.close().toCompletionStage().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).join();
  }
}
