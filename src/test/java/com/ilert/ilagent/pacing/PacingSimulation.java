package com.ilert.ilagent.pacing;

import com.ilert.ilagent.testkit.Fault.RetryAfter;
import com.ilert.ilagent.testkit.RateLimiter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.IntFunction;

/**
 * A discrete-time model of agents draining a backlog through their {@link Pacer}s against a server
 * with ilert's kind of limits, with no real time passing: the heuristics are measured, not guessed.
 * The server counts per key and per process (one source IP for every member) with one of the test
 * kit's {@link RateLimiter} models, and answers 429 with or without Retry-After.
 *
 * <p>Each member: up to {@code maxInFlight} requests at once, its keys served round-robin, a record
 * answered 429 goes back to the front of its key's queue (its order kept), and a key is sent only
 * when its {@link Pacer#delayMs} says 0. The server decides on arrival (half the round trip).
 * Members may join and leave at given times; each is told its share of the group's limits as the
 * agent is after a rebalance ({@link Pacer#share}).
 */
final class PacingSimulation {

  /** The server's limits: per key and per process, each with its own limiter. */
  static final class Server {
    final RateLimiter perKey;
    final RateLimiter perProcess;
    final RetryAfter retryAfter;
    int limitedByKey;
    int limitedByProcess;

    /**
     * @param perKey the per-key limiter, or null
     * @param perProcess the limiter of all requests together, or null
     */
    Server(RateLimiter perKey, RateLimiter perProcess, RetryAfter retryAfter) {
      this.perKey = perKey;
      this.perProcess = perProcess;
      this.retryAfter = retryAfter;
    }

    /** ilert's numbers with one model and window for both limits. */
    static Server of(
        RateLimiter.Model model,
        int perKey,
        int perProcess,
        long windowMs,
        int burstPerKey,
        int burstPerProcess,
        RetryAfter retryAfter) {
      long w = windowMs * 1_000_000L;
      return new Server(
          perKey > 0 ? RateLimiter.of(model, perKey, w, burstPerKey) : null,
          perProcess > 0 ? RateLimiter.of(model, perProcess, w, burstPerProcess) : null,
          retryAfter);
    }

    /**
     * Status and Retry-After (ms after the answer, -1 = none) for a request arriving at {@code at}.
     */
    long[] receive(String key, long at, long answerAt) {
      long nanos = at * 1_000_000L;
      if (perProcess != null) {
        long wait = perProcess.admit("", nanos);
        if (wait != RateLimiter.ADMITTED) {
          limitedByProcess++;
          return limited(at, wait, answerAt);
        }
      }
      if (perKey != null) {
        long wait = perKey.admit(key, nanos);
        if (wait != RateLimiter.ADMITTED) {
          limitedByKey++;
          return limited(at, wait, answerAt);
        }
      }
      return new long[] {202, -1};
    }

    private long[] limited(long at, long waitNanos, long answerAt) {
      long waitMs = (waitNanos + 999_999) / 1_000_000;
      long ra =
          switch (retryAfter) {
            case NONE -> -1;
            case SECONDS -> (waitMs + 999) / 1000 * 1000;
            case DATE -> Math.max(0, (at + waitMs + 999) / 1000 * 1000 - answerAt);
          };
      return new long[] {429, ra};
    }
  }

  /** One agent of the group: its pacer and its records, per key. */
  static final class Member {
    final String name;
    final Pacer pacer;
    final int maxInFlight;
    final LinkedHashMap<String, ArrayDeque<Integer>> queues = new LinkedHashMap<>();
    final List<String> order = new ArrayList<>();
    int inFlight;
    int cursor;
    boolean active = true;

    /** The agent's own time per request (its CPU on a busy machine): a burst takes this long. */
    long sendGapMicros;

    long nextSendMicros;

    /**
     * Records in the order a topic holds them when each key's come in a run (the agent's dispatcher
     * starts them in that order, passing over a key that has to wait): a key's records all go
     * before the next key's, instead of the keys taking turns.
     */
    boolean keyRuns;

