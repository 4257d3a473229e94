package com.ilert.ilagent.sim;

import com.ilert.ilagent.consumer.ConsumerCore;
import com.ilert.ilagent.consumer.CoreView;
import com.ilert.ilagent.offsets.OffsetMetadata;
import com.ilert.ilagent.sim.Cluster.Log;
import com.ilert.ilagent.sim.Ledger.Kind;
import com.ilert.ilagent.sim.Ledger.Rec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The properties every run must keep, checked as the run goes (cheaply) and at its end, once the
 * faults have stopped.
 */
final class Invariants {
  /** After the agent saw a truncation, this long for its commits to stop covering new records. */
  static final long REWIND_GRACE_MS = 15_000;

  /** Once a fatal commit error reached the agent, this long for it to start failing. */
  static final long FATAL_GRACE_MS = 5_000;

  private final Scheduler s;
  private final Cluster cluster;
  private final Ledger ledger;
  final List<String> violations = new ArrayList<>();

  /** Partitions whose committed state may cover records at offsets reused after a truncation. */
  private final Map<TopicPartition, Integer> watches = new LinkedHashMap<>();

  /** When the current member took notice of a partition's truncations: {truncations, time}. */
  private final Map<TopicPartition, long[]> seenAt = new HashMap<>();

  private ConsumerCore core;
  private Simulation.Agent agent;
  private long heldBound = Long.MAX_VALUE;
  private long stopDeadline = Long.MAX_VALUE;
  private long fatalSeenAt = -1;
  private long nextWatchCheck;

  Invariants(Scheduler s, Cluster cluster, Ledger ledger) {
    this.s = s;
    this.cluster = cluster;
    this.ledger = ledger;
  }

  void violation(String text) {
    if (violations.size() < 10) {
      violations.add("at " + s.now() + " ms: " + text);
    }
  }

  /** The agent now running, and the most it may hold (the process-wide bound plus one batch). */
  void agent(Simulation.Agent agent, long heldBound) {
    this.agent = agent;
    this.core = agent == null ? null : agent.core;
    this.heldBound = heldBound;
    seenAt.clear();
    fatalSeenAt = -1;
  }

  /** A stop began: it must end by {@code deadline}. */
  void stopping(long deadline) {
    stopDeadline = deadline;
  }

  void stopped() {
    stopDeadline = Long.MAX_VALUE;
  }

  /** A fatal commit error reached the agent. */
  void fatalCommitError() {
    if (fatalSeenAt < 0) {
      fatalSeenAt = s.now();
    }
  }

  // ---- commits ----

  /** The broker applied a commit of {@code log}'s partition. */
  void committed(Log log, ModelConsumer from, int seenTruncations) {
    for (Rec r : coveredUnfinished(log)) {
      if (r.reusedOffset && r.appendEpoch > seenTruncations) {
        continue; // sent before the member could know of the truncation: see the watch
      }
      violation(
          "commit "
              + describe(log.committed)
              + " of "
              + log.tp
              + " by "
              + from.name
              + " covers "
              + r
              + ", which was neither delivered nor dead-lettered nor skipped"
              + (r.appendEpoch > 0
                  ? " (appended after truncation "
                      + r.appendEpoch
                      + ", the member had seen "
                      + seenTruncations
                      + ")"
                  : ""));
      return;
    }
  }

  /** The records, not finished, that the partition's committed offset or metadata covers. */
  List<Rec> coveredUnfinished(Log log) {
    List<Rec> covered = new ArrayList<>();
    OffsetAndMetadata c = log.committed;
    if (c == null) {
      return covered;
    }
    for (Long o : log.unfinished.headSet(c.offset())) {
      covered.add(cluster.recordAt(log.tp, o));
    }
    long[] done = OffsetMetadata.decode(c.offset(), c.metadata());
    if (done != null) {
      for (long o : done) {
        if (log.unfinished.contains(o)) {
          covered.add(cluster.recordAt(log.tp, o));
        }
      }
    }
    covered.removeIf(r -> r == null);
    return covered;
  }

  private static String describe(OffsetAndMetadata c) {
    String md = c.metadata() == null ? "" : c.metadata();
    return c.offset() + (md.isEmpty() ? "" : " (metadata " + md + ")");
  }

  /** A truncation: the committed state may now cover the records that will reuse its offsets. */
  void truncated(Log log, long offset) {
    if (log.committed != null) {
      watches.put(log.tp, log.truncations);
    }
  }

  /** The current member took notice of the partition's truncations. */
  void seen(ModelConsumer member, TopicPartition tp, int truncations) {
    if (member == cluster.member()) {
      seenAt.put(tp, new long[] {truncations, s.now()});
    }
  }

  // ---- after every step ----

  void afterStep() {
    if (core == null || agent.killed) {
      return;
    }
    CoreView view = null;
    if (agent.loop.idle() && agent.core.pollLoop().idle() && !agent.member.closed()) {
      view = core.view();
      Set<TopicPartition> assigned = agent.member.assignment();
      if (!view.assigned().equals(assigned)) {
        violation("the agent's partitions " + view.assigned() + " are not Kafka's " + assigned);
      } else if (!view.paused().equals(agent.member.paused())) {
        violation(
            "the agent believes "
                + view.paused()
                + " paused where Kafka has "
                + agent.member.paused());
      }
    }
    if (view == null && s.steps() % 8 == 0) {
      view = core.view();
    }
    if (view != null && view.heldRecords() > heldBound) {
      violation("the agent holds " + view.heldRecords() + " records, over " + heldBound);
    }
    if (s.now() > stopDeadline) {
      violation("the stop did not end within its bound");
      stopDeadline = Long.MAX_VALUE;
    }
    if (fatalSeenAt >= 0 && s.now() > fatalSeenAt + FATAL_GRACE_MS && !core.view().failed()) {
      violation("a fatal commit error (not authorized) and the agent keeps running");
      fatalSeenAt = -1;
    }
    if (!watches.isEmpty() && s.now() >= nextWatchCheck) {
      nextWatchCheck = s.now() + 500;
      checkWatches();
    }
  }

