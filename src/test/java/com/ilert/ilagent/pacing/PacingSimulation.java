package com.ilert.ilagent.pacing;

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

/**
 * A discrete-time model of the agent draining a backlog through the {@link Pacer} against a server
 * with ilert's kind of limits (fixed windows per key and per process, 429 until the window resets),
 * with no real time passing: the heuristics are measured, not guessed.
 *
 * <p>The client: up to {@code maxInFlight} requests at once, keys served round-robin, a record
 * answered 429 goes back to the front of its key's queue (its order kept), and a key is sent only
 * when {@link Pacer#delayMs} says 0. The server decides on arrival (half the round trip).
 */
final class PacingSimulation {

  /** The server's limits: per key and per process, each with its own window. */
  static final class Server {
    final int perKey;
    final int perProcess;
    final long windowMs;
    final boolean retryAfter;
    final boolean clockAligned;
    final long phaseMs;
    private final Map<String, long[]> keyWindows = new HashMap<>();
    private long[] processWindow;
    int limitedByKey;
    int limitedByProcess;

    /**
     * @param perKey per-key allowance per window (0 = none)
     * @param perProcess allowance of all requests per window (0 = none)
     * @param retryAfter answer 429 with Retry-After (whole seconds, rounded up)
     * @param clockAligned windows at fixed multiples of the window (shifted by phaseMs) instead of
     *     starting at the first request after the last one ran out
     */
    Server(
        int perKey,
        int perProcess,
        long windowMs,
        boolean retryAfter,
        boolean clockAligned,
        long phaseMs) {
      this.perKey = perKey;
      this.perProcess = perProcess;
      this.windowMs = windowMs;
      this.retryAfter = retryAfter;
      this.clockAligned = clockAligned;
      this.phaseMs = phaseMs;
    }

    /** Status and Retry-After (ms, -1 = none) for a request arriving at {@code at}. */
    long[] receive(String key, long at) {
      if (perProcess > 0) {
        processWindow = roll(processWindow, at);
        if (++processWindow[1] > perProcess) {
          limitedByProcess++;
          return limited(processWindow, at);
        }
      }
      if (perKey > 0) {
        long[] w = roll(keyWindows.get(key), at);
        keyWindows.put(key, w);
        if (++w[1] > perKey) {
          limitedByKey++;
          return limited(w, at);
        }
      }
      return new long[] {202, -1};
    }

    private long[] roll(long[] w, long at) {
      if (clockAligned) {
        long start = Math.floorDiv(at - phaseMs, windowMs) * windowMs + phaseMs;
        return w == null || w[0] != start ? new long[] {start, 0} : w;
      }
      return w == null || at - w[0] >= windowMs ? new long[] {at, 0} : w;
    }

    private long[] limited(long[] w, long at) {
      long remaining = w[0] + windowMs - at;
      return new long[] {429, retryAfter ? ((remaining + 999) / 1000) * 1000 : -1};
    }
  }

  /** What one drain did. */
  record Result(
      long drainMs,
      int requests,
      int answered429,
      int records,
      int recordsThat429ed,
      Map<String, Long> doneAtByKey,
      List<Pacer.Verdict> verdicts) {
    double share429OfRecords() {
      return answered429 / (double) records;
    }

    @Override
    public String toString() {
      return String.format(
          "drained %d records in %d ms with %d requests, %d answered 429 (%.1f%%)",
          records, drainMs, requests, answered429, 100.0 * share429OfRecords());
    }
  }

  private record InFlight(
      long answerAt, String key, int record, Pacer.Sent sent, long status, long retryAfterMs) {}

  static boolean TRACE = Boolean.getBoolean("sim.trace");
  private final Pacer pacer;
  private final Server server;
  private final int maxInFlight;
  private final long roundTripMs;
  private final long jitterMs;
  private final Random random = new Random(7);

