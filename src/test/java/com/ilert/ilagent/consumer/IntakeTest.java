package com.ilert.ilagent.consumer;

import static com.ilert.ilagent.consumer.CoreHarness.event;
import static com.ilert.ilagent.consumer.CoreHarness.tp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.ilert.ilagent.offsets.OffsetMetadata;
import com.ilert.ilagent.offsets.PartitionState;
import java.time.Duration;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Records taken in: tracked, mapped, handed on; positions that move. */
class IntakeTest {
  private static final String KEY = "il1apiintake000000001";

  private final CoreHarness core = new CoreHarness();

  @AfterEach
  void close() {
    core.close();
  }

  @Test
  void aFetchPositionThatMovesBackIsTrackedAgainAndItsNewRecordsAreDelivered() {
    core.assign(0, 0);
    core.poll(
        event(0, 0, KEY, null),
        event(0, 1, KEY, null),
        event(0, 2, KEY, null),
        event(0, 3, KEY, null));
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> core.onLoop(() -> core.partitions.get(tp(0)).committable()) == 4);
    core.run(
        () -> {
          PartitionState ps = core.partitions.get(tp(0));
          ps.committed(new OffsetAndMetadata(4), ps.epoch());
        });

    // The log was truncated to 2 (unclean leader election): 2 and 3 are new records now.
    core.poll(event(0, 2, KEY, null), event(0, 3, KEY, null), event(0, 4, KEY, null));

    await().atMost(Duration.ofSeconds(5)).until(() -> core.sent.size() == 7);
    assertThat(core.sentOffsets(0)).containsExactly(0L, 1L, 2L, 3L, 2L, 3L, 4L);
    assertThat(core.onLoop(() -> core.partitions.get(tp(0)).committable())).isEqualTo(5);
  }

  @Test
  void theLowerPositionIsCommittedAgainAfterARewind() {
    core.assign(0, 0);
    core.poll(event(0, 0, KEY, null), event(0, 1, KEY, null), event(0, 2, KEY, null));
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> core.onLoop(() -> core.partitions.get(tp(0)).committable()) == 3);
    core.run(
        () -> {
          PartitionState ps = core.partitions.get(tp(0));
          ps.committed(new OffsetAndMetadata(3), ps.epoch());
        });
    core.ilert.set(
        (w, n) -> io.vertx.core.Promise.<com.ilert.ilagent.ilert.Reply>promise().future()); // hangs

    core.poll(event(0, 1, KEY, null));

    assertThat(core.onLoop(() -> core.partitions.get(tp(0)).committable())).isEqualTo(1);
    assertThat(
            core.onLoop(
                () -> core.partitions.get(tp(0)).commitPoint(new OffsetMetadata.Writer()) != null))
        .as("committed 3 is past the new record 1: 1 is committed, so a crash does not skip it")
        .isTrue();
  }

  @Test
  void recordsOfPartitionsNotAssignedAreLeftAlone() {
    core.assign(0, 0);
    core.poll(event(1, 0, KEY, null));
    assertThat(core.sent).isEmpty();
    assertThat(core.onLoop(() -> core.partitions.heldRecords())).isZero();
  }

  @Test
  void aBadRecordIsSkippedAndCompleted() {
    core.assign(0, 0);
    core.poll(
        new org.apache.kafka.clients.consumer.ConsumerRecord<>(
            CoreHarness.TOPIC,
            0,
            0L,
            null,
            "not json".getBytes(java.nio.charset.StandardCharsets.UTF_8)),
        event(0, 1, KEY, null));
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> core.onLoop(() -> core.partitions.get(tp(0)).committable()) == 2);
    assertThat(core.sentOffsets(0)).containsExactly(1L);
  }
}