    /**
     * Whether the member tells its pacer how many records of each key it holds, as the agent does.
     */
    boolean tellsWaiting = true;

    Member(String name, Pacer pacer, int maxInFlight) {
      this.name = name;
      this.pacer = pacer;
      this.maxInFlight = maxInFlight;
    }

    void add(String key, int record) {
      if (tellsWaiting) {
        pacer.waiting(RequestKind.EVENT, key, 1);
      }
      ArrayDeque<Integer> q = queues.get(key);
      if (q == null) {
        q = new ArrayDeque<>();
        queues.put(key, q);
        order.add(key);
      }
      q.add(record);
    }

    int queued() {
      int n = 0;
      for (ArrayDeque<Integer> q : queues.values()) {
        n += q.size();
      }
      return n;
    }
  }

  /** What one run did. */
  record Result(
      long drainMs,
      int requests,
      int answered429,
      int records,
      int recordsThat429ed,
      Map<String, Long> doneAtByKey,
      List<Pacer.Verdict> verdicts,
      List<long[]> answers) {
    double share429OfRecords() {
      return answered429 / (double) records;
    }

    /** 429 answers between {@code from} and {@code to} (ms since the start). */
    int answered429Between(long from, long to) {
      int n = 0;
      for (long[] a : answers) {
        if (a[0] >= from && a[0] < to && a[1] == 429) {
          n++;
        }
      }
      return n;
    }

    /** Answers between {@code from} and {@code to} (ms since the start). */
    int answersBetween(long from, long to) {
      int n = 0;
      for (long[] a : answers) {
        if (a[0] >= from && a[0] < to) {
          n++;
        }
      }
      return n;
    }

    @Override
    public String toString() {
      return String.format(
          "drained %d records in %d ms with %d requests, %d answered 429 (%.1f%%)",
          records, drainMs, requests, answered429, 100.0 * share429OfRecords());
    }
  }

  private record InFlight(
      long answerAt,
      Member member,
      String key,
      int record,
      Pacer.Sent sent,
      long status,
      long retryAfterMs) {}

  /** A change of the group at a time: members joining or leaving, and records arriving. */
  private record Change(long at, Runnable action) {}

  static boolean trace = Boolean.getBoolean("sim.trace");
  private final Server server;
  private final long roundTripMs;
  private final long jitterMs;
  private final Random random = new Random(7);
  private final List<Member> members = new ArrayList<>();
  private final List<Change> changes = new ArrayList<>();

  /** One member with its own pacer. */
  PacingSimulation(Pacer pacer, Server server, int maxInFlight, long roundTripMs, long jitterMs) {
    this(server, roundTripMs, jitterMs);
    members.add(new Member("m0", pacer, maxInFlight));
  }

  /** No member yet: add them with {@link #member}. */
  PacingSimulation(Server server, long roundTripMs, long jitterMs) {
    this.server = server;
    this.roundTripMs = roundTripMs;
    this.jitterMs = jitterMs;
  }

  Member member(String name, Pacer pacer, int maxInFlight) {
    Member m = new Member(name, pacer, maxInFlight);
    members.add(m);
    return m;
  }

  List<Member> members() {
    return members;
  }

  /** Runs {@code action} (e.g. a member leaving, new shares) at {@code at} (absolute ms). */
  PacingSimulation at(long at, Runnable action) {
    changes.add(new Change(at, action));
    return this;
  }

  /**
   * Drains {@code backlog} (records per key) through the only member, starting at {@code start};
   * gives up after {@code limitMs}.
   */
  Result drain(Map<String, Integer> backlog, long start, long limitMs) {
    Member only = members.get(0);
    int next = 0;
    for (Map.Entry<String, Integer> e : backlog.entrySet()) {
      for (int i = 0; i < e.getValue(); i++) {
        only.add(e.getKey(), next++);
      }
    }
    return run(next, start, limitMs);
  }

