package com.ilert.ilagent.offsets;

import java.util.Optional;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;

/**
 * The partition leader epochs one assignment of a partition has seen (KIP-320), so that its commits
 * carry one and a log truncated below them is found out.
 *
 * <p>A commit of offset N carries the newest epoch of the records taken in, as Kafka's own consumer
 * does: at a restart or hand-over the client asks the leader where that epoch ends, and if the log
 * was truncated below N (an unclean leader election) it starts at the point where the log diverged
 * instead of at N, so no record written after the truncation is skipped. An epoch newer than that
 * of the record at N - 1 is safe (the leader answers with the end of the newest epoch at or below
 * it); an older one could make the client see a truncation that did not happen.
 *
 * <p>The offsets a commit's metadata lists as done were records of epochs at or below the commit's
 * own: a record at such an offset with a newer epoch was written after a truncation, at a reused
 * offset, and is a different record that must be delivered.
 */
final class LeaderEpochs {
  private static final int UNKNOWN = -1;

  /** The newest epoch seen: of the records taken in, or of the commit the assignment starts at. */
  private int newest = UNKNOWN;

  /** The epoch of the commit whose metadata listed offsets as done, if it carried one. */
  private int ofStartCommit = UNKNOWN;

  /** The assignment starts from {@code committed} (null when the group has none). */
  void start(OffsetAndMetadata committed) {
    int epoch = committed == null ? UNKNOWN : committed.leaderEpoch().orElse(UNKNOWN);
    newest = Math.max(newest, epoch);
    ofStartCommit = epoch;
  }

  /** A record of {@code epoch} (negative: unknown, a record of an old message format) arrived. */
  void seen(int epoch) {
    newest = Math.max(newest, epoch);
  }

  /**
   * Whether a record of {@code epoch} at an offset the start commit's metadata lists as done was
   * written after that commit, at a reused offset: not the record that was done.
   */
  boolean newerThanStartCommit(int epoch) {
    return epoch >= 0 && ofStartCommit >= 0 && epoch > ofStartCommit;
  }

  /** The epoch a commit carries now; empty while none is known. */
  Optional<Integer> forCommit() {
    return newest < 0 ? Optional.empty() : Optional.of(newest);
  }
}
