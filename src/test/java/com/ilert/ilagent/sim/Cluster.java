package com.ilert.ilagent.sim;

import com.ilert.ilagent.sim.Ledger.Kind;
import com.ilert.ilagent.sim.Ledger.Rec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The model Kafka cluster: one log per partition (records, transaction markers, aborted and open
 * transactions, truncation after an unclean leader election), the group's committed offsets with
 * their metadata, and the group coordinator, which hands the agent's current member its assignment
 * (the partitions it does not get belong to another member that consumes nothing).
 */
final class Cluster {
  static final String EVENTS = "events";
  static final String BEATS = "beats";

  enum EntryKind {
    RECORD,
    /** A transaction marker: an offset no record is handed out for. */
    MARKER,
    /** A record of an aborted transaction: never handed out (read_committed). */
    ABORTED,
    /** A record of a transaction still open: not readable yet. */
    PENDING
  }

  static final class Entry {
    EntryKind kind;
    final Rec rec;
    final byte[] key;
    final byte[] value;

    /** The partition leader epoch it was written in (KIP-320). */
    final int epoch;

    Entry(EntryKind kind, Rec rec, byte[] key, byte[] value, int epoch) {
      this.kind = kind;
      this.rec = rec;
      this.key = key;
      this.value = value;
      this.epoch = epoch;
    }
  }

  static final class Log {
    final TopicPartition tp;
    final ArrayList<Entry> entries = new ArrayList<>();

    /** Offset of the first record of the open transaction, or -1. */
    long openTxn = -1;

    OffsetAndMetadata committed;
    long committedAt = -1;

    /** The partition's truncations the committed offset's author had seen when it sent it. */
    int committedTruncations;

    int truncations;
    long highestEnd;

    /** The partition's leader epoch: one more at every leader election, clean or not. */
    int leaderEpoch;

    /** Truncations: {epoch, offset, time}. */
    final List<long[]> truncatedAt = new ArrayList<>();

    /** Offsets of records not finished (open transactions included). */
    final TreeSet<Long> unfinished = new TreeSet<>();

    Log(TopicPartition tp) {
      this.tp = tp;
    }

    long end() {
      return entries.size();
    }

    /**
     * Where {@code epoch} ends, as the leader answers a client validating a position (KIP-320): the
     * first offset written in a later epoch, or the log's end.
     */
    long endOf(int epoch) {
      for (int o = 0; o < entries.size(); o++) {
        if (entries.get(o).epoch > epoch) {
          return o;
        }
      }
      return end();
    }

    /** The last stable offset: what read_committed may read up to. */
    long stable() {
      return openTxn >= 0 ? openTxn : end();
    }
  }

  final Scheduler scheduler;
  final Ledger ledger;
  final Faults faults;
  final Map<TopicPartition, Log> logs = new LinkedHashMap<>();
  final List<TopicPartition> partitions = new ArrayList<>();
  final boolean cooperative;
  private Invariants invariants;
  private ModelConsumer member;
  private int generation;
  private long progress;

  Cluster(
      Scheduler scheduler, Ledger ledger, Faults faults, int eventPartitions, boolean cooperative) {
    this.scheduler = scheduler;
    this.ledger = ledger;
    this.faults = faults;
    this.cooperative = cooperative;
    for (int p = 0; p < eventPartitions; p++) {
      add(new TopicPartition(EVENTS, p));
    }
    add(new TopicPartition(BEATS, 0));
  }

  private void add(TopicPartition tp) {
    partitions.add(tp);
    logs.put(tp, new Log(tp));
  }

  void invariants(Invariants invariants) {
    this.invariants = invariants;
  }

  Log log(TopicPartition tp) {
    return logs.get(tp);
  }

  ModelConsumer member() {
    return member;
  }

  /** The agent's current member joins (a new process); the last one is gone. */
  void join(ModelConsumer consumer) {
    this.member = consumer;
  }

  /** The group's generation: a commit of another one fails. */
  int generation() {
    return generation;
  }

  /** A member completed a join: a new generation, which it now has. */
  int joined(ModelConsumer consumer) {
    return ++generation;
  }

  /** A member left or was dropped: the group moves on to a new generation without it. */
  void memberLeft(ModelConsumer consumer) {
    generation++;
  }

  // ---- producing ----

  /** Appends a record; in the open transaction of its partition if one is open and {@code txn}. */
  Rec produce(
      TopicPartition tp, Kind kind, String alert, String eventType, String key, boolean txn) {
    Log log = logs.get(tp);
    long offset = log.end();
    Rec rec =
        ledger.add(
            kind, tp.topic(), tp.partition(), offset, alert, eventType, key, log.truncations);
    rec.reusedOffset = offset < log.highestEnd;
    rec.appendedAt = scheduler.now();
    byte[] value = payload(rec).getBytes(StandardCharsets.UTF_8);
    byte[] recordKey = alert == null ? null : alert.getBytes(StandardCharsets.UTF_8);
    EntryKind entryKind = txn && log.openTxn >= 0 ? EntryKind.PENDING : EntryKind.RECORD;
    log.entries.add(new Entry(entryKind, rec, recordKey, value, log.leaderEpoch));
    log.highestEnd = Math.max(log.highestEnd, log.end());
    log.unfinished.add(offset);
    return rec;
  }

