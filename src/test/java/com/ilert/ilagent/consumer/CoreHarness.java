package com.ilert.ilagent.consumer;

import com.ilert.ilagent.config.AgentConfig;
import com.ilert.ilagent.config.ConfigLoader;
import com.ilert.ilagent.config.DeliveryConfig;
import com.ilert.ilagent.config.FlagValues;
import com.ilert.ilagent.config.Setting;
import com.ilert.ilagent.delivery.Dispatcher;
import com.ilert.ilagent.delivery.PingCoalescing;
import com.ilert.ilagent.ilert.IlertAnswer;
import com.ilert.ilagent.ilert.Reply;
import com.ilert.ilagent.kafka.KafkaPort;
import com.ilert.ilagent.kafka.RebalanceBridge;
import com.ilert.ilagent.loop.VertxEventLoop;
import com.ilert.ilagent.metrics.AgentMetrics;
import com.ilert.ilagent.offsets.Backpressure;
import com.ilert.ilagent.offsets.Committer;
import com.ilert.ilagent.offsets.Partitions;
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
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * The consumer's event-loop parts as {@link ConsumerCore} wires them for the agent, without Kafka:
 * records go in as hand-made batches, ilert is a function, commits and pauses are recorded.
 * Everything runs on one Vert.x context, as in the agent.
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
  final AtomicReference<BiFunction<RecordWork, Integer, Future<Reply>>> ilert =
      new AtomicReference<>((w, n) -> Future.succeededFuture(answer(202, null)));

  /** How a commit ends. Default: success. */
  final AtomicReference<Supplier<Future<Void>>> commitResult =
      new AtomicReference<>(Future::succeededFuture);

  final ConsumerCore core;
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
    AgentConfig loaded;
    try {
      loaded = ConfigLoader.load(values, Map.of());
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
    if (limits != null) {
      DeliveryConfig d = loaded.delivery();
      loaded =
          new AgentConfig(
              loaded.kafka(),
              new DeliveryConfig(
                  d.apiUrl(),
                  d.heartbeatUrl(),
                  d.ordering(),
                  d.maxInFlight(),
                  d.retryMaxMs(),
                  d.requestTimeoutMs(),
                  d.proxies(),
                  limits),
              loaded.mapping(),
              loaded.policy(),
              loaded.shutdown(),
              loaded.port(),
              loaded.bindAddress(),
              loaded.httpApiToken(),
              loaded.heartbeatKey(),
              loaded.verbosity(),
              loaded.rustLog(),
              loaded.logFormat(),
              loaded.notes());
    }
    config = loaded;
    KafkaPort kafka =
        new KafkaPort() {
          @Override
          public void pause(Set<TopicPartition> tps) {
            pauses.add(Set.copyOf(tps));
          }

          @Override
          public void resume(Set<TopicPartition> tps) {
            resumes.add(Set.copyOf(tps));
          }

          @Override
          public Future<Void> commit(Map<TopicPartition, OffsetAndMetadata> offsets) {
            commits.add(Map.copyOf(offsets));
            return commitResult.get().get();
          }

          @Override
          public void hurry() {}

          @Override
          public Future<Long> position(TopicPartition tp) {
            return Future.succeededFuture(0L);
          }

          @Override
          public Future<Map<TopicPartition, Long>> endOffsets(Set<TopicPartition> tps) {
            return Promise.<Map<TopicPartition, Long>>promise().future();
          }

          @Override
          public Future<List<PartitionInfo>> partitionsFor(String topic) {
            // One agent with no metadata: the group share stays the whole of each limit.
            return Future.failedFuture(new IllegalStateException("no metadata in the harness"));
          }
        };
    core =
        new ConsumerCore(
            config,
            new Outside(
                new VertxEventLoop(context), null, null, null, AgentMetrics.noop(), () -> 0.5),
            kafka,
            this::send,
            bounds);
    core.onFailure(failures::add);
    partitions = core.partitions;
    waiters = core.waiters;
    outcomes = core.outcomes;
    dispatcher = core.dispatcher;
    pings = core.pings;
    committer = core.committer;
    rebalances = core.rebalances;
    intake = core.intake;
  }

  CoreHarness(String... flags) {
    this(Backpressure.DEFAULT, flags);
  }

  static Reply answer(int status, String retryAfter) {
    return Reply.of(new IlertAnswer(status, retryAfter, null, ""));
  }

  private Future<Reply> send(RecordWork work) {
    sent.add(
        new Sent(System.nanoTime(), work.partition.tp(), work.offset, work.key(), work.attempts()));
    return ilert.get().apply(work, work.attempts());
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
