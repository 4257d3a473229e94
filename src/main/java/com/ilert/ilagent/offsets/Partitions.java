package com.ilert.ilagent.offsets;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;

/**
 * The partitions assigned to this agent, what they hold, and which of them are paused. Pauses are
 * applied to Kafka as they are decided here, so this view and Kafka's stay the same: a partition
 * new to the assignment is paused at once when the agent is stopping or holds too much already, and
 * resumed explicitly otherwise (a pause asked for its previous assignment may still be on its way
 * to Kafka). A partition on its way to another member is neither paused nor resumed: Kafka may have
 * taken it away already. Runs on one event loop.
 */
public final class Partitions {
  /** Pausing and resuming fetches of single partitions; the poll loop itself keeps running. */
  public interface Fetching {
    void pause(Set<TopicPartition> partitions);

    void resume(Set<TopicPartition> partitions);

    /** Fetching paused and resumed by these two calls, e.g. a read stream's. */
    static Fetching of(
        java.util.function.Consumer<Set<TopicPartition>> pause,
        java.util.function.Consumer<Set<TopicPartition>> resume) {
      return new Fetching() {
        @Override
        public void pause(Set<TopicPartition> partitions) {
          pause.accept(partitions);
        }

        @Override
        public void resume(Set<TopicPartition> partitions) {
          resume.accept(partitions);
        }
      };
    }
  }

  private final Map<TopicPartition, PartitionState> assigned = new HashMap<>();
  private final Backpressure bounds;
  private final Fetching kafka;
  private long records;
  private long bytes;

  /** Set by a stop: everything stays paused. */
  private boolean frozen;

  /** Partitions were paused for the process-wide bound: resume them once below it. */
  private boolean processPaused;

  /**
   * {@code frozen || processPaused}, for the consumer's thread: a partition assigned meanwhile is
   * paused there, in the rebalance, before the same poll fetches from it.
   */
  private volatile boolean pauseNew;

  public Partitions(Backpressure bounds, Fetching kafka) {
    this.bounds = bounds;
    this.kafka = kafka;
  }

  /** The live state of an assigned partition, or null. */
  public PartitionState get(TopicPartition tp) {
    return assigned.get(tp);
  }

  public Collection<PartitionState> all() {
    return assigned.values();
  }

  /** The assigned partitions. */
  public Set<TopicPartition> assigned() {
    return new HashSet<>(assigned.keySet());
  }

  public int size() {
    return assigned.size();
  }

  /** From any thread: whether a partition new to the assignment must start paused. */
  public boolean pauseNew() {
    return pauseNew;
  }

  /** Whether every assigned partition knows where it starts. */
  public boolean startsKnown() {
    for (PartitionState ps : assigned.values()) {
      if (!ps.startKnown()) {
        return false;
      }
    }
    return true;
  }

  /** A partition joins the assignment; paused at once if the agent is stopping or full. */
  public PartitionState add(TopicPartition tp) {
    PartitionState ps = new PartitionState(tp);
    PartitionState before = assigned.put(tp, ps);
    if (before != null) {
      before.markRevoked(); // assigned again without a revoke in between (a lost partition)
    }
    if (frozen || bounds.processFull(records, bytes)) {
      ps.pause();
      processPaused |= !frozen;
      pauseNew = true;
      kafka.pause(Set.of(tp));
    }
    return ps;
  }

  /**
   * Partitions just added: those not paused are resumed in Kafka, which may still have a pause of
   * their previous assignment to apply (it came after the rebalance), or have them paused from it.
   */
  public void settle(Collection<PartitionState> added) {
    Set<TopicPartition> fetching = new HashSet<>();
    for (PartitionState ps : added) {
      if (!ps.paused() && !ps.revoked()) {
        fetching.add(ps.tp());
      }
    }
    if (!fetching.isEmpty()) {
      kafka.resume(fetching);
    }
  }

  /** Partitions leave the assignment: marked revoked, so nothing of them counts any more. */
  public List<PartitionState> remove(Collection<TopicPartition> tps) {
    List<PartitionState> removed = new ArrayList<>();
    for (TopicPartition tp : tps) {
      PartitionState ps = assigned.remove(tp);
      if (ps != null) {
        ps.markRevoked();
        removed.add(ps);
      }
    }
    return removed;
  }

  /** A record of {@code ps} is taken in. */
  public void hold(PartitionState ps, int recordBytes) {
    ps.hold(recordBytes);
    records++;
    bytes += recordBytes;
  }

  /** A held record is finished or dropped; the partition may resume. */
  public void release(PartitionState ps, int recordBytes) {
    ps.release(recordBytes);
    records--;
    bytes -= recordBytes;
    progressed(ps);
  }

  /** Records held in all partitions. */
  public long heldRecords() {
    return records;
  }

  public long heldBytes() {
    return bytes;
  }

  /** After records of these partitions were taken in: pause what holds too much. */
  public void pauseIfFull(Collection<PartitionState> touched) {
    Set<TopicPartition> toPause = new HashSet<>();
    boolean processFull = bounds.processFull(records, bytes);
    for (PartitionState ps : processFull ? assigned.values() : touched) {
      if (!ps.paused() && !ps.revoked() && !ps.leaving() && bounds.full(ps, records, bytes)) {
        ps.pause();
        toPause.add(ps.tp());
      }
    }
    if (!toPause.isEmpty()) {
      processPaused |= processFull;
      pauseNew = frozen || processPaused;
      kafka.pause(toPause);
    }
  }

  /** Something of {@code ps} finished: resume it, or every partition, if now below the bounds. */
  public void progressed(PartitionState ps) {
    if (frozen) {
      return;
    }
    Set<TopicPartition> toResume = new HashSet<>();
    if (ps.paused() && !ps.revoked() && !ps.leaving() && bounds.relieved(ps, records, bytes)) {
      ps.resume();
      toResume.add(ps.tp());
    }
    if (processPaused && bounds.processRelieved(records, bytes)) {
      processPaused = false;
      pauseNew = frozen;
      for (PartitionState other : assigned.values()) {
        if (other.paused() && !other.leaving() && bounds.relieved(other, records, bytes)) {
          other.resume();
          toResume.add(other.tp());
        }
      }
    }
    if (!toResume.isEmpty()) {
      kafka.resume(toResume);
    }
  }

  /** Stopping: every partition is paused and stays so. */
  public void freeze() {
    frozen = true;
    pauseNew = true;
    Set<TopicPartition> toPause = new HashSet<>();
    for (PartitionState ps : assigned.values()) {
      ps.pause();
      toPause.add(ps.tp());
    }
    if (!toPause.isEmpty()) {
      kafka.pause(toPause);
    }
  }
}