  private static String payload(Rec rec) {
    switch (rec.kind) {
      case BAD:
        return "not json " + rec.id;
      case HEARTBEAT:
        return "{\"integrationKey\":\"" + rec.key + "\"}";
      default:
        return "{\"integrationKey\":\""
            + rec.key
            + "\",\"eventType\":\""
            + rec.eventType
            + "\",\"summary\":\"r"
            + rec.id
            + "\",\"alertKey\":\""
            + rec.alert
            + "\"}";
    }
  }

  void beginTransaction(TopicPartition tp) {
    Log log = logs.get(tp);
    if (log.openTxn < 0) {
      log.openTxn = log.end();
    }
  }

  /** Ends the open transaction with its marker: its records become readable, or never will. */
  void endTransaction(TopicPartition tp, boolean commit) {
    Log log = logs.get(tp);
    if (log.openTxn < 0) {
      return;
    }
    for (long o = log.openTxn; o < log.end(); o++) {
      Entry e = log.entries.get((int) o);
      if (e.kind == EntryKind.PENDING) {
        e.kind = commit ? EntryKind.RECORD : EntryKind.ABORTED;
        if (!commit) {
          e.rec.truncated = true; // never a record anyone may read
          log.unfinished.remove(o);
        }
      }
    }
    log.openTxn = -1;
    log.entries.add(new Entry(EntryKind.MARKER, null, null, null, log.leaderEpoch));
    log.highestEnd = Math.max(log.highestEnd, log.end());
    faults.hit(commit ? "txn-commit-marker" : "txn-abort");
  }

  /**
   * An unclean leader election: the log loses everything from {@code offset} on, and the next
   * records reuse those offsets. A member reading past it is moved back to it.
   */
  void truncate(TopicPartition tp, long offset) {
    Log log = logs.get(tp);
    if (offset >= log.end() || (log.openTxn >= 0 && offset > log.openTxn)) {
      return;
    }
    if (log.openTxn >= 0) {
      log.openTxn = -1;
    }
    for (long o = offset; o < log.end(); o++) {
      Entry e = log.entries.get((int) o);
      if (e.rec != null) {
        e.rec.truncated = true;
      }
      log.unfinished.remove(o);
    }
    while (log.end() > offset) {
      log.entries.remove(log.entries.size() - 1);
    }
    log.truncations++;
    log.leaderEpoch++;
    log.truncatedAt.add(new long[] {log.truncations, offset, scheduler.now()});
    faults.hit("truncation");
    if (member != null) {
      member.truncated(tp, offset);
    }
    if (invariants != null) {
      invariants.truncated(log, offset);
    }
  }

  /** A clean leader election: a new leader epoch, nothing lost. */
  void leaderChange(TopicPartition tp) {
    logs.get(tp).leaderEpoch++;
    faults.hit("leader-change");
  }

  // ---- what finished ----

  /** The ledger changed for {@code rec}: keep the set of unfinished offsets up to date. */
  void touched(Rec rec) {
    if (rec == null || rec.truncated) {
      return;
    }
    Log log = logs.get(new TopicPartition(rec.topic, rec.partition));
    if (ledger.finished(rec) && log.unfinished.remove(rec.offset)) {
      progress++;
    }
  }

  /** Grows whenever a record finishes or a commit is applied. */
  long progress() {
    return progress;
  }

  /** The record is excused (see {@link Rec#excused}): no longer counted as unfinished. */
  void excuse(Rec rec) {
    if (rec != null && !rec.excused) {
      rec.excused = true;
      faults.hit("truncation-hidden-by-metadata");
      logs.get(new TopicPartition(rec.topic, rec.partition)).unfinished.remove(rec.offset);
    }
  }

  /** The record now at {@code offset} of {@code tp}, or null (a marker, or nothing). */
  Rec recordAt(TopicPartition tp, long offset) {
    Log log = logs.get(tp);
    if (offset < 0 || offset >= log.end()) {
      return null;
    }
    Entry e = log.entries.get((int) offset);
    return e.kind == EntryKind.RECORD || e.kind == EntryKind.PENDING ? e.rec : null;
  }

  // ---- commits ----

  /**
   * The broker applies a commit of a member. {@code seen} is, per partition, the truncations the
   * member had taken notice of when it sent the commit: records at offsets reused after a
   * truncation it had not seen cannot be held against it.
   */
  void applyCommit(
      ModelConsumer from,
      Map<TopicPartition, OffsetAndMetadata> offsets,
      Map<TopicPartition, Integer> seen) {
    for (Map.Entry<TopicPartition, OffsetAndMetadata> e : offsets.entrySet()) {
      Log log = logs.get(e.getKey());
      if (log == null) {
        continue;
      }
      log.committed = e.getValue();
      log.committedAt = scheduler.now();
      log.committedTruncations = seen.getOrDefault(e.getKey(), 0);
      progress++;
      if (invariants != null) {
        invariants.committed(log, from, seen.getOrDefault(e.getKey(), 0));
      }
    }
  }
}
