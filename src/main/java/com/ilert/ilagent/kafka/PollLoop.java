package com.ilert.ilagent.kafka;

import com.ilert.ilagent.loop.EventLoop;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * The Kafka consumer's thread: it polls, hands each batch to the event loop, and between two polls
 * runs what the event loop asked of the consumer (pauses, commits, lag requests), which the client
 * allows from its own thread only. One batch at a time: the next poll waits until the event loop
 * took the last one, and the pauses it decided on then run first, so the agent holds at most one
 * batch more than its bounds.
 *
 * <p>A batch carries, beside its records, the positions that moved past offsets without a record
 * ({@link MovedPositions}); a poll that returns nothing hands over those alone.
 *
 * <p>Commits go out as commitAsync (the broker's answer comes during a later poll), so a commit
 * after every completion does not hold up fetching. While records flow the polls pace them; once
 * everything received is done and the last poll found nothing more to fetch, the poll under way is
 * woken up ({@link #hurry}) so the commit that brings the lag to 0 does not wait for its end.
 *
 * <p>In the agent a thread of its own runs {@link #run}; the simulation steps it with {@link
 * #runOnce} whenever {@link #ready} says it would not block.
 */
public final class PollLoop implements KafkaPort {
  /** Commits and pauses queue behind the poll on the one thread: a short poll keeps them prompt. */
  static final Duration POLL_TIMEOUT = Duration.ofMillis(50);

  /** After a poll failed (broker away, credentials refused): the next one waits this long. */
  static final long ERROR_BACKOFF_MS = 100;

  /** The records of one poll and the positions that moved past offsets without a record. */
  public record Batch(
      ConsumerRecords<byte[], byte[]> records, Map<TopicPartition, Long> positions) {}

  private final ManagedConsumer consumer;
  private final EventLoop loop;
  private final LinkedBlockingQueue<Runnable> tasks = new LinkedBlockingQueue<>();

  /** Commits handed over and not yet sent; a revoke takes its partitions out of them. */
  private final QueuedCommits queuedCommits = new QueuedCommits();

  private Consumer<Batch> batches = b -> {};
  private Consumer<Throwable> errors = e -> {};

  /** A commit is queued and should not wait for the end of the poll. */
  private volatile boolean hurried;

  /** The last poll returned no records: the partitions are read to their end. */
  private volatile boolean fetchedAll = true;

  private volatile boolean closed;

  // The consumer's thread only.
  private boolean subscribed;
  private boolean handedOver;
  private boolean resting;
  private final MovedPositions moved;

  public PollLoop(ManagedConsumer consumer, EventLoop loop) {
    this.consumer = consumer;
    this.loop = loop;
    this.moved = new MovedPositions(consumer);
  }

  /**
   * @param batches takes each batch, on the event loop
   * @param errors takes what a poll threw, on the consumer's thread
   */
  public void handlers(Consumer<Batch> batches, Consumer<Throwable> errors) {
    this.batches = batches;
    this.errors = errors;
  }

  // ---- the event loop's side ----

  /** Subscribes with {@code listener} first on every rebalance; polling starts then. */
  public Future<Void> subscribe(Collection<String> topics, ConsumerRebalanceListener listener) {
    return call(
        () -> {
          consumer.subscribe(topics, new ForgetOnHandOver(moved, queuedCommits, listener));
          subscribed = true;
          return null;
        });
  }

  @Override
  public void pause(Set<TopicPartition> partitions) {
    Set<TopicPartition> tps = Set.copyOf(partitions);
    submit(() -> consumer.pause(tps));
  }

  @Override
  public void resume(Set<TopicPartition> partitions) {
    Set<TopicPartition> tps = Set.copyOf(partitions);
    submit(() -> consumer.resume(tps));
  }

  @Override
  public Future<Void> commit(Map<TopicPartition, OffsetAndMetadata> offsets) {
    Promise<Void> answered = Promise.promise();
    Map<TopicPartition, OffsetAndMetadata> queued = queuedCommits.add(offsets);
    submit(
        () -> {
          queuedCommits.sending(queued);
          consumer.commitAsync(
              queued,
              err ->
                  loop.execute(
                      () -> {
                        if (err == null) {
                          answered.complete();
                        } else {
                          answered.fail(err);
                        }
                      }));
        });
    return answered.future();
  }

  @Override
  public void hurry() {
    if (queuedCommits.any() && fetchedAll) {
      hurried = true;
      consumer.wakeUp();
    }
  }

  @Override
  public Future<Long> position(TopicPartition tp) {
    return call(() -> consumer.position(tp, ManagedConsumer.CALL_TIMEOUT));
  }

  @Override
  public Future<Map<TopicPartition, Long>> endOffsets(Set<TopicPartition> tps) {
    return call(() -> consumer.endOffsets(tps, ManagedConsumer.END_OFFSETS_TIMEOUT));
  }

  @Override
  public Future<List<PartitionInfo>> partitionsFor(String topic) {
    return call(() -> consumer.partitionsFor(topic, ManagedConsumer.END_OFFSETS_TIMEOUT));
  }

  /** Closes the consumer (bounded) after what was asked before; nothing runs afterwards. */
  public Future<Void> close() {
    return call(
        () -> {
          try {
            consumer.close(ManagedConsumer.CLOSE_TIMEOUT);
          } finally {
            closed = true;
          }
          return null;
        });
  }

  // ---- the consumer's thread ----

  /** Whether {@link #runOnce} has something to do: a task, or a poll. */
  public boolean ready() {
    return !tasks.isEmpty() || mayPoll();
  }

  public boolean closed() {
    return closed;
  }

  /** Whether nothing the event loop asked for waits to run. */
  public boolean idle() {
    return tasks.isEmpty();
  }

  /** One turn: what the event loop asked for, then a poll if one may run. */
  public void runOnce() {
    hurried = false;
    Runnable task;
    while (!closed && (task = tasks.poll()) != null) {
      runTask(task);
    }
    if (mayPoll()) {
      pollOnce();
    }
  }

  private void runTask(Runnable task) {
    try {
      task.run();
    } catch (RuntimeException e) {
      errors.accept(e);
    }
  }

  /** The thread's body in the agent: turns until closed, idle while there is nothing to do. */
  public void run() {
    try {
      while (!closed) {
        if (ready()) {
          runOnce();
        } else {
          runTask(tasks.take()); // idle until the event loop asks for something
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private boolean mayPoll() {
    return subscribed && !closed && !handedOver && !resting;
  }

  private void pollOnce() {
    ConsumerRecords<byte[], byte[]> records;
    try {
      records = consumer.poll(POLL_TIMEOUT, () -> hurried && !tasks.isEmpty());
    } catch (RuntimeException e) {
      errors.accept(e);
      resting = true;
      loop.execute(() -> loop.setTimer(ERROR_BACKOFF_MS, () -> submit(() -> resting = false)));
      return;
    }
    fetchedAll = records.isEmpty();
    Map<TopicPartition, Long> positions = moved.after(records);
    if (records.isEmpty() && positions.isEmpty()) {
      return;
    }
    handedOver = true;
    Batch batch = new Batch(records, positions);
    loop.execute(
        () -> {
          try {
            batches.accept(batch);
          } finally {
            submit(() -> handedOver = false);
          }
        });
  }

  private void submit(Runnable task) {
    tasks.add(task);
  }

  /** Runs {@code call} on the consumer's thread; its result or failure comes on the event loop. */
  private <T> Future<T> call(Supplier<T> call) {
    Promise<T> result = Promise.promise();
    submit(
        () -> {
          try {
            T value = call.get();
            loop.execute(() -> result.complete(value));
          } catch (RuntimeException e) {
            loop.execute(() -> result.fail(e));
          }
        });
    return result.future();
  }
}
