package com.ilert.ilagent.consumer;

import static com.ilert.ilagent.consumer.CoreHarness.answer;
import static com.ilert.ilagent.consumer.CoreHarness.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.ilert.ilagent.ilert.Reply;
import com.ilert.ilagent.offsets.Backpressure;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Pausing and resuming partitions: per partition and for the whole process. */
class PartitionsTest {
  private static final String KEY = "il1apipartitions00001";

  private CoreHarness core;

  @AfterEach
  void close() {
    core.close();
  }

  private static Set<TopicPartition> union(List<Set<TopicPartition>> sets) {
    Set<TopicPartition> all = new HashSet<>();
    sets.forEach(all::addAll);
    return all;
  }

  @Test
  void manyPartitionsTogetherHitTheProcessWideBoundAndAllPause() {
    core = new CoreHarness();
    List<Promise<Reply>> answers = new ArrayList<>();
    core.ilert.set(
        (w, n) -> {
          Promise<Reply> p = Promise.promise(); // ilert is down: nothing answers
          answers.add(p);
          return p.future();
        });
    int partitions = 64;
    int[] numbers = new int[partitions];
    for (int p = 0; p < partitions; p++) {
      numbers[p] = p;
    }
    core.assign(0, numbers);
    core.resumes.clear(); // new partitions fetch explicitly
    // 200 records per partition: far below the partition's bound of 2,000, but 12,800 in all.
    for (int p = 0; p < partitions; p++) {
      int partition = p;
      if (core.onLoop(() -> core.partitions.get(CoreHarness.tp(partition)).paused())) {
        continue; // Kafka returns nothing for a paused partition
      }
      List<ConsumerRecord<byte[], byte[]>> batch = new ArrayList<>();
      for (int o = 0; o < 200; o++) {
        batch.add(event(p, o, KEY, null));
      }
      core.poll(batch.toArray(ConsumerRecord[]::new));
    }

    assertThat(union(core.pauses)).as("every partition paused").hasSize(partitions);
    assertThat(core.onLoop(() -> core.partitions.heldRecords()))
        .as("at most one poll past the bound")
        .isLessThanOrEqualTo(Backpressure.DEFAULT.totalRecords() + 200);

    // ilert is back: once below half of the bound, every partition resumes.
    core.ilert.set((w, n) -> io.vertx.core.Future.succeededFuture(answer(202, null)));
    core.run(() -> answers.forEach(p -> p.tryComplete(answer(202, null))));
    await().atMost(Duration.ofSeconds(20)).until(() -> union(core.resumes).size() == partitions);
    assertThat(core.onLoop(() -> core.partitions.heldRecords()))
        .isLessThanOrEqualTo(Backpressure.DEFAULT.totalRecords() / 2);
  }

  @Test
  void aPartitionPausesAtItsOwnBoundAndResumesBelowHalf() {
    core = new CoreHarness(new Backpressure(10, 1L << 20, 10, 1_000, 1L << 30));
    List<Promise<Reply>> answers = new ArrayList<>();
    core.ilert.set(
        (w, n) -> {
          Promise<Reply> p = Promise.promise();
          answers.add(p);
          return p.future();
        });
    core.assign(0, 0, 1);
    assertThat(union(core.resumes)).as("new partitions fetch explicitly").hasSize(2);
    core.resumes.clear();
    List<ConsumerRecord<byte[], byte[]>> batch = new ArrayList<>();
    for (int o = 0; o < 12; o++) {
      batch.add(event(0, o, KEY, null));
    }
    batch.add(event(1, 0, KEY, null));
    core.poll(batch.toArray(ConsumerRecord[]::new));

    assertThat(union(core.pauses)).containsExactly(CoreHarness.tp(0));
    core.run(() -> answers.subList(0, 6).forEach(p -> p.complete(answer(202, null))));
    assertThat(union(core.resumes)).as("6 of 12 done: not yet below half").isEmpty();
    core.run(() -> answers.get(6).complete(answer(202, null)));
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> union(core.resumes).equals(Set.of(CoreHarness.tp(0))));
  }

  @Test
  void aPartitionAssignedWhileTheProcessIsFullStartsPaused() {
    core = new CoreHarness(new Backpressure(1_000, 1L << 30, 1_000, 5, 1L << 30));
    core.ilert.set((w, n) -> Promise.<Reply>promise().future());
    core.assign(0, 0);
    core.poll(
        event(0, 0, KEY, null),
        event(0, 1, KEY, null),
        event(0, 2, KEY, null),
        event(0, 3, KEY, null),
        event(0, 4, KEY, null));
    core.assign(0, 1);
    assertThat(union(core.pauses)).contains(CoreHarness.tp(0), CoreHarness.tp(1));
  }
}