  /**
   * Spreads {@code backlog} over the members: record {@code i} of a key goes to member {@code
   * spread.apply(i)}; then drains it.
   */
  Result drainSpread(
      Map<String, Integer> backlog, IntFunction<Integer> spread, long start, long limitMs) {
    return drainSpread(backlog, (k, i) -> spread.apply(i), start, limitMs);
  }

  /**
   * Spreads {@code backlog} over the members: record {@code i} of the {@code k}-th key goes to
   * member {@code spread.apply(k, i)}; then drains it.
   */
  Result drainSpread(
      Map<String, Integer> backlog,
      BiFunction<Integer, Integer, Integer> spread,
      long start,
      long limitMs) {
    int next = 0;
    int k = 0;
    for (Map.Entry<String, Integer> e : backlog.entrySet()) {
      for (int i = 0; i < e.getValue(); i++) {
        members.get(spread.apply(k, i)).add(e.getKey(), next++);
      }
      k++;
    }
    return run(next, start, limitMs);
  }

  /**
   * A steady stream instead of a backlog: {@code perSecond} records a second over {@code keys} keys
   * (round-robin), each to member {@code record % active members}, from {@code start} for {@code
   * durationMs}; runs until everything is done.
   */
  Result stream(int keys, double perSecond, long start, long durationMs, long limitMs) {
    int total = (int) (perSecond * durationMs / 1000);
    for (int i = 0; i < total; i++) {
      int record = i;
      long at = start + (long) (i * 1000 / perSecond);
      changes.add(
          new Change(
              at,
              () -> {
                List<Member> live = members.stream().filter(m -> m.active).toList();
                live.get((record / keys) % live.size()).add("k" + (record % keys), record);
              }));
    }
    return run(total, start, limitMs);
  }

