package com.ilert.ilagent.offsets;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * A position that moves back (a truncated log) is committed: neither the late answer of a commit
 * sent before it nor a committed offset above an assignment's start keeps it from being.
 */
class PartitionStateTest {
  private static final TopicPartition TP = new TopicPartition("events", 0);

  @Test
  void aLateAnswerOfACommitSentBeforeARewindDoesNotPutTheOldOffsetBack() {
    PartitionState ps = new PartitionState(TP);
    ps.start(0, new OffsetAndMetadata(0), new long[0]);
    for (long o = 0; o < 10; o++) {
      ps.add(o);
      ps.complete(ps.epoch(), o);
    }
    int sentIn = ps.epoch();
    OffsetAndMetadata sent = ps.commitPoint(new OffsetMetadata.Writer());
    assertThat(sent.offset()).isEqualTo(10);

    ps.rewind(4); // the log was truncated: the position moved back to 4
    ps.committed(sent, sentIn); // then the answer to the commit sent before

    OffsetAndMetadata next = ps.commitPoint(new OffsetMetadata.Writer());
    assertThat(next).as("the lower position is committed, or a crash skips 4..9").isNotNull();
    assertThat(next.offset()).isEqualTo(4);
  }

  @Test
  void aStartBelowTheCommittedOffsetIsCommittedAndItsListedOffsetsAreNotSkipped() {
    PartitionState ps = new PartitionState(TP);
    // Committed 100 with 103 listed done; the log was truncated to 80 and the seed commit failed.
    OffsetMetadata.Writer w = new OffsetMetadata.Writer().start(100);
    w.run(103, 1);
    OffsetAndMetadata committed = new OffsetAndMetadata(100, w.finish());

    ps.start(80, committed, OffsetMetadata.decode(100, committed.metadata()));

    OffsetAndMetadata next = ps.commitPoint(new OffsetMetadata.Writer());
    assertThat(next).as("the start below the committed offset is committed").isNotNull();
    assertThat(next.offset()).isEqualTo(80);
    for (long o = 80; o < 104; o++) {
      assertThat(ps.add(o)).as("offset %d holds a new record: not known done", o).isFalse();
    }
  }

  @Test
  void aRewindToTheVeryFirstOffsetIsCommittedToo() {
    PartitionState ps = new PartitionState(TP);
    ps.start(0, null, new long[0]);
    ps.add(0);
    ps.complete(ps.epoch(), 0);
    ps.committed(ps.commitPoint(new OffsetMetadata.Writer()), ps.epoch());

    ps.rewind(0); // the log was truncated to nothing

    OffsetAndMetadata next = ps.commitPoint(new OffsetMetadata.Writer());
    assertThat(next).as("offset 0 is committed, or the new record there is skipped").isNotNull();
    assertThat(next.offset()).isZero();
  }

  @Test
  void aStartAtTheVeryFirstOffsetIsCommitted() {
    PartitionState ps = new PartitionState(TP);
    ps.start(0, null, new long[0]); // never committed: a restart on 'latest' would skip to the end
    assertThat(ps.commitPoint(new OffsetMetadata.Writer())).isEqualTo(new OffsetAndMetadata(0));
  }

  @Test
  void aRewindBelowOffsetsTheCommittedMetadataListsCommitsAgainEvenAtTheSameOffset() {
    PartitionState ps = new PartitionState(TP);
    ps.start(6, new OffsetAndMetadata(6), new long[0]);
    for (long o = 6; o < 18; o++) {
      ps.add(o);
    }
    ps.complete(ps.epoch(), 17); // 6 pending: committed 6, 17 listed done
    OffsetAndMetadata listing = ps.commitPoint(new OffsetMetadata.Writer());
    ps.committed(listing, ps.epoch());
    assertThat(OffsetMetadata.decode(6, listing.metadata())).containsExactly(17);

    ps.rewind(11); // 17 now holds another record, which the group's commit still lists as done

    OffsetAndMetadata next = ps.commitPoint(new OffsetMetadata.Writer());
    assertThat(next).as("the same offset, without the stale list, is committed again").isNotNull();
    assertThat(next.offset()).isEqualTo(6);
    assertThat(OffsetMetadata.decode(6, next.metadata())).isEmpty();
  }
}
