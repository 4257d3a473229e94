package com.ilert.ilagent.offsets;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * One assignment of one partition: a new object each time the partition is assigned, so work that
 * outlives a revoke still points at the old object and can tell that its outcome no longer counts.
 */
public final class PartitionState {
  private final TopicPartition tp;
  private final PartitionOffsets offsets = new PartitionOffsets();
  private final LeaderEpochs leaderEpochs = new LeaderEpochs();

  /** Records received and not finished (queued, waiting for a retry or in flight). */
  private int buffered;

  private long bufferedBytes;

  /** Deliveries on the wire plus dead-letter writes under way: what a revoke waits for. */
  private int active;

  private boolean paused;

  /** The highest offset whose delivery started, or -1. */
  private long maxStarted = -1;

  /** Where consumption started (committed offset or reset), once known; -1 before. */
  private long startPosition = -1;

  /** Being revoked: nothing of it starts any more; what is on the wire may still complete. */
  private boolean leaving;

  /** Set once revoked or lost: nothing of it starts or is committed any more. */
  private boolean revoked;

  /** Bumped when the fetch position moves back; see {@link #stale}. */
  private int epoch;

  /**
   * The completed offsets above the committed one no longer all fit in a commit's metadata (at the
   * last commit): more would be delivered again after a crash, so the partition pauses.
   */
  private boolean metadataFull;

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

  public TopicPartition tp() {
    return tp;
  }

  public String topic() {
    return tp.topic();
  }

  public int partition() {
    return tp.partition();
  }

  // ---- what it holds, and its pause (Partitions keeps the totals) ----

  /** A record of {@code bytes} is taken in and held until it finishes. */
  void hold(int bytes) {
    buffered++;
    bufferedBytes += bytes;
  }

  /** A held record finished or was dropped. */
  void release(int bytes) {
    buffered--;
    bufferedBytes -= bytes;
  }

  int buffered() {
    return buffered;
  }

  long bufferedBytes() {
    return bufferedBytes;
  }

  public boolean paused() {
    return paused;
  }

  void pause() {
    paused = true;
  }

  void resume() {
    paused = false;
  }

  // ---- its life in the assignment ----

  /** A revoke began: nothing of it starts any more; what is on the wire may still complete. */
  public void markLeaving() {
    leaving = true;
  }

  public boolean leaving() {
    return leaving;
  }

  /** Revoked or lost: nothing of it starts or is committed any more. */
  void markRevoked() {
    revoked = true;
  }

  public boolean revoked() {
    return revoked;
  }

  // ---- requests and dead-letter writes under way, which a revoke waits for ----

  /** The delivery of {@code offset} went on the wire. */
  public void deliveryStarted(long offset) {
    active++;
    maxStarted = Math.max(maxStarted, offset);
  }

  /** A delivery's request ended (answered or failed). */
  public void deliveryEnded() {
    active--;
  }

  public void deadLetterStarted() {
    active++;
  }

  public void deadLetterEnded() {
    active--;
  }

  /** Whether nothing of it is on the wire or being written to the dead-letter topic. */
  public boolean quiet() {
    return active == 0;
  }

  /** The highest offset whose delivery started, or -1. */
  public long maxStarted() {
    return maxStarted;
  }

  public int epoch() {
    return epoch;
  }

  /** See the field of the same name; read by the backpressure bounds. */
  boolean metadataFull() {
    return metadataFull;
  }

  // ---- offsets ----

  /** The highest offset taken in (or the one below the start), or -1. */
  public long lastAdded() {
    return offsets.lastAdded();
  }

  /** The offset a commit would name now, or -1 before the start is known. */
  public long committable() {
    return offsets.committable();
  }

  /** Records from the lowest pending one up, none of which a commit can cover yet. */
  int uncommittable() {
    return offsets.uncommittable();
  }

  /**
   * A record of partition leader epoch {@code leaderEpoch} (negative if unknown) arrived at {@code
   * offset}: tracked until it completes. One newer than the commit whose metadata lists its offset
   * as done is a record written after a truncation, not the one that was done.
   *
   * @return true if it completed before a restart or hand-over (commit metadata): not sent again
   */
  public boolean add(long offset, int leaderEpoch) {
    leaderEpochs.seen(leaderEpoch);
    if (leaderEpochs.newerThanStartCommit(leaderEpoch)) {
      offsets.forgetKnownDoneFrom(offset);
    }
    return offsets.add(offset);
  }

  /**
   * The position passed offsets without a record; true if the committable offset may have moved.
   */
  public boolean skipTo(long position) {
    return offsets.skipTo(position);
  }

  /**
   * The record at {@code offset}, taken in {@code workEpoch}, is done; false, changing nothing, if
   * it no longer counts (see {@link #stale}) or was done already.
   */
  public boolean complete(int workEpoch, long offset) {
    return !stale(workEpoch, offset) && offsets.complete(offset);
  }

  /** The first record polled tells where consumption starts, when the assignment could not. */
  public void startSeen(long offset) {
    if (startPosition < 0) {
      startPosition = offset;
    }
  }

  /**
   * Where consumption starts, and what the group committed for it (its metadata included). A
   * committed offset above the start means the log was truncated below it (the client found the
   * divergence): that commit and its list of completed offsets describe records that are gone, so
   * the start is committed anew and nothing is skipped.
   */
  public void start(long position, OffsetAndMetadata committed, long[] knownDone) {
    leaderEpochs.start(committed);
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
   * (written with {@code writer}) and the newest leader epoch seen (see {@link LeaderEpochs}); null
   * if that is what was committed last.
   */
  public OffsetAndMetadata commitPoint(OffsetMetadata.Writer writer) {
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
    return new OffsetAndMetadata(committable, leaderEpochs.forCommit(), metadata);
  }

  /**
   * A commit of {@code point}, sent in {@code sentEpoch}, succeeded. One sent before the position
   * moved back describes records that are gone: its late answer must not put its offset back, or
   * the lower position would never be committed.
   */
  public void committed(OffsetAndMetadata point, int sentEpoch) {
    if (sentEpoch == epoch && point.offset() >= offsets.lastCommitted()) {
      offsets.markCommitted(point.offset());
      committedMetadata = point.metadata();
    }
  }

  public boolean startKnown() {
    return startPosition >= 0;
  }

  /** The position moved back to {@code from}: work of earlier epochs at or above it is stale. */
  public void rewind(long from) {
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
  public boolean stale(int workEpoch, long offset) {
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
