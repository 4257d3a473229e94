package com.ilert.ilagent.kafka;

import com.ilert.ilagent.Addresses;
import com.ilert.ilagent.config.AgentConfig;
import com.ilert.ilagent.config.Ordering;
import com.ilert.ilagent.ilert.Deliverer;
import com.ilert.ilagent.ilert.DeliveryResult;
import com.ilert.ilagent.ilert.IlertAnswer;
import com.ilert.ilagent.ilert.IlertClient;
import com.ilert.ilagent.mapping.RecordHeader;
import com.ilert.ilagent.mapping.SkipReason;
import com.ilert.ilagent.metrics.AgentMetrics;
import com.ilert.ilagent.mapping.EventMapper;
import com.ilert.ilagent.mapping.HeartbeatMapper;
import com.ilert.ilagent.mapping.MappingResult;
import com.ilert.ilagent.util.Mask;
import com.ilert.ilagent.util.RecordRef;
import com.ilert.ilagent.util.Secrets;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.consumer.KafkaReadStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka ▶ map ▶ deliver ▶ track offsets ▶ commit. Records are mapped as they arrive, scheduled into
 * ordering lanes, delivered concurrently up to max_in_flight, and their offsets committed once every
 * record before them in the partition is done. Everything here runs on this verticle's event loop.
 */
