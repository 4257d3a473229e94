package com.ilert.ilagent.kafka;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * One assignment of one partition: a new object each time the partition is assigned, so work that
 * outlives a revoke still points at the old object and can tell that its outcome no longer counts.
 */
final class PartitionState {
  final TopicPartition tp;
  final PartitionOffsets offsets = new PartitionOffsets();

  /** Records received and not finished (queued, waiting for a retry or in flight). */
  int buffered;

  long bufferedBytes;

  /** Deliveries on the wire plus dead-letter writes under way: what a revoke waits for. */
  int active;

  boolean paused;

  /** The highest offset whose delivery started, or -1. */
  long maxStarted = -1;

  /** Where consumption started (committed offset or reset), once known; -1 before. */
  long startPosition = -1;

  /** Being revoked: nothing of it starts any more; what is on the wire may still complete. */
  boolean leaving;

  /** Set once revoked or lost: nothing of it starts or is committed any more. */
  boolean revoked;

  /** Bumped when the fetch position moves back; see {@link #stale}. */
  int epoch;

  /**
   * The completed offsets above the committed one no longer all fit in a commit's metadata (at the
   * last commit): more would be delivered again after a crash, so the partition pauses.
   */
  boolean metadataFull;

  private final List<long[]> rewinds = new ArrayList<>(0);

  /**
   * The metadata of the last commit (completed offsets above it), "" when none; null when unknown
   * (after a rewind the group's commit may still list offsets that now hold other records), which
   * no metadata equals, so the next commit point is sent.
   */
  private String committedMetadata = "";

  PartitionState(TopicPartition tp) {
    this.tp = tp;
  }

  /**
   * Where consumption starts, and what the group committed for it (its metadata included). A
   * committed offset above the start means the log was truncated below it (the client found the
   * divergence): that commit and its list of completed offsets describe records that are gone, so
   * the start is committed anew and nothing is skipped.
   */
  void start(long position, OffsetAndMetadata committed, long[] knownDone) {
    if (committed != null && committed.offset() > position) {
      committed = null;
      knownDone = new long[0];
    }
    startPosition = position;
    offsets.start(position, committed == null ? -1 : committed.offset());
    if (committed != null && committed.offset() == position && committed.metadata() != null) {
      committedMetadata = committed.metadata();
    }
    if (knownDone.length > 0) {
      offsets.knownDone(knownDone);
    }
  }

  /**
   * What to commit now: the completed prefix, with the completed offsets above it in the metadata
   * (written with {@code writer}); null if that is what was committed last.
   */
  OffsetAndMetadata commitPoint(OffsetMetadata.Writer writer) {
    long committable = offsets.committable();
    if (committable < 0 || committable < offsets.lastCommitted()) {
      return null;
    }
    writer.start(committable);
    offsets.forEachDoneRun(writer);
    metadataFull = !writer.complete();
    String metadata = writer.finish();
    if (committable == offsets.lastCommitted() && metadata.equals(committedMetadata)) {
      // (committedMetadata null after a rewind: never equal, so the commit goes)
      return null;
    }
    return new OffsetAndMetadata(committable, metadata);
  }

  /**
   * A commit of {@code point}, sent in {@code sentEpoch}, succeeded. One sent before the position
   * moved back describes records that are gone: its late answer must not put its offset back, or
   * the lower position would never be committed.
   */
  void committed(OffsetAndMetadata point, int sentEpoch) {
    if (sentEpoch == epoch && point.offset() >= offsets.lastCommitted()) {
      offsets.markCommitted(point.offset());
      committedMetadata = point.metadata();
    }
  }

  boolean startKnown() {
    return startPosition >= 0;
  }

  /** The position moved back to {@code from}: work of earlier epochs at or above it is stale. */
  void rewind(long from) {
    epoch++;
    committedMetadata = null;
    rewinds.add(new long[] {epoch, from});
    offsets.rewind(from);
    maxStarted = Math.min(maxStarted, from - 1);
  }

  /**
   * Whether a record of this partition taken in {@code workEpoch} at {@code offset} no longer
   * counts: the partition was revoked, or the position moved back over it since (a new record may
   * now hold that offset).
   */
  boolean stale(int workEpoch, long offset) {
    if (revoked) {
      return true;
    }
    for (long[] r : rewinds) {
      if (r[0] > workEpoch && offset >= r[1]) {
        return true;
      }
    }
    return false;
  }
}