  private void checkWatches() {
    for (var it = watches.entrySet().iterator(); it.hasNext(); ) {
      var e = it.next();
      Log log = cluster.log(e.getKey());
      if (log.unfinished.isEmpty() && log.openTxn < 0) {
        continue;
      }
      List<Rec> covered = coveredUnfinished(log);
      if (covered.isEmpty()) {
        continue;
      }
      long[] seen = seenAt.get(log.tp);
      if (seen != null
          && seen[0] >= e.getValue()
          && agent.member.assignment().contains(log.tp)
          && s.now() > seen[1] + REWIND_GRACE_MS) {
        violation(
            "the agent saw "
                + log.tp
                + " move back "
                + (s.now() - seen[1])
                + " ms ago, but the committed "
                + describe(log.committed)
                + " still covers "
                + covered.get(0));
        it.remove();
      }
    }
  }

  // ---- at the end, faults stopped ----

  /** Whether everything is delivered and committed, so the run may end. */
  boolean settled(boolean strictEnd) {
    for (Log log : cluster.logs.values()) {
      if (!log.unfinished.isEmpty()) {
        return false;
      }
      if (committedShortOfEnd(log, strictEnd)) {
        return false;
      }
    }
    return true;
  }

  private boolean committedShortOfEnd(Log log, boolean strictEnd) {
    long target = strictEnd ? log.stable() : lastRecordEnd(log);
    if (target == 0) {
      return false;
    }
    return log.committed == null || log.committed.offset() < target;
  }

  private static long lastRecordEnd(Log log) {
    for (int o = (int) log.stable() - 1; o >= 0; o--) {
      if (log.entries.get(o).kind == Cluster.EntryKind.RECORD) {
        return o + 1;
      }
    }
    return 0;
  }

  void atEnd(boolean strictEnd) {
    for (Log log : cluster.logs.values()) {
      if (!log.unfinished.isEmpty()) {
        Rec r = cluster.recordAt(log.tp, log.unfinished.first());
        violation(
            "never delivered: "
                + r
                + " ("
                + log.unfinished.size()
                + " records of "
                + log.tp
                + " unfinished; committed "
                + (log.committed == null ? "none" : describe(log.committed))
                + ")");
        return;
      }
      if (committedShortOfEnd(log, strictEnd)) {
        violation(
            "committed offset of "
                + log.tp
                + " is "
                + (log.committed == null ? "none" : describe(log.committed))
                + ", short of "
                + (strictEnd ? "the log's end " + log.stable() : "its last record"));
        return;
      }
    }
    checkAlerts();
    checkHeartbeats();
  }

  /** Per alert: the last acceptances in record order, the newest record accepted last. */
  private void checkAlerts() {
    Map<String, List<Rec>> byAlert = new LinkedHashMap<>();
    for (Rec r : ledger.all()) {
      if (r.kind == Kind.EVENT && !r.truncated && !r.excused) {
        byAlert.computeIfAbsent(r.alert, a -> new ArrayList<>()).add(r);
      }
    }
    for (Map.Entry<String, List<Rec>> e : byAlert.entrySet()) {
      // A record the log lost in a truncation after ilert accepted it cannot be sent again.
      List<Long> accepted =
          new ArrayList<>(ledger.acceptedByAlert.getOrDefault(e.getKey(), List.of()));
      accepted.removeIf(id -> ledger.get(id).truncated || ledger.get(id).excused);
      Map<Long, Integer> lastAt = new HashMap<>();
      for (int i = 0; i < accepted.size(); i++) {
        lastAt.put(accepted.get(i), i);
      }
      int previous = -1;
      Rec previousRec = null;
      for (Rec r : e.getValue()) {
        Integer at = lastAt.get(r.id);
        if (at == null) {
          continue;
        }
        if (at < previous) {
          violation(
              "alert "
                  + e.getKey()
                  + ": ilert accepted "
                  + r
                  + " last before "
                  + previousRec
                  + " (an older event after a newer one)");
          return;
        }
        previous = at;
        previousRec = r;
      }
      Rec newest = e.getValue().get(e.getValue().size() - 1);
      if (accepted.isEmpty() || accepted.get(accepted.size() - 1) != newest.id) {
        violation("alert " + e.getKey() + ": the last event ilert accepted is not " + newest);
        return;
      }
    }
  }

  /**
   * Per heartbeat key: a ping was sent for it after its last record arrived (unless the log lost
   * that record in a truncation, or the client could not show it to the next member: its liveness
   * may have been carried by it).
   */
  private void checkHeartbeats() {
    Map<String, Long> lastRecord = new HashMap<>();
    Map<String, Rec> last = new HashMap<>();
    for (Rec r : ledger.all()) {
      if (r.kind == Kind.HEARTBEAT && r.polledAt >= 0) {
        Rec before = last.get(r.key);
        if (before == null || r.polledAt >= before.polledAt) {
          last.put(r.key, r);
        }
      }
    }
    last.forEach(
        (key, r) -> {
          if (!r.truncated && !r.excused) {
            lastRecord.put(key, r.polledAt);
          }
        });
    for (Map.Entry<String, Long> e : lastRecord.entrySet()) {
      Long ping = ledger.lastPing.get(e.getKey());
      if (ping == null || ping < e.getValue()) {
        violation(
            "heartbeat "
                + e.getKey()
                + ": no ping was sent after its last record arrived (at "
                + e.getValue()
                + " ms)");
        return;
      }
    }
  }
}