public final class ConsumerVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(ConsumerVerticle.class);

  /** Pause a partition with this many records (or bytes) waiting, resume below half of it. */
  private static final int PAUSE_RECORDS = 2000;

  private static final long PAUSE_BYTES = 16L * 1024 * 1024;

  /** A repeated Kafka error is warned about again after this long. */
  private static final long ERROR_REPEAT_MS = 60_000;

  /** Least time between a commit and one made because the agent went idle; see commitWhenIdle(). */
  private static final long IDLE_COMMIT_GAP_MS = 25;

  /** Bounds the work of one dispatch() that skips records of rate-limited keys. */
  private static final int MAX_DEFERRALS_PER_DISPATCH = 256;

  /** The consumer's poll timeout; see start(). */
  private static final long POLL_TIMEOUT_MS = 50;

  /** How often the consumer lag metric asks the broker for the end offsets. */
  private static final long LAG_INTERVAL_MS = 5_000;

  /** A failing ping is retried briefly: the heartbeat's interval is at least 25 s. */
  private static final long PING_BUDGET_MS = 10_000;

  private final AgentConfig config;
  private final IlertClient client;
  private final AgentMetrics metrics;
  private DeadLetters deadLetters;
  private int deadLettersPending;
  private long lagTimer = -1;

  private KafkaReadStream<byte[], byte[]> stream;
  private Deliverer deliverer;
  private EventMapper eventMapper;
  private HeartbeatMapper heartbeatMapper;
  private OrderingLanes<Work> lanes;
  private Set<String> heartbeatTopics;
  private final Map<TopicPartition, PartitionState> partitions = new HashMap<>();

  private boolean subscribed;
  private boolean assigned;
  private boolean stopping;
  private boolean failed;
  /** The drain's bound has passed: nothing more is started. */
  private boolean halted;
  private String lastError;
  private long lastErrorWarnedAt;
  private long commitTimer = -1;
  private long redispatchTimer = -1;
  private long idleCommitTimer = -1;
  private long lastCommitStartedMs;
  private Future<Void> lastCommit = Future.succeededFuture();
  private boolean commitInProgress;
  /** No other commit may start once the final one has: close() would fail it. */
  private boolean finalCommitStarted;
  private Promise<Void> drained;

  public ConsumerVerticle(AgentConfig config, IlertClient client, AgentMetrics metrics) {
    this.config = config;
    this.client = client;
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    eventMapper = new EventMapper(config.mapping());
    heartbeatMapper = new HeartbeatMapper();
    lanes = new OrderingLanes<>(config.maxInFlight());
    heartbeatTopics = new HashSet<>(config.heartbeatTopics());
    deliverer = new Deliverer(vertx, client, config.retryMaxMs(), Math.min(config.retryMaxMs(), PING_BUDGET_MS), metrics);
    Set<String> topics = new LinkedHashSet<>(config.eventTopics());
    topics.addAll(config.heartbeatTopics());

    Future<Void> deadLettersReady = config.deadLetterTopic() == null
        ? Future.succeededFuture()
        : DeadLetters.create(vertx, config).map(d -> {
          deadLetters = d;
          return null;
        });
    // Creating the Kafka client resolves broker names: keep it off the event loop.
    return deadLettersReady
        .compose(v -> vertx.executeBlocking(() -> KafkaSettings.createConsumer(config)))
        .compose(
            consumer -> {
              stream = KafkaReadStream.create(vertx, consumer);
              // Commits queue behind the poll on the consumer's one thread: a short poll keeps
              // the commit of the last records of a burst from waiting up to a whole poll.
              stream.pollTimeout(Duration.ofMillis(POLL_TIMEOUT_MS));
              stream.exceptionHandler(this::onKafkaError);
              stream.partitionsAssignedHandler(this::onAssigned);
              stream.partitionsRevokedHandler(this::onRevoked);
              stream.batchHandler(this::onBatch);
              return stream.subscribe(topics);
            })
        .onSuccess(
            v -> {
              subscribed = true;
              LOG.info("Subscribed to {} as group {}", topics, config.kafkaGroupId());
              commitTimer = vertx.setPeriodic(config.commitIntervalMs(), id -> commit());
              lagTimer = vertx.setPeriodic(LAG_INTERVAL_MS, id -> updateLag());
              publishState();
            });
  }

  /** Graceful stop: no new records, in-flight ones finish (bounded), completed offsets committed. */
  @Override
  public Future<?> stop() {
    long bound = failed ? config.exitDelayMs() : config.shutdownTimeoutMs();
    return drain(bound)
        .compose(v -> finalCommit())
        .recover(err -> Future.succeededFuture())
        .compose(v -> closeStream());
  }

  // ---------------------------------------------------------------------------------- records

  private void onBatch(ConsumerRecords<byte[], byte[]> records) {
    // Partition by partition: one state lookup per partition, not a TopicPartition per record.
    Set<TopicPartition> touched = new HashSet<>();
    for (TopicPartition tp : records.partitions()) {
      PartitionState ps = partitions.get(tp);
      if (ps == null || stopping || failed) {
        // Not ours any more, or we are stopping: left uncommitted for the next owner.
        continue;
      }
      int taken = 0;
      for (ConsumerRecord<byte[], byte[]> record : records.records(tp)) {
        if (record.offset() <= ps.offsets.lastAdded()) {
          continue; // fetched twice within one assignment: the first copy is already on its way
        }
        ps.offsets.add(record.offset());
        taken++;
        accept(ps, record);
      }
      if (taken > 0) {
        metrics.consumed(tp.topic(), taken);
        touched.add(tp);
      }
    }
    dispatch();
    pauseIfFull(touched);
  }

  private void accept(PartitionState ps, ConsumerRecord<byte[], byte[]> record) {
    String topic = record.topic();
    MappingResult result =
        heartbeatTopics.contains(topic)
            ? heartbeatMapper.map(topic, record.partition(), record.offset(), record.key(), record.value())
            : eventMapper.map(topic, record.partition(), record.offset(), record.key(), record.value(), headers(record));
    if (result instanceof MappingResult.Skip skip) {
      skipped(ps, record, skip);
      return;
    }
    int bytes = record.value() == null ? 0 : record.value().length;
    // The record itself is kept only when a dead letter may have to be written from it.
    Work work = new Work(ps, record.offset(), result, orderingKey(ps, record, result), bytes,
        deadLetters == null ? null : record);
    ps.hold(bytes);
    lanes.submit(work.orderingKey, work);
  }

  private void skipped(PartitionState ps, ConsumerRecord<byte[], byte[]> record, MappingResult.Skip skip) {
    metrics.skipped(skip.reason());
    if (skip.reason() == SkipReason.FILTERED) {
      // Filtering is the configured, normal case (often most records): no warning per record, and
      // no argument array or boxing either unless debug is on.
      if (LOG.isDebugEnabled()) {
        LOG.debug("topic={} partition={} offset={}: filtered out: {}", record.topic(), record.partition(), record.offset(), skip.detail());
      }
      ps.offsets.complete(record.offset());
      return;
    }
    RecordRef ref = RecordRef.of(record.topic(), record.partition(), record.offset());
    ref.log(() -> LOG.warn("{}: skipped ({}): {}", ref, skip.reason().label(), skip.detail()));
    completeOrDeadLetter(ps, record, skip.reason().label(), skip.detail(), null);
  }

  /** Completes a record given up on, after writing it to the dead-letter topic when there is one. */
  private void completeOrDeadLetter(
      PartitionState ps, ConsumerRecord<byte[], byte[]> record, String reason, String detail, IlertAnswer answer) {
    if (deadLetters == null) {
      ps.offsets.complete(record.offset());
      return;
    }
    deadLettersPending++;
    deadLetters
        .send(record, reason, detail, answer)
        .onComplete((v, err) -> {
          deadLettersPending--;
          if (err == null) {
            metrics.deadLettered();
            ps.offsets.complete(record.offset());
            resumeIfDrained(ps); // it may have been the record that held the partition's commits back
          } else {
            RecordRef ref = RecordRef.of(record.topic(), record.partition(), record.offset());
            fail(ref, ref + ": cannot write to dead-letter topic " + config.deadLetterTopic() + " (" + err + ")");
          }
          checkDrained();
        });
  }

  private List<RecordHeader> headers(ConsumerRecord<byte[], byte[]> record) {
    if (!config.mapping().forwardHeaders()) {
      return List.of();
    }
    List<RecordHeader> headers = new ArrayList<>();
    for (Header h : record.headers()) {
      headers.add(new RecordHeader(h.key(), h.value()));
    }
    return headers;
  }

  private Object orderingKey(PartitionState ps, ConsumerRecord<byte[], byte[]> record, MappingResult result) {
    Ordering ordering = config.ordering();
    if (ordering == Ordering.PARTITION) {
      return ps.tp;
    }
    if (ordering == Ordering.KEY) {
      // ISO-8859-1 maps every byte to one char: a lossless, cheap key. A null key is its own lane.
      String key = record.key() == null ? "\u0000" : "k" + new String(record.key(), StandardCharsets.ISO_8859_1);
      return ps.tp.toString() + '\u0000' + key;
    }
    if (result instanceof MappingResult.Event event && event.alertKey() != null) {
      return event.integrationKey() + '\u0000' + event.alertKey();
    }
    return null;
  }

  private void dispatch() {
    if (failed || halted) {
      return;
    }
    // A record whose integration key is backed off after a 429 would hold an in-flight slot while
    // it waits, and with enough of them no other key could be sent. Such records stay queued and
    // let the ones behind them go first (their key's order is kept); a timer dispatches again
    // when the back-off ends.
    int deferrable = Math.min(lanes.readyCount(), MAX_DEFERRALS_PER_DISPATCH);
    Work work;
    while ((work = lanes.peek()) != null) {
      long backedOffMs = backedOffMs(work);
      if (backedOffMs > 0) {
        if (deferrable-- > 0) {
          lanes.deferFirst();
          continue;
        }
        redispatchIn(backedOffMs);
        break;
      }
      deliver(lanes.next());
    }
    metrics.inFlight(lanes.inFlight());
  }

  private long backedOffMs(Work work) {
    return work.result instanceof MappingResult.Event event ? deliverer.backedOffMs(event.integrationKey()) : 0;
  }

  private void redispatchIn(long delayMs) {
    if (redispatchTimer < 0) {
      redispatchTimer = vertx.setTimer(Math.max(1, delayMs), id -> {
        redispatchTimer = -1;
        dispatch();
      });
    }
  }

  private void deliver(Work work) {
    work.partition.maxStarted = Math.max(work.partition.maxStarted, work.offset);
    Future<DeliveryResult> delivery =
        work.result instanceof MappingResult.Event event
            ? deliverer.deliverEvent(event.integrationKey(), event.body(), work::where)
            : deliverer.ping(((MappingResult.Heartbeat) work.result).integrationKey(), work::where);
    delivery.onComplete(
        (result, err) -> finished(work, err == null ? result : new DeliveryResult(DeliveryResult.Kind.FAILED, 0, null, err.toString())));
  }

  private void finished(Work work, DeliveryResult result) {
    lanes.complete(work);
    metrics.inFlight(lanes.inFlight());
    PartitionState ps = work.partition;
    ps.release(work.bytes);
    boolean heartbeat = work.result instanceof MappingResult.Heartbeat;
    String what = heartbeat ? "ping" : "event";
    String key = heartbeat
        ? ((MappingResult.Heartbeat) work.result).integrationKey()
        : ((MappingResult.Event) work.result).integrationKey();
    switch (result.kind()) {
      case DELIVERED -> {
        if (LOG.isDebugEnabled()) {
          RecordRef ref = work.where();
          ref.log(() -> LOG.debug("{}: {} for key {} delivered ({})", ref, what, Mask.key(key), result.describe()));
        }
        if (heartbeat) {
          metrics.ping("topic", "delivered");
        } else {
          metrics.delivered(work.receivedNanos);
        }
        ps.offsets.complete(work.offset);
      }
      case REJECTED -> {
        RecordRef ref = work.where();
        ref.log(() -> LOG.warn("{}: {} for key {} rejected, skipped: {}", ref, what, Mask.key(key), result.describe()));
        metrics.skipped(SkipReason.REJECTED);
        if (heartbeat) {
          metrics.ping("topic", "rejected");
        }
        if (work.record != null) {
          completeOrDeadLetter(ps, work.record, SkipReason.REJECTED.label(), result.describe(), result.answer());
        } else {
          ps.offsets.complete(work.offset);
        }
      }
      case FAILED -> {
        if (heartbeat) {
          // A ping that keeps failing must never hold back the events behind it.
          RecordRef ref = work.where();
          ref.log(() -> LOG.warn("{}: ping for key {} failed after {} attempts, skipped: {}", ref, Mask.key(key), result.attempts(), result.describe()));
          metrics.ping("topic", "failed");
          ps.offsets.complete(work.offset);
        } else {
          metrics.deliveryFailure();
          fail(work.where(), String.format(
              "%s: event for key %s not delivered after %d attempts within --retry_max_ms=%d (%s)",
              work.where(), Mask.key(key), result.attempts(), config.retryMaxMs(), result.describe()));
        }
      }
      case ABANDONED -> {
        // Stopping: the record stays uncommitted and is delivered again after a restart.
      }
    }
    resumeIfDrained(ps);
    checkDrained();
    dispatch();
    if (lanes.inFlight() == 0 && lanes.queued() == 0 && !stopping && !failed) {
      commitWhenIdle();
    }
  }

  /**
   * Everything received is done: commit soon rather than at the next tick, so the end of a burst
   * is committed at once (a smaller redelivery window after a crash). At most one such commit per
   * IDLE_COMMIT_GAP_MS: the client commits synchronously on the consumer's thread, and a commit
   * after every event of a slow stream would hold up the polls.
   */
  private void commitWhenIdle() {
    if (idleCommitTimer >= 0) {
      return;
    }
    long wait = lastCommitStartedMs + IDLE_COMMIT_GAP_MS - System.currentTimeMillis();
    if (wait <= 0) {
      commit();
    } else {
      idleCommitTimer = vertx.setTimer(wait, id -> {
        idleCommitTimer = -1;
        commit();
      });
    }
  }

  private void checkDrained() {
    if (drained != null && lanes.inFlight() == 0 && lanes.queued() == 0 && deadLettersPending == 0) {
      drained.tryComplete();
    }
  }

  /** A record cannot be finished: stop taking records, keep it uncommitted, and have the agent exit 1. */
  private void fail(RecordRef ref, String why) {
    if (failed) {
      return;
    }
    failed = true;
    ref.log(() -> LOG.error("{}; its offset stays uncommitted, exiting with code 1 in {} ms", why, config.exitDelayMs()));
    stopTakingWork();
    publishState();
    vertx.eventBus().publish(Addresses.DELIVERY_FAILED, why);
  }

  // ---------------------------------------------------------------------------------- backpressure

  private void pauseIfFull(Set<TopicPartition> touched) {
    Set<TopicPartition> toPause = new HashSet<>();
    for (TopicPartition tp : touched) {
      PartitionState ps = partitions.get(tp);
      if (ps != null && !ps.paused && full(ps)) {
        ps.paused = true;
        toPause.add(tp);
      }
    }
    if (!toPause.isEmpty()) {
      LOG.debug("Pausing {}: ilert is slower than the topic", toPause);
      stream.pause(toPause);
    }
  }

  /**
   * Too much held for this partition: records waiting or in flight, or records that cannot be
   * committed yet because an older one is still pending. The latter bounds what a crash delivers
   * twice: a record that keeps failing must not let the rest of its partition run ahead unbounded.
   */
  private static boolean full(PartitionState ps) {
    return ps.buffered >= PAUSE_RECORDS
        || ps.bufferedBytes >= PAUSE_BYTES
        || ps.offsets.uncommittable() >= PAUSE_RECORDS;
  }

  private void resumeIfDrained(PartitionState ps) {
    if (ps.paused && !ps.revoked && !stopping && !failed
        && ps.buffered <= PAUSE_RECORDS / 2 && ps.bufferedBytes <= PAUSE_BYTES / 2
        && ps.offsets.uncommittable() <= PAUSE_RECORDS / 2) {
      ps.paused = false;
      stream.resume(Set.of(ps.tp));
    }
  }

  /**
   * No new records: pause everything and drop what waits in the lanes (it stays uncommitted). When
   * stopping cleanly, records below a partition's highest started offset are kept and delivered, so
   * the committed prefix reaches everything delivered and a restart sends nothing twice.
   */
  private void stopTakingWork() {
    lanes.removeQueued(w -> failed || w.offset > w.partition.maxStarted).forEach(w -> w.partition.release(w.bytes));
    if (stream != null && !partitions.isEmpty()) {
      partitions.values().forEach(ps -> ps.paused = true);
      stream.pause(new HashSet<>(partitions.keySet()));
    }
  }

  private Future<Void> drain(long boundMs) {
    stopping = true;
    publishState();
    stopTakingWork();
    if (lanes.inFlight() == 0 && lanes.queued() == 0 && deadLettersPending == 0) {
      return Future.succeededFuture();
    }
    LOG.info("Waiting up to {} ms for {} deliveries in flight and {} before them", boundMs, lanes.inFlight(), lanes.queued());
    drained = Promise.promise();
    long timer =
        vertx.setTimer(
            Math.max(1, boundMs),
            id -> {
              if (lanes.inFlight() + lanes.queued() > 0) {
                LOG.warn("{} deliveries not finished in time; they stay uncommitted and are delivered again after a restart", lanes.inFlight() + lanes.queued());
              }
              halted = true;
              deliverer.abandonWaiting();
              drained.tryComplete();
            });
    return drained.future().onComplete(ar -> vertx.cancelTimer(timer));
  }

  // ---------------------------------------------------------------------------------- rebalance

  private void onAssigned(Set<TopicPartition> tps) {
    assigned = true;
    Set<TopicPartition> repause = new HashSet<>();
    for (TopicPartition tp : tps) {
      PartitionState ps = partitions.computeIfAbsent(tp, PartitionState::new);
      if (stopping || failed) {
        ps.paused = true;
      }
      if (ps.paused) {
        repause.add(tp); // Kafka forgets pauses across a rebalance
      }
    }
    LOG.info("Assigned {}", tps);
    if (!repause.isEmpty()) {
      stream.pause(repause);
    }
    publishState();
    // Asking the position makes the consumer resolve where it starts (committed offset or reset):
    // only then can a record produced after /ready not be skipped by a 'latest' reset.
    for (TopicPartition tp : tps) {
      stream
          .position(tp)
          .onSuccess(
              pos -> {
                PartitionState ps = partitions.get(tp);
                if (ps != null) {
                  ps.positionKnown = true;
                  ps.startPosition = pos;
                  LOG.info("topic={} partition={}: starting at offset {}", tp.topic(), tp.partition(), pos);
                  publishState();
                }
              })
          .onFailure(err -> onKafkaError(err));
    }
  }

  private void onRevoked(Set<TopicPartition> tps) {
    Map<TopicPartition, OffsetAndMetadata> last = new HashMap<>();
    for (TopicPartition tp : tps) {
      PartitionState ps = partitions.remove(tp);
      if (ps == null) {
        continue;
      }
      ps.revoked = true;
      metrics.forgetLag(tp.topic(), tp.partition());
      lanes.removeQueued(w -> w.partition == ps).forEach(w -> ps.release(w.bytes));
      if (ps.offsets.needsCommit()) {
        last.put(tp, new OffsetAndMetadata(ps.offsets.committable()));
      }
    }
    LOG.info("Revoked {}", tps);
    if (!last.isEmpty()) {
      // Best effort: the partition may already belong to another member, which then redelivers.
      commitOffsets(last, Map.of());
    }
    publishState();
    dispatch();
  }

  // ---------------------------------------------------------------------------------- commits

  /** Periodic: commits every partition's completed prefix, skipped while a commit is under way. */
  private Future<Void> commit() {
    if (commitInProgress || finalCommitStarted) {
      return lastCommit;
    }
    commitInProgress = true;
    lastCommitStartedMs = System.currentTimeMillis();
    lastCommit = commitNow().onComplete(ar -> commitInProgress = false);
    return lastCommit;
  }

  /**
   * At the end: after any commit under way, one more with everything completed by now. The periodic
   * commit stops first: one started beside the final one would still be queued when close() wakes
   * the consumer up, and fail.
   */
  private Future<Void> finalCommit() {
    finalCommitStarted = true;
    vertx.cancelTimer(commitTimer);
    vertx.cancelTimer(idleCommitTimer);
    return lastCommit.transform(ar -> commitNow());
  }

  private Future<Void> commitNow() {
    if (stream == null) {
      return Future.succeededFuture();
    }
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    Map<TopicPartition, PartitionState> states = new HashMap<>();
    for (PartitionState ps : partitions.values()) {
      if (ps.offsets.needsCommit()) {
        offsets.put(ps.tp, new OffsetAndMetadata(ps.offsets.committable()));
        states.put(ps.tp, ps);
      }
    }
    if (offsets.isEmpty()) {
      return Future.succeededFuture();
    }
    return commitOffsets(offsets, states);
  }

  private Future<Void> commitOffsets(
      Map<TopicPartition, OffsetAndMetadata> offsets, Map<TopicPartition, PartitionState> states) {
    return stream
        .commit(offsets)
        .<Void>map(
            done -> {
              offsets.forEach((tp, om) -> {
                PartitionState ps = states.get(tp);
                if (ps != null) {
                  ps.offsets.markCommitted(om.offset());
                }
              });
              if (LOG.isDebugEnabled()) {
                LOG.debug("Committed {}", offsets);
              }
              return null;
            })
        .onFailure(err -> LOG.warn("Commit of {} failed ({}); will retry", offsets.keySet(), err.toString()))
        .recover(err -> Future.succeededFuture());
  }

  private Future<Void> closeStream() {
    vertx.cancelTimer(commitTimer);
    vertx.cancelTimer(lagTimer);
    vertx.cancelTimer(redispatchTimer);
    vertx.cancelTimer(idleCommitTimer);
    if (deadLetters != null) {
      deadLetters.close();
    }
    if (stream == null) {
      return Future.succeededFuture();
    }
    return stream.close().onFailure(err -> LOG.warn("Closing the Kafka consumer: {}", err.toString()));
  }

  /** Consumer lag per partition: the broker's end offset minus the completed prefix. */
  private void updateLag() {
    if (partitions.isEmpty() || stopping) {
      return;
    }
    stream.endOffsets(new HashSet<>(partitions.keySet())).onSuccess(ends -> ends.forEach((tp, end) -> {
      PartitionState ps = partitions.get(tp);
      if (ps != null && end != null) {
        long done = ps.offsets.committable() >= 0 ? ps.offsets.committable() : ps.startPosition;
        if (done >= 0) {
          metrics.lag(tp.topic(), tp.partition(), Math.max(0, end - done));
        }
      }
    }));
  }

  // ---------------------------------------------------------------------------------- state

  /**
   * A broker that is down or refuses our credentials reports the same error on every reconnect:
   * warn once, then again only when it changes or a minute has passed.
   */
  private void onKafkaError(Throwable err) {
    String error = Secrets.redact(err.toString(), config.kafkaProperties());
    long now = System.currentTimeMillis();
    if (!error.equals(lastError) || now - lastErrorWarnedAt > ERROR_REPEAT_MS) {
      LOG.warn("Kafka consumer: {}", error);
      lastErrorWarnedAt = now;
    } else {
      LOG.debug("Kafka consumer: {}", error);
    }
    lastError = error;
    publishState();
  }

  private void publishState() {
    vertx.eventBus().publish(Addresses.CONSUMER_STATE, state());
  }

  /** The consumer's state as /ready reports it. */
  JsonObject state() {
    boolean positionsKnown = partitions.values().stream().allMatch(ps -> ps.positionKnown);
    boolean ready = subscribed && assigned && positionsKnown && !stopping && !failed;
    JsonObject json =
        new JsonObject()
            .put("component", "kafka")
            .put("ready", ready)
            .put("consumer_started", stream != null)
            .put("subscribed", subscribed)
            .put("assigned", assigned && positionsKnown)
            .put("partitions", partitions.size())
            .put("stopping", stopping)
            .put("delivery_failed", failed)
            .put("error", lastError);
    return json;
  }

  List<TopicPartition> assignment() {
    return new ArrayList<>(partitions.keySet());
  }
}
