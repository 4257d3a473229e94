package com.ilert.ilagent.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class PartitionOffsetsTest {

  @Test
  void nothingAddedMeansNothingToCommit() {
    PartitionOffsets p = new PartitionOffsets();
    assertThat(p.committable()).isEqualTo(-1);
    assertThat(p.needsCommit()).isFalse();
    assertThat(p.pending()).isZero();
    assertThat(p.complete(0)).isFalse();
  }

  @Test
  void uncommittableCountsEverythingFromTheLowestPendingRecordUp() {
    PartitionOffsets p = new PartitionOffsets();
    for (long o = 0; o < 100; o++) {
      p.add(o);
    }
    // Everything but offset 3 done: 96 completed records wait behind it, plus itself.
    for (long o = 0; o < 100; o++) {
      if (o != 3) {
        p.complete(o);
      }
    }
    assertThat(p.pending()).isEqualTo(1);
    assertThat(p.uncommittable()).isEqualTo(97);
    assertThat(p.committable()).isEqualTo(3);
    p.complete(3);
    assertThat(p.uncommittable()).isZero();
    assertThat(p.committable()).isEqualTo(100);
  }

  @Test
  void committableIsLowestPendingThenLastPlusOne() {
    PartitionOffsets p = new PartitionOffsets();
    p.add(10);
    p.add(11);
    p.add(15); // gap: compacted away or a transaction marker
    assertThat(p.committable()).isEqualTo(10);
    assertThat(p.complete(11)).isTrue();
    assertThat(p.committable()).isEqualTo(10);
    assertThat(p.complete(10)).isTrue();
    assertThat(p.committable()).isEqualTo(15);
    assertThat(p.pending()).isEqualTo(1);
    assertThat(p.complete(15)).isTrue();
    assertThat(p.committable()).isEqualTo(16);
    assertThat(p.pending()).isZero();
  }

  @Test
  void addRejectsNonIncreasingAndNegativeOffsets() {
    PartitionOffsets p = new PartitionOffsets();
    assertThatThrownBy(() -> p.add(-1)).isInstanceOf(IllegalArgumentException.class);
    p.add(5);
    assertThatThrownBy(() -> p.add(5)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> p.add(4)).isInstanceOf(IllegalArgumentException.class);
    // Still usable after a rejected add, also once everything is complete.
    p.complete(5);
    assertThatThrownBy(() -> p.add(5)).isInstanceOf(IllegalArgumentException.class);
    p.add(6);
    assertThat(p.committable()).isEqualTo(6);
  }

  @Test
  void completeIgnoresUnknownAndRepeatedOffsets() {
    PartitionOffsets p = new PartitionOffsets();
    p.add(1);
    p.add(3);
    p.add(5);
    assertThat(p.complete(2)).as("gap").isFalse();
    assertThat(p.complete(0)).as("below").isFalse();
    assertThat(p.complete(6)).as("above").isFalse();
    assertThat(p.complete(3)).isTrue();
    assertThat(p.complete(3)).as("twice, not at head").isFalse();
    assertThat(p.complete(1)).isTrue();
    assertThat(p.complete(1)).as("twice, already popped").isFalse();
    assertThat(p.pending()).isEqualTo(1);
    assertThat(p.committable()).isEqualTo(5);
  }

  @Test
  void needsCommitOnlyWhenCommittableMoved() {
    PartitionOffsets p = new PartitionOffsets();
    p.add(0);
    assertThat(p.needsCommit()).isTrue();
    p.markCommitted(p.committable());
    assertThat(p.needsCommit()).isFalse();
    p.add(1);
    assertThat(p.needsCommit()).as("pending head unchanged").isFalse();
    p.complete(1);
    assertThat(p.needsCommit()).isFalse();
    p.complete(0);
    assertThat(p.committable()).isEqualTo(2);
    assertThat(p.needsCommit()).isTrue();
    p.markCommitted(2);
    p.markCommitted(1); // late acknowledgement of an older commit does not go back
    assertThat(p.lastCommitted()).isEqualTo(2);
    assertThat(p.needsCommit()).isFalse();
  }

  @Test
  void handlesManyPendingRecordsCompletedOutOfOrder() {
    PartitionOffsets p = new PartitionOffsets();
    int n = 200_000;
    for (int i = 0; i < n; i++) {
      p.add(2L * i);
    }
    assertThat(p.pending()).isEqualTo(n);
    // Reverse order: every completion is a binary search, the head moves only at the very end.
    for (int i = n - 1; i >= 1; i--) {
      assertThat(p.complete(2L * i)).isTrue();
    }
    assertThat(p.committable()).isZero();
    p.complete(0);
    assertThat(p.committable()).isEqualTo(2L * (n - 1) + 1);
    assertThat(p.pending()).isZero();
    // Shrunk and reusable after the burst.
    p.add(2L * n);
    assertThat(p.committable()).isEqualTo(2L * n);
  }

  @Test
  void wrapsAroundTheRingWhileGrowingAndShrinking() {
    PartitionOffsets p = new PartitionOffsets();
    long next = 0;
    long lowest = 0;
    // Sliding window whose size oscillates, so head wraps at many capacities.
    for (int round = 0; round < 50; round++) {
      int window = (round % 7) * 40 + 3;
      while (next - lowest < window) {
        p.add(next++);
      }
      while (next - lowest > window / 2) {
        assertThat(p.committable()).isEqualTo(lowest);
        assertThat(p.complete(lowest++)).isTrue();
      }
    }
    assertThat(p.pending()).isEqualTo((int) (next - lowest));
  }

  /** Random adds and completions against a TreeSet model of the pending offsets. */
  @Test
  void randomizedAgainstReferenceModel() {
    long seed = System.nanoTime();
    Random rnd = new Random(seed);
    for (int run = 0; run < 300; run++) {
      PartitionOffsets p = new PartitionOffsets();
      TreeSet<Long> pendingModel = new TreeSet<>();
      List<Long> added = new ArrayList<>();
      long last = -1;
      long committed = -1;
      int ops = 500 + rnd.nextInt(3000);
      for (int op = 0; op < ops; op++) {
        int r = rnd.nextInt(100);
        if (r < 45) {
          long off = last + 1 + (rnd.nextInt(4) == 0 ? rnd.nextInt(5) : 0);
          p.add(off);
          pendingModel.add(off);
          added.add(off);
          last = off;
        } else if (r < 85 && !added.isEmpty()) {
          // Bias towards low offsets so the head moves, but also complete any.
          long off =
              rnd.nextBoolean() && !pendingModel.isEmpty()
                  ? pendingModel.first()
                  : added.get(rnd.nextInt(added.size()));
          assertThat(p.complete(off)).as("seed %d", seed).isEqualTo(pendingModel.remove(off));
        } else if (r < 92) {
          long off = last < 0 ? rnd.nextInt(3) : (long) rnd.nextInt((int) last + 3);
          boolean expected = pendingModel.remove(off);
          assertThat(p.complete(off)).as("seed %d", seed).isEqualTo(expected);
        } else if (p.needsCommit()) {
          committed = p.committable();
          p.markCommitted(committed);
        }
        long expected = pendingModel.isEmpty() ? (last < 0 ? -1 : last + 1) : pendingModel.first();
        assertThat(p.committable()).as("seed %d", seed).isEqualTo(expected);
        if (!pendingModel.isEmpty()) {
          assertThat(p.committable()).isLessThanOrEqualTo(pendingModel.first());
        }
        assertThat(p.pending()).isEqualTo(pendingModel.size());
        assertThat(p.needsCommit()).isEqualTo(expected >= 0 && expected > committed);
      }
    }
  }
}
