package com.ilert.ilagent.offsets;

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
    assertThat(p.complete(15)).isTrue();
    assertThat(p.committable()).isEqualTo(16);
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
    // Reverse order: every completion is a binary search, the head moves only at the very end.
    for (int i = n - 1; i >= 1; i--) {
      assertThat(p.complete(2L * i)).isTrue();
    }
    assertThat(p.committable()).isZero();
    p.complete(0);
    assertThat(p.committable()).isEqualTo(2L * (n - 1) + 1);
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
  }

  @Test
  void aStartPositionNeverCommittedIsCommittable() {
    PartitionOffsets p = new PartitionOffsets();
    p.start(42, -1);
    assertThat(p.committable()).isEqualTo(42);
    assertThat(p.needsCommit()).as("the group has no offset for it yet").isTrue();
    PartitionOffsets q = new PartitionOffsets();
    q.start(42, 42);
    assertThat(q.needsCommit()).as("committed already").isFalse();
    q.add(42);
    q.complete(42);
    assertThat(q.committable()).isEqualTo(43);
    assertThat(q.needsCommit()).isTrue();
  }

  @Test
  void rewindForgetsWhatWasTakenAtAndAboveAndCommitsTheLowerPositionAgain() {
    PartitionOffsets p = new PartitionOffsets();
    p.start(0, -1);
    for (long o = 0; o < 10; o++) {
      p.add(o);
    }
    for (long o = 0; o < 8; o++) {
      p.complete(o);
    }
    p.markCommitted(8);
    // The log was truncated to 6: records 6.. are new records at reused offsets.
    p.rewind(6);
    assertThat(p.lastAdded()).isEqualTo(5);
    assertThat(p.committable()).isEqualTo(6);
    assertThat(p.needsCommit()).as("6 is below the committed 8: committed again").isTrue();
    assertThat(p.complete(8)).as("the old record 8 is forgotten").isFalse();
    assertThat(p.add(6)).isFalse();
    p.add(7);
    assertThat(p.committable()).isEqualTo(6);
    p.complete(6);
    p.complete(7);
    assertThat(p.committable()).isEqualTo(8);
  }

  @Test
  void rewindKeepsPendingRecordsBelowTheNewPosition() {
    PartitionOffsets p = new PartitionOffsets();
    for (long o = 0; o < 6; o++) {
      p.add(o);
    }
    p.complete(0);
    p.complete(2);
    p.rewind(4);
    assertThat(p.committable()).isEqualTo(1);
    assertThat(p.uncommittable()).as("1, 2 (done), 3").isEqualTo(3);
    p.complete(1);
    p.complete(3);
    assertThat(p.committable()).isEqualTo(4);
  }

  @Test
  void offsetsKnownDoneAreReportedAsDoneWhenTheyArrive() {
    PartitionOffsets p = new PartitionOffsets();
    p.start(10, 10);
    p.knownDone(new long[] {12, 13, 16, 9});
    assertThat(p.add(10)).isFalse();
    assertThat(p.add(11)).isFalse();
    assertThat(p.add(12)).as("done before the restart").isTrue();
    List<Long> done = new ArrayList<>();
    p.forEachDoneAboveCommittable(done::add);
    assertThat(done).as("12 tracked done, 13 and 16 still to come").containsExactly(12L, 13L, 16L);
    p.complete(10);
    p.complete(11);
    assertThat(p.committable()).isEqualTo(13);
    assertThat(p.add(13)).isTrue();
    assertThat(p.committable()).as("nothing pending: done record moves it on").isEqualTo(14);
    assertThat(p.add(15)).as("14 never came (compacted)").isFalse();
    assertThat(p.add(16)).isTrue();
    done.clear();
    p.forEachDoneAboveCommittable(done::add);
    assertThat(done).containsExactly(16L);
    p.complete(15);
    assertThat(p.committable()).isEqualTo(17);
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
        assertThat(p.needsCommit()).isEqualTo(expected >= 0 && expected > committed);
      }
    }
  }
}
