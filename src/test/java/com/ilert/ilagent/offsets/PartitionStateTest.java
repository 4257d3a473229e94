package com.ilert.ilagent.offsets;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
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
      ps.add(o, -1);
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
      assertThat(ps.add(o, -1)).as("offset %d holds a new record: not known done", o).isFalse();
    }
  }

  @Test
  void aRewindToTheVeryFirstOffsetIsCommittedToo() {
    PartitionState ps = new PartitionState(TP);
    ps.start(0, null, new long[0]);
    ps.add(0, -1);
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
      ps.add(o, -1);
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

  @Test
  void aCommitCarriesTheNewestLeaderEpochOfTheRecordsTakenIn() {
    PartitionState ps = new PartitionState(TP);
    ps.start(0, new OffsetAndMetadata(0), new long[0]);
    assertThat(ps.commitPoint(new OffsetMetadata.Writer())).isNull();
    ps.add(0, 4);
    ps.add(1, 5); // a leader election between the two
    ps.add(2, -1); // an old message format: no epoch
    ps.complete(ps.epoch(), 0);

    OffsetAndMetadata point = ps.commitPoint(new OffsetMetadata.Writer());

    assertThat(point.offset()).isEqualTo(1);
    assertThat(point.leaderEpoch())
        .as("the newest seen (never older than the record below the offset)")
        .contains(5);
  }

  @Test
  void aStartAtTheCommittedOffsetKeepsItsEpochUntilARecordComes() {
    PartitionState ps = new PartitionState(TP);
    ps.start(7, new OffsetAndMetadata(7, Optional.of(2), ""), new long[0]);
    ps.rewind(7); // committed again as it is, e.g. after a truncation at the position

    assertThat(ps.commitPoint(new OffsetMetadata.Writer()).leaderEpoch()).contains(2);
  }

  @Test
  void aRecordOfANewerEpochAtAnOffsetTheCommitListsAsDoneIsDelivered() {
    // Committed 10 in epoch 3 with 12 and 14 listed done; then the log was truncated at 12 and the
    // new leader (epoch 4) wrote other records at 12 and 14. The commit's epoch still ends at 12,
    // so the client starts at 10 as committed: only the epochs tell the records apart.
    OffsetMetadata.Writer w = new OffsetMetadata.Writer().start(10);
    w.run(12, 1);
    w.run(14, 1);
    OffsetAndMetadata committed = new OffsetAndMetadata(10, Optional.of(3), w.finish());
    PartitionState ps = new PartitionState(TP);
    ps.start(10, committed, OffsetMetadata.decode(10, committed.metadata()));

    assertThat(ps.add(10, 3)).isFalse();
    assertThat(ps.add(11, 3)).isFalse();
    assertThat(ps.add(12, 4)).as("written after the truncation: not the one done").isFalse();
    assertThat(ps.add(13, 4)).isFalse();
    assertThat(ps.add(14, 4)).as("above the reused offset: not done either").isFalse();
  }

  @Test
  void aRecordOfTheCommitsEpochAtAListedOffsetIsStillSkipped() {
    OffsetMetadata.Writer w = new OffsetMetadata.Writer().start(10);
    w.run(12, 1);
    OffsetAndMetadata committed = new OffsetAndMetadata(10, Optional.of(3), w.finish());
    PartitionState ps = new PartitionState(TP);
    ps.start(10, committed, OffsetMetadata.decode(10, committed.metadata()));

    ps.add(10, 2);
    ps.add(11, 3);
    assertThat(ps.add(12, 3)).as("the very record that was done").isTrue();
  }
}
