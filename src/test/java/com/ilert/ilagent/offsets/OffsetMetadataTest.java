package com.ilert.ilagent.offsets;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** The completed offsets carried in a commit's metadata. */
class OffsetMetadataTest {

  @Test
  void nothingDoneIsTheEmptyString() {
    assertThat(OffsetMetadata.encode(100, new long[0])).isEmpty();
    assertThat(OffsetMetadata.decode(100, "")).isEmpty();
    assertThat(OffsetMetadata.decode(100, null)).isEmpty();
  }

  @Test
  void runsAndGapsRoundTrip() {
    long[] done = {101, 102, 103, 105, 200, 201, 10_000_000};
    String metadata = OffsetMetadata.encode(100, done);
    assertThat(metadata).startsWith(OffsetMetadata.PREFIX);
    assertThat(OffsetMetadata.decode(100, metadata)).containsExactly(done);
  }

  @Test
  void theCommittedOffsetItselfMayBeKnownDone() {
    long[] done = {100, 101};
    assertThat(OffsetMetadata.decode(100, OffsetMetadata.encode(100, done))).containsExactly(done);
  }

  @Test
  void aLongRunIsAFewBytes() {
    long[] done = new long[50_000];
    for (int i = 0; i < done.length; i++) {
      done[i] = 1_001 + i;
    }
    String metadata = OffsetMetadata.encode(1_000, done);
    assertThat(metadata.length()).isLessThan(30);
    assertThat(OffsetMetadata.decode(1_000, metadata)).hasSize(50_000);
  }

  @Test
  void whatDoesNotFitIsLeftOutNeverMadeUp() {
    // Every other offset done: each done offset is a run of its own, far more than 4,096 chars
    // hold.
    long[] done = new long[5_000];
    for (int i = 0; i < done.length; i++) {
      done[i] = 2L * i + 1;
    }
    String metadata = OffsetMetadata.encode(0, done);
    assertThat(metadata.length()).isLessThanOrEqualTo(OffsetMetadata.MAX_CHARS);
    long[] decoded = OffsetMetadata.decode(0, metadata);
    assertThat(decoded.length).as("a prefix of them").isBetween(1_000, 4_999);
    assertThat(decoded).containsExactly(Arrays.copyOf(done, decoded.length));
  }

  @Test
  void metadataOfOtherClientsOrDamagedMetadataIsNotUsed() {
    assertThat(OffsetMetadata.decode(5, "written by someone else")).isNull();
    assertThat(OffsetMetadata.decode(5, OffsetMetadata.PREFIX + "%%%not base64%%%")).isNull();
    // A cut-off varint, and a run of length 0.
    assertThat(OffsetMetadata.decode(5, OffsetMetadata.PREFIX + "gA")).isNull();
    assertThat(OffsetMetadata.decode(5, OffsetMetadata.PREFIX + "AQA")).isNull();
    // A gap without its run.
    assertThat(OffsetMetadata.decode(5, OffsetMetadata.PREFIX + "AQ")).isNull();
    // Runs adding up to absurd sizes.
    assertThat(OffsetMetadata.decode(5, OffsetMetadata.PREFIX + "AP____________8B")).isNull();
  }

  @Test
  void randomSetsRoundTrip() {
    long seed = System.nanoTime();
    Random rnd = new Random(seed);
    for (int run = 0; run < 500; run++) {
      long committed = rnd.nextInt(1_000_000);
      TreeSet<Long> set = new TreeSet<>();
      int n = rnd.nextInt(400);
      for (int i = 0; i < n; i++) {
        set.add(committed + rnd.nextInt(rnd.nextBoolean() ? 500 : 100_000));
      }
      long[] done = set.stream().mapToLong(Long::longValue).toArray();
      assertThat(OffsetMetadata.decode(committed, OffsetMetadata.encode(committed, done)))
          .as("seed %d", seed)
          .containsExactly(done);
    }
  }

  /** A partition assigned again after a crash skips exactly what completed before it. */
  @Test
  void aPartitionAssignedAgainAfterACrashSkipsWhatWasDone() {
    PartitionState before = new PartitionState(new TopicPartition("events", 0));
    before.start(0, null, new long[0]);
    for (long o = 0; o < 20; o++) {
      before.add(o, -1);
    }
    for (long o = 0; o < 20; o++) {
      if (o != 3 && o != 11 && o != 12) {
        before.complete(before.epoch(), o); // 3, 11 and 12 still pending at the crash
      }
    }
    var point = before.commitPoint(new OffsetMetadata.Writer());
    assertThat(point.offset()).isEqualTo(3);

    // kill -9, then a new owner reads the commit back.
    PartitionState after = new PartitionState(new TopicPartition("events", 0));
    after.start(point.offset(), point, OffsetMetadata.decode(point.offset(), point.metadata()));
    List<Long> delivered = new ArrayList<>();
    for (long o = 3; o < 25; o++) {
      if (!after.add(o, -1)) {
        delivered.add(o);
      }
    }
    assertThat(delivered).containsExactly(3L, 11L, 12L, 20L, 21L, 22L, 23L, 24L);
    assertThat(after.commitPoint(new OffsetMetadata.Writer()))
        .as("nothing new completed: the same commit")
        .isNull();
  }
}
