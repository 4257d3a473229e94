package com.ilert.ilagent.sim;

import com.ilert.ilagent.sim.Cluster.Entry;
import com.ilert.ilagent.sim.Cluster.EntryKind;
import com.ilert.ilagent.sim.Cluster.Log;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.consumer.OffsetCommitCallback;
import org.apache.kafka.clients.consumer.RetriableCommitFailedException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;

/**
 * One member's Kafka client, as the 3.7 client behaves where the agent depends on it (read in the
 * client's code):
 *
 * <ul>
 *   <li>{@code pause}, {@code resume} and {@code position} throw {@link IllegalStateException} for
 *       a partition not assigned at that moment; pause and resume stop at the first one.
 *   <li>{@code wakeup()} is remembered until some later blocking call sees it, whichever call that
 *       is: the start of a poll, its wait for data, a join, commitSync, committed, endOffsets, a
 *       position that must be looked up.
 *   <li>commitAsync may throw before it registers its callback; callbacks run inside a later poll
 *       or blocking call; one member's commits reach the broker in the order sent; a commit of an
 *       older generation fails.
 *   <li>Rebalances happen inside a poll. Eager: everything is revoked (still assigned during the
 *       callback), then the new assignment comes, maybe in a later poll. Cooperative: the revoked
 *       ones, then the added ones. A wakeup thrown from a callback escapes the poll and leaves the
 *       rebalance half done exactly as the client does (an eager revoke is not repeated and the
 *       kept partitions are not in the next assignment callback; a cooperative one is repeated).
 *       Partitions can also be lost.
 *   <li>Positions: from the committed offset, or the reset policy; moved back by a truncation; past
 *       transaction markers and aborted records without handing out a record; batches of any size
 *       up to the last stable offset.
 * </ul>
 */