  PacingSimulation(Pacer pacer, Server server, int maxInFlight, long roundTripMs, long jitterMs) {
    this.pacer = pacer;
    this.server = server;
    this.maxInFlight = maxInFlight;
    this.roundTripMs = roundTripMs;
    this.jitterMs = jitterMs;
  }

  /**
   * Drains {@code backlog} (records per key), starting at {@code start}; gives up after {@code
   * limitMs}.
   */
  Result drain(Map<String, Integer> backlog, long start, long limitMs) {
    LinkedHashMap<String, ArrayDeque<Integer>> queues = new LinkedHashMap<>();
    int next = 0;
    for (Map.Entry<String, Integer> e : backlog.entrySet()) {
      ArrayDeque<Integer> q = new ArrayDeque<>();
      for (int i = 0; i < e.getValue(); i++) {
        q.add(next++);
      }
      queues.put(e.getKey(), q);
    }
    int records = next;
    PriorityQueue<InFlight> flight =
        new PriorityQueue<>((a, b) -> Long.compare(a.answerAt(), b.answerAt()));
    Set<Integer> saw429 = new HashSet<>();
    Map<String, Long> doneAt = new HashMap<>();
    List<Pacer.Verdict> verdicts = new ArrayList<>();
    int done = 0;
    int requests = 0;
    int answered429 = 0;
    long now = start;
    List<String> order = new ArrayList<>(queues.keySet());
    int cursor = 0;
    while (done < records) {
      if (now - start > limitMs) {
        throw new AssertionError(
            "not drained within " + limitMs + " ms: " + done + " of " + records + " done");
      }
      // Answers due now.
      while (!flight.isEmpty() && flight.peek().answerAt() <= now) {
        InFlight f = flight.poll();
        Pacer.Verdict v =
            pacer.answered(f.sent(), (int) f.status(), f.retryAfterMs(), f.answerAt());
        if (f.status() == 429) {
          if (TRACE) {
            System.out.println(
                "429 "
                    + (f.answerAt() - start)
                    + " "
                    + f.key()
                    + " sentAt "
                    + (f.sent().sentAt() - start)
                    + " -> "
                    + v
                    + " ra "
                    + f.retryAfterMs());
          }
          answered429++;
          saw429.add(f.record());
          verdicts.add(v);
          queues.get(f.key()).addFirst(f.record());
        } else {
          done++;
          doneAt.merge(f.key(), f.answerAt(), Math::max);
        }
      }
      // Send what may go, keys round-robin.
      long wake = flight.isEmpty() ? Long.MAX_VALUE : flight.peek().answerAt();
      boolean progress = true;
      while (progress && flight.size() < maxInFlight) {
        progress = false;
        for (int i = 0; i < order.size() && flight.size() < maxInFlight; i++) {
          String key = order.get((cursor + i) % order.size());
          ArrayDeque<Integer> q = queues.get(key);
          if (q.isEmpty()) {
            continue;
          }
          long delay = pacer.delayMs(RequestKind.EVENT, key, now);
          if (delay > 0) {
            wake = Math.min(wake, now + delay);
            continue;
          }
          int record = q.pollFirst();
          Pacer.Sent sent = pacer.sent(RequestKind.EVENT, key, now);
          if (TRACE && key.equals(System.getProperty("sim.key", "-"))) {
            System.out.println(
                "send "
                    + (now - start)
                    + " "
                    + key
                    + " "
                    + sent
                    + " :: "
                    + pacer.describe(RequestKind.EVENT, key));
          }
          requests++;
          long rtt = roundTripMs + (jitterMs > 0 ? random.nextInt((int) jitterMs + 1) : 0);
          long[] answer = server.receive(key, now + rtt / 2);
          flight.add(new InFlight(now + rtt, key, record, sent, answer[0], answer[1]));
          wake = Math.min(wake, now + rtt);
          progress = true;
        }
        cursor = (cursor + 1) % order.size();
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
        last - start, requests, answered429, records, saw429.size(), doneAt, verdicts);
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
