package com.ilert.ilagent.sim;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every record the world produced and what became of it: whether the agent handed it to its event
 * loop, whether ilert accepted it (and in which order, per alert), whether it was rejected,
 * dead-lettered or skipped. The invariants read it.
 */
final class Ledger {
  enum Kind {
    /** An ilert event of an alert (ALERT or RESOLVE). */
    EVENT,
    /** An event ilert rejects for good (400): its key is unknown. */
    REJECTED_EVENT,
    /** A heartbeat ping record. */
    HEARTBEAT,
    /** A record the agent skips with a reason (not JSON). */
    BAD
  }

  static final class Rec {
    final long id;
    final Kind kind;
    final int partition;
    final String topic;
    final long offset;
    final String alert;
    final String eventType;
    final String key;

    /** Truncations of its partition before it was appended; >0 and reused: at a reused offset. */
    final int appendEpoch;

    boolean reusedOffset;
    long appendedAt;

    /**
     * At an offset reused after a truncation that a commit sent before the truncation covers (its
     * offset or its metadata's list), when a member starts from that commit: the agent commits
     * without a leader epoch, so the client cannot validate the committed offset (KIP-320), and
     * nothing tells the member the offsets were reused. Not held against the agent.
     */
    boolean excused;

    boolean polled;
    boolean accepted;
    boolean rejected;
    boolean deadLettered;
    boolean truncated;
    long polledAt = -1;

    Rec(
        long id,
        Kind kind,
        String topic,
        int partition,
        long offset,
        String alert,
        String eventType,
        String key,
        int appendEpoch) {
      this.id = id;
      this.kind = kind;
      this.topic = topic;
      this.partition = partition;
      this.offset = offset;
      this.alert = alert;
      this.eventType = eventType;
      this.key = key;
      this.appendEpoch = appendEpoch;
    }

    @Override
    public String toString() {
      return "r"
          + id
          + "("
          + topic
          + "-"
          + partition
          + "@"
          + offset
          + " "
          + kind
          + (alert == null ? "" : " " + alert + " " + eventType)
          + ")";
    }
  }

  private final List<Rec> records = new ArrayList<>();
  private boolean deadLetterTopic;

  /** Per alert, the record ids in the order ilert accepted them. */
  final Map<String, List<Long>> acceptedByAlert = new HashMap<>();

  /**
   * Per heartbeat key, when a ping for it last reached ilert, whatever the answer: a ping that
   * keeps failing is given up after its budget (a heartbeat never holds anything back), and the
   * next record's ping carries the key's liveness.
   */
  final Map<String, Long> lastPing = new HashMap<>();

  void deadLetterTopic(boolean on) {
    this.deadLetterTopic = on;
  }

  Rec add(
      Kind kind,
      String topic,
      int partition,
      long offset,
      String alert,
      String eventType,
      String key,
      int appendEpoch) {
    Rec r =
        new Rec(records.size(), kind, topic, partition, offset, alert, eventType, key, appendEpoch);
    records.add(r);
    return r;
  }

  Rec get(long id) {
    return id >= 0 && id < records.size() ? records.get((int) id) : null;
  }

  List<Rec> all() {
    return records;
  }

  /**
   * Whether the agent is done with it: an event accepted by ilert, or rejected (and dead-lettered
   * when there is a dead-letter topic); a bad record skipped (likewise); a heartbeat record taken
   * in (a later ping carries its liveness; see {@link #lastPing}).
   */
  boolean finished(Rec r) {
    switch (r.kind) {
      case EVENT:
        return r.accepted;
      case REJECTED_EVENT:
        return deadLetterTopic ? r.deadLettered : r.rejected;
      case BAD:
        return deadLetterTopic ? r.deadLettered : r.polled;
      case HEARTBEAT:
      default:
        return r.polled;
    }
  }

  void accepted(Rec r, long now) {
    r.accepted = true;
    acceptedByAlert.computeIfAbsent(r.alert, a -> new ArrayList<>()).add(r.id);
  }

  void pinged(String key, long now) {
    lastPing.merge(key, now, Math::max);
  }
}