  private Result run(int records, long start, long limitMs) {
    changes.sort((a, b) -> Long.compare(a.at(), b.at()));
    ArrayDeque<Change> pending = new ArrayDeque<>(changes);
    changes.clear();
    PriorityQueue<InFlight> flight =
        new PriorityQueue<>((a, b) -> Long.compare(a.answerAt(), b.answerAt()));
    Set<Integer> saw429 = new HashSet<>();
    Map<String, Long> doneAt = new HashMap<>();
    List<Pacer.Verdict> verdicts = new ArrayList<>();
    List<long[]> answers = new ArrayList<>();
    int done = 0;
    int requests = 0;
    int answered429 = 0;
    long now = start;
    while (done < records) {
      if (now - start > limitMs) {
        if (trace) {
          long at = now;
          for (Member m : members) {
            m.queues.forEach(
                (k, q) -> {
                  if (!q.isEmpty()) {
                    System.out.printf(
                        "STUCK %s %s %d queued, in flight %d: %s%n",
                        m.name,
                        k,
                        q.size(),
                        m.inFlight,
                        m.pacer.describe(RequestKind.EVENT, k)
                            + " / process "
                            + m.pacer.describeProcess()
                            + " / delay "
                            + m.pacer.delayMs(RequestKind.EVENT, k, at)
                            + " active "
                            + m.active);
                  }
                });
          }
        }
        throw new AssertionError(
            "not drained within " + limitMs + " ms: " + done + " of " + records + " done");
      }
      while (!pending.isEmpty() && pending.peekFirst().at() <= now) {
        pending.pollFirst().action().run();
      }
      while (!flight.isEmpty() && flight.peek().answerAt() <= now) {
        InFlight f = flight.poll();
        Member m = f.member();
        m.inFlight--;
        Pacer.Verdict v =
            m.pacer.answered(f.sent(), (int) f.status(), f.retryAfterMs(), f.answerAt());
        answers.add(new long[] {f.answerAt() - start, f.status()});
        if (f.status() == 429) {
          if (trace) {
            System.out.printf(
                "%s 429 at %d for %s sent %d -> %s, Retry-After %d: %s%n",
                m.name,
                f.answerAt() - start,
                f.key(),
                f.sent().sentAt() - start,
                v,
                f.retryAfterMs(),
                m.pacer.describe(RequestKind.EVENT, f.key()));
          }
          answered429++;
          saw429.add(f.record());
          verdicts.add(v);
          // A member that left hands its records to one that stays (Kafka moves its partitions).
          Member owner = m.active ? m : members.stream().filter(x -> x.active).findFirst().get();
          if (owner.queues.get(f.key()) == null) {
            owner.add(f.key(), f.record());
          } else {
            owner.queues.get(f.key()).addFirst(f.record());
            if (owner != m && owner.tellsWaiting) {
              owner.pacer.waiting(RequestKind.EVENT, f.key(), 1);
            }
          }
          if (owner != m && m.tellsWaiting) {
            m.pacer.waiting(RequestKind.EVENT, f.key(), -1);
          }
        } else {
          done++;
          if (m.tellsWaiting) {
            m.pacer.waiting(RequestKind.EVENT, f.key(), -1);
          }
          doneAt.merge(f.key(), f.answerAt(), Math::max);
          if (trace && f.key().equals(System.getProperty("sim.key"))) {
            System.out.printf(
                "%s 202 at %d for %s sent %d (%d left)%n",
                m.name,
                f.answerAt() - start,
                f.key(),
                f.sent().sentAt() - start,
                m.queues.get(f.key()).size());
          }
        }
      }
      long wake = flight.isEmpty() ? Long.MAX_VALUE : flight.peek().answerAt();
      if (!pending.isEmpty()) {
        wake = Math.min(wake, pending.peekFirst().at());
      }
      for (Member m : members) {
        if (!m.active) {
          continue;
        }
        boolean progress = true;
        while (progress && m.inFlight < m.maxInFlight) {
          progress = false;
          for (int i = 0; i < m.order.size() && m.inFlight < m.maxInFlight; i++) {
            if (m.nextSendMicros > now * 1000) {
              wake = Math.min(wake, (m.nextSendMicros + 999) / 1000);
              break;
            }
            String key = m.order.get(m.keyRuns ? i : (m.cursor + i) % m.order.size());
            ArrayDeque<Integer> q = m.queues.get(key);
            if (q.isEmpty()) {
              continue;
            }
            long delay = m.pacer.delayMs(RequestKind.EVENT, key, now);
            if (delay > 0) {
              wake = Math.min(wake, now + delay);
              continue;
            }
            if (m.keyRuns) {
              i--; // the same key again, until it has to wait or has nothing left
            }
            int record = q.pollFirst();
            Pacer.Sent sent = m.pacer.sent(RequestKind.EVENT, key, now);
            m.nextSendMicros = Math.max(m.nextSendMicros, now * 1000) + m.sendGapMicros;
            requests++;
            long rtt = roundTripMs + (jitterMs > 0 ? random.nextInt((int) jitterMs + 1) : 0);
            long[] answer = server.receive(key, now + rtt / 2, now + rtt);
            flight.add(new InFlight(now + rtt, m, key, record, sent, answer[0], answer[1]));
            m.inFlight++;
            wake = Math.min(wake, now + rtt);
            progress = true;
          }
          if (!m.order.isEmpty()) {
            m.cursor = (m.cursor + 1) % m.order.size();
          }
        }
      }
      if (done >= records) {
        break;
      }
      if (wake == Long.MAX_VALUE) {
        throw new AssertionError("stuck at " + now + " with " + (records - done) + " records left");
      }
      now = Math.max(now + 1, wake);
    }
    long last = doneAt.values().stream().mapToLong(Long::longValue).max().orElse(start);
    return new Result(
        last - start, requests, answered429, records, saw429.size(), doneAt, verdicts, answers);
  }

  /** {@code keys} keys named k0, k1, ... with {@code each} records each. */
  static Map<String, Integer> backlog(int keys, int each) {
    Map<String, Integer> m = new LinkedHashMap<>();
    for (int k = 0; k < keys; k++) {
      m.put("k" + k, each);
    }
    return m;
  }
}