final class ModelConsumer implements Consumer<byte[], byte[]> {
  private static final Comparator<TopicPartition> ORDER =
      Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition);

  /** A rebalance the coordinator started for this member. */
  private static final class Rebalance {
    final Set<TopicPartition> assignment;
    final boolean lost;
    boolean prepared;
    boolean joined;

    Rebalance(Set<TopicPartition> assignment, boolean lost) {
      this.assignment = assignment;
      this.lost = lost;
    }
  }

  final String name;
  private final Scheduler s;
  private final Cluster cluster;
  private final Faults faults;
  private final Trace trace;
  private final boolean earliest;
  private final int maxBatch;
  private final Invariants invariants;
  private ConsumerRebalanceListener listener;
  private final TreeSet<TopicPartition> assignment = new TreeSet<>(ORDER);
  private final TreeSet<TopicPartition> paused = new TreeSet<>(ORDER);
  private final Map<TopicPartition, Long> positions = new HashMap<>();
  private final ArrayDeque<Runnable> completedCommits = new ArrayDeque<>();
  private final Map<TopicPartition, Integer> seen = new HashMap<>();
  private final Map<TopicPartition, Integer> returned = new HashMap<>();

  /** Per partition, the truncation that moved this member's position back, if one did. */
  private final Map<TopicPartition, Integer> movedBack = new HashMap<>();

  private Rebalance pending;
  private boolean wakeup;
  private boolean closed;
  private boolean inCallback;
  private int generation;
  private long pipelineTail;

  /** Refused for good once (not authorized): every later commit of this member is refused too. */
  private boolean refused;

  ModelConsumer(
      String name,
      Scheduler s,
      Cluster cluster,
      Faults faults,
      Invariants invariants,
      boolean earliest,
      int maxBatch) {
    this.name = name;
    this.s = s;
    this.cluster = cluster;
    this.faults = faults;
    this.trace = s.trace;
    this.invariants = invariants;
    this.earliest = earliest;
    this.maxBatch = maxBatch;
  }

  private void log(String what) {
    trace.add(s.now(), name, what);
  }

  // ---- the coordinator's side ----

  /** The group rebalances and gives this member {@code partitions}. */
  void rebalanceTo(Set<TopicPartition> partitions) {
    TreeSet<TopicPartition> target = new TreeSet<>(ORDER);
    target.addAll(partitions);
    pending = new Rebalance(target, false);
  }

  /** The member was dropped from the group (session timeout): its partitions are lost. */
  void lose() {
    pending = new Rebalance(null, true);
  }

  boolean closed() {
    return closed;
  }

  private Faults.Commits commitMode() {
    if (faults.commits == Faults.Commits.FATAL) {
      refused = true;
    }
    return refused ? Faults.Commits.FATAL : faults.commits;
  }

  /** The process was killed: nothing of it runs any more, no callback, no leave. */
  void kill() {
    closed = true;
    completedCommits.clear();
    pending = null;
  }

  int generation() {
    return generation;
  }

  /** The log of {@code tp} was truncated at {@code offset}: a position beyond it moves back. */
  void truncated(TopicPartition tp, long offset) {
    Long pos = positions.get(tp);
    if (pos != null && pos > offset) {
      positions.put(tp, offset);
      movedBack.put(tp, cluster.log(tp).truncations);
    }
  }

  /** This member's state, for a failing seed's report. */
  String describe() {
    return name
        + ": assigned "
        + assignment
        + ", paused "
        + paused
        + ", positions "
        + new java.util.TreeMap<>(
            positions.entrySet().stream()
                .collect(
                    java.util.stream.Collectors.toMap(
                        e -> e.getKey().toString(), Map.Entry::getValue)))
        + (pending == null ? "" : ", rebalance pending to " + pending.assignment)
        + (closed ? ", closed" : "")
        + (wakeup ? ", wakeup pending" : "");
  }

  /** The truncations of {@code tp} this member had taken notice of. */
  int seen(TopicPartition tp) {
    return seen.getOrDefault(tp, 0);
  }

  // ---- the client ----

  @Override
  public void subscribe(Collection<String> topics, ConsumerRebalanceListener callback) {
    ensureOpen();
    this.listener = callback;
  }

  @Override
  public Set<TopicPartition> assignment() {
    TreeSet<TopicPartition> copy = new TreeSet<>(ORDER);
    copy.addAll(assignment);
    return copy;
  }

  @Override
  public Set<TopicPartition> paused() {
    TreeSet<TopicPartition> copy = new TreeSet<>(ORDER);
    copy.addAll(paused);
    return copy;
  }

  @Override
  public void pause(Collection<TopicPartition> partitions) {
    ensureOpen();
    if (trace.on()) {
      log("pause " + partitions);
    }
    for (TopicPartition tp : partitions) {
      assigned(tp, "pause");
      paused.add(tp);
    }
  }

  @Override
  public void resume(Collection<TopicPartition> partitions) {
    ensureOpen();
    if (trace.on()) {
      log("resume " + partitions);
    }
    for (TopicPartition tp : partitions) {
      assigned(tp, "resume");
      paused.remove(tp);
    }
  }

  private void assigned(TopicPartition tp, String call) {
    if (!assignment.contains(tp)) {
      faults.hit(call + "-unassigned");
      throw new IllegalStateException("No current assignment for partition " + tp);
    }
  }

  @Override
  public void wakeup() {
    wakeup = true;
  }

  @Override
  public ConsumerRecords<byte[], byte[]> poll(Duration timeout) {
    ensureOpen();
    invokeCompletedCommits();
    noticeReturned();
    maybeTriggerWakeup("poll");
    s.yieldPoint();
    rebalance();
    resolvePositions();
    ConsumerRecords<byte[], byte[]> records = fetch();
    if (!records.isEmpty()) {
      return records;
    }
    long deadline = s.now() + timeout.toMillis();
    s.runUntil(() -> wakeup || pending != null || dataAvailable() || closed, deadline);
    ensureOpen();
    maybeTriggerWakeup("poll-wait");
    rebalance();
    resolvePositions();
    return fetch();
  }

  @Override
  public void commitAsync(
      Map<TopicPartition, OffsetAndMetadata> offsets, OffsetCommitCallback callback) {
    ensureOpen();
    invokeCompletedCommits();
    Faults.Commits mode = commitMode();
    if (mode == Faults.Commits.THROWING && s.random.nextBoolean()) {
      faults.hit("commitAsync-throws");
      throw new SaslAuthenticationException("Authentication failed (a broker restarting)");
    }
    if (mode == Faults.Commits.FATAL && s.random.nextBoolean()) {
      faults.hit("commitAsync-throws-fatal");
      invariants.fatalCommitError();
      throw new GroupAuthorizationException("Not authorized to access group: sim");
    }
    Map<TopicPartition, OffsetAndMetadata> copy = new LinkedHashMap<>(offsets);
    if (trace.on()) {
      log("commitAsync " + copy);
    }
    Map<TopicPartition, Integer> stamp = new HashMap<>(seen);
    int gen = generation;
    long latency = 1 + s.random.nextInt(mode == Faults.Commits.SLOW ? 3_000 : 30);
    long applyAt = Math.max(pipelineTail, s.now() + latency);
    pipelineTail = applyAt;
    long answerAt = applyAt + s.random.nextInt(10);
    s.at(
        applyAt,
        () -> {
          Exception err = null;
          if (mode == Faults.Commits.FAILING) {
            faults.hit("commit-fails");
            err = new RetriableCommitFailedException("the coordinator moved");
          } else if (mode == Faults.Commits.FATAL) {
            faults.hit("commit-fails-fatal");
            err = new GroupAuthorizationException("Not authorized to access group: sim");
          } else if (gen != cluster.generation()) {
            faults.hit("commit-stale-generation");
            err = new CommitFailedException("the group rebalanced");
          } else {
            cluster.applyCommit(this, copy, stamp);
            if (mode == Faults.Commits.LOST_ANSWER) {
              faults.hit("commit-answer-lost");
              err = new TimeoutException("the commit's answer was lost");
            }
          }
          Exception result = err;
          if (trace.on()) {
            log("commit " + copy + (err == null ? " applied" : " failed: " + err));
          }
          s.at(
              answerAt,
              () -> {
                if (!closed) {
                  completedCommits.add(
                      () -> {
                        if (result instanceof GroupAuthorizationException) {
                          invariants.fatalCommitError();
                        }
                        callback.onComplete(copy, result);
                      });
                }
              });
        });
  }

  @Override
  public void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets, Duration timeout) {
    try {
      commitSyncOnce(offsets, timeout);
      if (trace.on()) {
        log("commitSync applied");
      }
    } catch (RuntimeException e) {
      if (trace.on()) {
        log("commitSync threw " + e.getClass().getSimpleName() + ": " + e.getMessage());
      }
      throw e;
    }
  }

  private void commitSyncOnce(Map<TopicPartition, OffsetAndMetadata> offsets, Duration timeout) {
    ensureOpen();
    invokeCompletedCommits();
    if (trace.on()) {
      log("commitSync " + offsets);
    }
    maybeTriggerWakeup("commitSync");
    s.yieldPoint();
    Faults.Commits mode = commitMode();
    if (mode == Faults.Commits.THROWING) {
      faults.hit("commitSync-throws");
      throw new SaslAuthenticationException("Authentication failed (a broker restarting)");
    }
    if (mode == Faults.Commits.FATAL) {
      faults.hit("commitSync-fatal");
      invariants.fatalCommitError();
      throw new GroupAuthorizationException("Not authorized to access group: sim");
    }
    // Behind this member's commits still on their way: the coordinator takes them in order.
    long latency =
        Math.max(
            pipelineTail - s.now(),
            mode == Faults.Commits.SLOW ? s.random.nextInt(3_000) : s.random.nextInt(30));
    pipelineTail = Math.max(pipelineTail, s.now() + latency);
    long deadline = s.now() + Math.min(latency, timeout.toMillis());
    Map<TopicPartition, Integer> stamp = new HashMap<>(seen);
    s.runUntil(() -> wakeup, deadline);
    ensureOpen();
    if (wakeup && s.random.nextBoolean() && generation == cluster.generation()) {
      cluster.applyCommit(this, new LinkedHashMap<>(offsets), stamp);
      if (trace.on()) {
        log("commitSync applied before the wakeup");
      }
    }
    maybeTriggerWakeup("commitSync-wait");
    if (latency > timeout.toMillis()) {
      throw new TimeoutException("commitSync: no answer within " + timeout.toMillis() + " ms");
    }
    if (mode == Faults.Commits.FAILING) {
      faults.hit("commitSync-fails");
      throw new RetriableCommitFailedException("the coordinator moved");
    }
    if (generation != cluster.generation()) {
      throw new CommitFailedException("the group rebalanced");
    }
    cluster.applyCommit(this, new LinkedHashMap<>(offsets), stamp);
    if (mode == Faults.Commits.LOST_ANSWER) {
      faults.hit("commitSync-answer-lost");
      throw new TimeoutException("the commit's answer was lost");
    }
  }

  @Override
  public Map<TopicPartition, OffsetAndMetadata> committed(
      Set<TopicPartition> partitions, Duration timeout) {
    ensureOpen();
    maybeTriggerWakeup("committed");
    s.yieldPoint();
    if (faults.commits == Faults.Commits.FAILING && s.random.nextInt(4) == 0) {
      faults.hit("committed-timeout");
      s.runUntil(() -> false, s.now() + timeout.toMillis());
      throw new TimeoutException("committed: no answer");
    }
    Map<TopicPartition, OffsetAndMetadata> result = new HashMap<>();
    for (TopicPartition tp : new TreeSet<>(sorted(partitions))) {
      Log log = cluster.log(tp);
      result.put(tp, log == null ? null : log.committed);
    }
    return result;
  }

  @Override
  public long position(TopicPartition tp, Duration timeout) {
    ensureOpen();
    if (!assignment.contains(tp)) {
      throw new IllegalStateException(
          "You can only check the position for partitions assigned to this consumer.");
    }
    Long pos = positions.get(tp);
    if (pos == null) {
      if (timeout.isZero()) {
        throw new TimeoutException("position of " + tp + " not known yet");
      }
      maybeTriggerWakeup("position");
      s.yieldPoint();
      ensureOpen();
      if (!assignment.contains(tp)) {
        throw new IllegalStateException("no longer assigned: " + tp);
      }
      pos = resolve(tp);
    }
    Integer truncations = movedBack.get(tp);
    if (truncations != null) {
      if (inCallback) {
        notice(tp, truncations);
      } else {
        returned.merge(tp, truncations, Math::max);
      }
    }
    return pos;
  }

  @Override
  public Map<TopicPartition, Long> endOffsets(
      Collection<TopicPartition> partitions, Duration timeout) {
    ensureOpen();
    maybeTriggerWakeup("endOffsets");
    s.yieldPoint();
    Map<TopicPartition, Long> ends = new HashMap<>();
    for (TopicPartition tp : sorted(partitions)) {
      ends.put(tp, cluster.log(tp).stable());
    }
    return ends;
  }

  @Override
  public void close(Duration timeout) {
    if (closed) {
      return;
    }
    invokeCompletedCommits();
    if (!assignment.isEmpty() && listener != null) {
      Set<TopicPartition> owned = assignment();
      invoke(() -> listener.onPartitionsRevoked(owned));
    }
    closed = true;
    assignment.clear();
    paused.clear();
    positions.clear();
  }

  // ---- inside ----

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("This consumer has already been closed.");
    }
  }

  private void maybeTriggerWakeup(String where) {
    if (wakeup) {
      wakeup = false;
      faults.hit("wakeup-in-" + (inCallback ? "rebalance-" : "") + where);
      if (trace.on()) {
        log("WakeupException in " + where);
      }
      s.descheduled(20); // between Kafka's throw and the caller's bookkeeping
      throw new WakeupException();
    }
  }

  private void invokeCompletedCommits() {
    Runnable done;
    while ((done = completedCommits.poll()) != null) {
      done.run();
    }
  }

  /** Whatever the last poll returned, the agent has taken in by the next one. */
  private void noticeReturned() {
    if (!returned.isEmpty()) {
      for (TopicPartition tp : sorted(returned.keySet())) {
        notice(tp, returned.get(tp));
      }
      returned.clear();
    }
  }

  private void notice(TopicPartition tp, int truncations) {
    if (truncations > seen.getOrDefault(tp, 0)) {
      if (trace.on()) {
        log("notices truncation " + truncations + " of " + tp);
      }
      seen.put(tp, truncations);
      invariants.seen(this, tp, truncations);
    }
  }

  private void rebalance() {
    Rebalance p = pending;
    if (p == null || listener == null) {
      return;
    }
    RuntimeException[] first = new RuntimeException[1];
    if (p.lost && !p.prepared) {
      p.prepared = true;
      Set<TopicPartition> owned = assignment();
      drop(owned);
      cluster.memberLeft(this);
      generation = -1;
      faults.hit("partitions-lost");
      if (!owned.isEmpty()) {
        invoke(() -> listener.onPartitionsLost(owned), first);
      }
      done(p);
      throwFirst(first);
      return;
    }
    if (!cluster.cooperative && !p.prepared) {
      p.prepared = true; // like the client, set before the callback: never repeated
      Set<TopicPartition> owned = assignment();
      faults.hit("rebalance-eager");
      invoke(() -> listener.onPartitionsRevoked(owned), first);
      drop(owned);
      if (s.random.nextBoolean()) {
        throwFirst(first);
        return; // the join's answer comes during a later poll
      }
    }
    maybeTriggerWakeup("join");
    if (!p.joined) {
      p.joined = true;
      generation = cluster.joined(this);
    }
    Set<TopicPartition> owned = assignment();
    if (cluster.cooperative) {
      Set<TopicPartition> revoked = assignment();
      revoked.removeAll(p.assignment);
      if (!revoked.isEmpty()) {
        faults.hit("rebalance-cooperative-revoke");
        invoke(() -> listener.onPartitionsRevoked(revoked), first);
        drop(revoked);
      }
    }
    TreeSet<TopicPartition> added = new TreeSet<>(ORDER);
    added.addAll(p.assignment);
    added.removeAll(owned);
    assignment.clear();
    assignment.addAll(p.assignment);
    invoke(() -> listener.onPartitionsAssigned(added), first);
    done(p);
    throwFirst(first);
  }

  /** The rebalance is complete, unless the coordinator started another meanwhile. */
  private void done(Rebalance p) {
    if (pending == p) {
      pending = null;
    }
  }

  /** Runs a rebalance callback as the client does: a wakeup escapes, anything else waits. */
  private void invoke(Runnable callback, RuntimeException[] first) {
    if (trace.on()) {
      log(
          "rebalance callback; assignment "
              + assignment
              + ", pending "
              + (pending == null ? null : pending.assignment));
    }
    inCallback = true;
    try {
      callback.run();
    } catch (WakeupException | InterruptException e) {
      if (trace.on()) {
        log("rebalance callback threw " + e);
      }
      throw e;
    } catch (RuntimeException e) {
      if (first[0] == null) {
        first[0] = e;
      }
    } finally {
      inCallback = false;
    }
  }

  private void invoke(Runnable callback) {
    RuntimeException[] first = new RuntimeException[1];
    invoke(callback, first);
  }

  private static void throwFirst(RuntimeException[] first) {
    if (first[0] != null) {
      throw new KafkaException("User rebalance callback throws an error", first[0]);
    }
  }

  private void drop(Set<TopicPartition> tps) {
    assignment.removeAll(tps);
    paused.removeAll(tps);
    for (TopicPartition tp : tps) {
      positions.remove(tp);
    }
  }

  private void resolvePositions() {
    for (TopicPartition tp : assignment) {
      if (!positions.containsKey(tp)) {
        resolve(tp);
      }
    }
  }

  /**
   * Where a partition starts: its committed offset, unless the log was truncated below it since it
   * was committed (the client then finds the divergence and goes back to it) or it lies past the
   * end; then the reset policy.
   */
  private long resolve(TopicPartition tp) {
    Log log = cluster.log(tp);
    long pos;
    OffsetAndMetadata c = log.committed;
    movedBack.remove(tp);
    if (c == null) {
      pos = earliest ? 0 : log.stable();
    } else if (c.leaderEpoch().isPresent()) {
      // KIP-320: the client asks the leader where the commit's epoch ends; a log truncated below
      // the commit diverges there, and the client starts at that point (a reset policy is set).
      long divergence = log.endOf(c.leaderEpoch().get());
      if (c.offset() > divergence) {
        faults.hit("commit-epoch-finds-truncation");
        pos = divergence;
        movedBack.put(tp, log.truncations);
      } else {
        pos = c.offset();
      }
    } else if (c.offset() > log.end()) {
      // Out of range (the log was truncated below it): the reset policy; the agent sees a start
      // below the committed offset.
      pos = earliest ? 0 : log.stable();
      movedBack.put(tp, log.truncations);
    } else {
      // A commit without a leader epoch (a start never committed before, or another client's):
      // the client cannot validate it against the log (KIP-320), so a truncation below it goes
      // unnoticed.
      pos = c.offset();
      if (log.truncations > log.committedTruncations) {
        excuseHidden(tp, c, log);
      }
    }
    positions.put(tp, pos);
    return pos;
  }

  /**
   * The records a commit sent before a truncation covers (its offset, or its metadata's list) at
   * offsets the truncation freed: a member starting from it has no sign of them (see excused).
   */
  private void excuseHidden(TopicPartition tp, OffsetAndMetadata c, Log log) {
    for (long o = 0; o < c.offset(); o++) {
      excuseIfHidden(tp, o, log);
    }
    long[] done = com.ilert.ilagent.offsets.OffsetMetadata.decode(c.offset(), c.metadata());
    if (done != null) {
      for (long o : done) {
        excuseIfHidden(tp, o, log);
      }
    }
  }

  private void excuseIfHidden(TopicPartition tp, long offset, Log log) {
    Ledger.Rec r = cluster.recordAt(tp, offset);
    if (r != null && r.reusedOffset && r.appendEpoch > log.committedTruncations) {
      cluster.excuse(r);
    }
  }

  private boolean dataAvailable() {
    for (TopicPartition tp : assignment) {
      Long pos = positions.get(tp);
      if (!paused.contains(tp) && (pos == null || pos < cluster.log(tp).stable())) {
        return true;
      }
    }
    return false;
  }

  private ConsumerRecords<byte[], byte[]> fetch() {
    int limit = 1 + s.random.nextInt(maxBatch);
    int count = 0;
    Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> out = new LinkedHashMap<>();
    for (TopicPartition tp : assignment) {
      Long start = positions.get(tp);
      if (paused.contains(tp) || start == null) {
        continue;
      }
      Log log = cluster.log(tp);
      long stable = log.stable();
      long pos = start;
      List<ConsumerRecord<byte[], byte[]>> list = null;
      while (pos < stable && count < limit) {
        Entry e = log.entries.get((int) pos);
        if (e.kind == EntryKind.RECORD) {
          if (list == null) {
            list = new ArrayList<>();
          }
          list.add(
              new ConsumerRecord<>(
                  tp.topic(),
                  tp.partition(),
                  pos,
                  0L,
                  TimestampType.CREATE_TIME,
                  e.key == null ? -1 : e.key.length,
                  e.value == null ? -1 : e.value.length,
                  e.key,
                  e.value,
                  new RecordHeaders(),
                  Optional.of(e.epoch)));
          e.rec.polled = true;
          if (e.rec.polledAt < 0) {
            e.rec.polledAt = s.now();
          }
          cluster.touched(e.rec);
          count++;
        } else {
          faults.hit("fetch-past-" + e.kind.name().toLowerCase());
        }
        pos++;
        if (list != null && pos < stable && gap(log, pos) && s.random.nextBoolean()) {
          break; // the markers after these records come with the next fetch
        }
      }
      if (pos != start) {
        positions.put(tp, pos);
        Integer back = movedBack.get(tp);
        if (back != null) {
          returned.merge(tp, back, Math::max);
        }
      }
      if (list != null) {
        out.put(tp, list);
      }
    }
    if (count > 0 && trace.on()) {
      log("poll returns " + count + " records " + out.keySet() + ", positions " + positions);
    }
    return out.isEmpty() ? ConsumerRecords.empty() : new ConsumerRecords<>(out);
  }

  private static boolean gap(Log log, long offset) {
    EntryKind k = log.entries.get((int) offset).kind;
    return k == EntryKind.MARKER || k == EntryKind.ABORTED;
  }

  private static List<TopicPartition> sorted(Collection<TopicPartition> tps) {
    List<TopicPartition> list = new ArrayList<>(tps);
    list.sort(ORDER);
    return list;
  }

  // ---- not used by the agent ----

  @Override
  public Set<String> subscription() {
    throw new UnsupportedOperationException();
  }

  @Override
  public void subscribe(Collection<String> topics) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void assign(Collection<TopicPartition> partitions) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void subscribe(Pattern pattern, ConsumerRebalanceListener callback) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void subscribe(Pattern pattern) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void unsubscribe() {
    throw new UnsupportedOperationException();
  }

  @Override
  @Deprecated
  public ConsumerRecords<byte[], byte[]> poll(long timeout) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void commitSync() {
    throw new UnsupportedOperationException();
  }

  @Override
  public void commitSync(Duration timeout) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
    throw new UnsupportedOperationException("unbounded commitSync");
  }

  @Override
  public void commitAsync() {
    throw new UnsupportedOperationException();
  }

  @Override
  public void commitAsync(OffsetCommitCallback callback) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void seek(TopicPartition partition, long offset) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void seek(TopicPartition partition, OffsetAndMetadata offsetAndMetadata) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void seekToBeginning(Collection<TopicPartition> partitions) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void seekToEnd(Collection<TopicPartition> partitions) {
    throw new UnsupportedOperationException();
  }

  @Override
  public long position(TopicPartition partition) {
    throw new UnsupportedOperationException("unbounded position");
  }

  @Override
  @Deprecated
  public OffsetAndMetadata committed(TopicPartition partition) {
    throw new UnsupportedOperationException();
  }

  @Override
  @Deprecated
  public OffsetAndMetadata committed(TopicPartition partition, Duration timeout) {
    throw new UnsupportedOperationException();
  }

  @Override
  public Map<TopicPartition, OffsetAndMetadata> committed(Set<TopicPartition> partitions) {
    throw new UnsupportedOperationException("unbounded committed");
  }

  @Override
  public Uuid clientInstanceId(Duration timeout) {
    throw new UnsupportedOperationException();
  }

  @Override
  public Map<MetricName, ? extends Metric> metrics() {
    throw new UnsupportedOperationException();
  }

  @Override
  public List<PartitionInfo> partitionsFor(String topic) {
    throw new UnsupportedOperationException();
  }

  @Override
  public List<PartitionInfo> partitionsFor(String topic, Duration timeout) {
    ensureOpen();
    maybeTriggerWakeup("partitionsFor");
    s.yieldPoint();
    List<PartitionInfo> found = new ArrayList<>();
    for (TopicPartition tp : cluster.partitions) {
      if (tp.topic().equals(topic)) {
        found.add(new PartitionInfo(topic, tp.partition(), null, null, null));
      }
    }
    return found;
  }

  @Override
  public Map<String, List<PartitionInfo>> listTopics() {
    throw new UnsupportedOperationException();
  }

  @Override
  public Map<String, List<PartitionInfo>> listTopics(Duration timeout) {
    throw new UnsupportedOperationException();
  }

  @Override
  public Map<TopicPartition, OffsetAndTimestamp> offsetsForTimes(
      Map<TopicPartition, Long> timestampsToSearch) {
    throw new UnsupportedOperationException();
  }

  @Override
  public Map<TopicPartition, OffsetAndTimestamp> offsetsForTimes(
      Map<TopicPartition, Long> timestampsToSearch, Duration timeout) {
    throw new UnsupportedOperationException();
  }

  @Override
  public Map<TopicPartition, Long> beginningOffsets(Collection<TopicPartition> partitions) {
    throw new UnsupportedOperationException();
  }

  @Override
  public Map<TopicPartition, Long> beginningOffsets(
      Collection<TopicPartition> partitions, Duration timeout) {
    throw new UnsupportedOperationException();
  }

  @Override
  public Map<TopicPartition, Long> endOffsets(Collection<TopicPartition> partitions) {
    throw new UnsupportedOperationException("unbounded endOffsets");
  }

  @Override
  public OptionalLong currentLag(TopicPartition topicPartition) {
    throw new UnsupportedOperationException();
  }

  @Override
  public ConsumerGroupMetadata groupMetadata() {
    throw new UnsupportedOperationException();
  }

  @Override
  public void enforceRebalance() {
    throw new UnsupportedOperationException();
  }

  @Override
  public void enforceRebalance(String reason) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(30));
  }
}
