package com.ilert.ilagent.bench;

import com.ilert.ilagent.testkit.Fault;
import com.ilert.ilagent.testkit.IlertStandIn;
import com.ilert.ilagent.testkit.KafkaBroker;
import com.ilert.ilagent.testkit.RateLimiter;
import com.ilert.ilagent.testkit.Received;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Rows I and J of the benchmark: the agent against the test kit's {@link IlertStandIn} enforcing
 * ilert's documented limits ten times faster (windows of 6 s: 50 events per integration key, 5
 * pings per heartbeat key, 700 requests per process), counted by one of the test kit's limiter
 * models ({@link RateLimiter}: fixed windows, a sliding window, a token bucket whose burst is below
 * its number).
 *
 * <ul>
 *   <li><b>I, rate-limited drain:</b> 2,000 events over 10 integration keys (each its own alert
 *       key, so nothing orders them), visible at one instant; drain time against the ideal (three
 *       windows under windows: the fourth burst of 50 per key cannot start earlier; (200 - 20) x 6
 *       s / 50 under the token bucket), and 429 answers as a share of the events. Learned (default
 *       settings: the stand-in is not ilert's host) and told; one agent, or three in one consumer
 *       group on 6 partitions.
 *   <li><b>J, heartbeat flood:</b> 100 heartbeat records of one key within 5 s: pings sent, 429s,
 *       and the time from the last record until everything is committed.
 * </ul>
 */
final class LimitScenarios {
  static final Duration WINDOW = Duration.ofSeconds(6);
  static final int EVENTS_PER_KEY = 50;
  static final int PINGS_PER_KEY = 5;
  static final int REQUESTS_PER_PROCESS = 700;

  /** A token bucket's burst, below the number per window (the same share of it for both limits). */
  static final int BURST_PER_KEY = 20;

  static final int BURST_PER_PROCESS = 280;

  /** What tells an agent ilert's limits (at the stand-in's shorter window, see {@link #WINDOW}). */
  static final List<String> TOLD = List.of("--rate_limit_key", "50", "--rate_limit_total", "700");

  /** Where one drain ran: the stand-in's limiter, its Retry-After, and how many agents. */
  record Setup(RateLimiter.Model model, Fault.RetryAfter retryAfter, int agents) {
    String label() {
      String who = agents == 1 ? "one agent" : agents + " agents in one group";
      String limiter =
          model == RateLimiter.Model.TOKEN_BUCKET
              ? model + " (burst " + BURST_PER_KEY + " of 50)"
              : model + "s";
      String ra =
          switch (retryAfter) {
            case NONE -> ", no Retry-After";
            case SECONDS -> "";
            case DATE -> ", Retry-After as a date";
          };
      return who + ", " + limiter + ra;
    }

    /** The ideal drain of 200 events per key and 2,000 in all (seconds). */
    double idealSeconds() {
      double w = WINDOW.toMillis() / 1000.0;
      if (model == RateLimiter.Model.TOKEN_BUCKET) {
        return Math.max(
            (200 - BURST_PER_KEY) * w / EVENTS_PER_KEY,
            (2000 - BURST_PER_PROCESS) * w / REQUESTS_PER_PROCESS);
      }
      return Math.max(200 / EVENTS_PER_KEY - 1, (2000 - 1) / REQUESTS_PER_PROCESS) * w;
    }
  }

  /** Row I's setups: the issue's table first, then the same limiters without Retry-After. */
  static final List<Setup> SETUPS =
      List.of(
          new Setup(RateLimiter.Model.FIXED_WINDOW, Fault.RetryAfter.SECONDS, 1),
          new Setup(RateLimiter.Model.SLIDING_WINDOW, Fault.RetryAfter.SECONDS, 1),
          new Setup(RateLimiter.Model.TOKEN_BUCKET, Fault.RetryAfter.SECONDS, 1),
          new Setup(RateLimiter.Model.SLIDING_WINDOW, Fault.RetryAfter.SECONDS, 3),
          new Setup(RateLimiter.Model.FIXED_WINDOW, Fault.RetryAfter.NONE, 1),
          new Setup(RateLimiter.Model.SLIDING_WINDOW, Fault.RetryAfter.NONE, 1),
          new Setup(RateLimiter.Model.TOKEN_BUCKET, Fault.RetryAfter.NONE, 1));

  /**
   * The targets of a setup: {learned ratio, learned 429 share, told ratio, told 429 share}; zeros
   * where there is none.
   */
  static double[] target(Setup s) {
    if (s.retryAfter() == Fault.RetryAfter.NONE) {
      return new double[] {1.2, 0.02, 0, 0};
    }
    if (s.agents() > 1) {
      return new double[] {1.3, 0.03, 1.2, 0.01};
    }
    if (s.model() == RateLimiter.Model.TOKEN_BUCKET) {
      return new double[] {1.2, 0.02, 1.2, 0.02};
    }
    return new double[] {1.2, 0.02, 1.1, 0.0};
  }

  /** What one drain measured. */
  record Drain(
      Setup setup,
      boolean told,
      int events,
      double seconds,
      double idealSeconds,
      long answered429,
      int firstAnswered429,
      int lost,
      long duplicates) {
    double ratio() {
      return seconds / idealSeconds;
    }

    /**
     * 429 answers as a share of the events (a retried event may be answered 429 more than once).
     */
    double share429() {
      return answered429 / (double) events;
    }

    String name() {
      return setup.label() + (told ? ", told" : ", learned");
    }

    @Override
    public String toString() {
      return String.format(
          Locale.ROOT,
          "%s: %d events in %.1f s = %.2fx the ideal %.1f s; %d answered 429 (%.1f%% of the "
              + "events; %d events first answered 429); lost %d, duplicates %d",
          name(),
          events,
          seconds,
          ratio(),
          idealSeconds,
          answered429,
          100 * share429(),
          firstAnswered429,
          lost,
          duplicates);
    }
  }

  /** What one heartbeat flood measured. */
  record Flood(
      int records, long pings, long accepted, long answered429, double committedAfterLastSeconds) {
    @Override
    public String toString() {
      return String.format(
          Locale.ROOT,
          "%d records: %d pings sent, %d accepted, %d answered 429; all committed "
              + "%.1f s after the last record",
          records,
          pings,
          accepted,
          answered429,
          committedAfterLastSeconds);
    }
  }

  private final Path root;
  private final KafkaBroker kafka;
  private final KafkaProducer<String, byte[]> tx;
  private final KafkaProducer<String, byte[]> plain;
  private final Consumer<String> say;
  private final List<Long> readyTimes;

  LimitScenarios(
      Path root,
      KafkaBroker kafka,
      KafkaProducer<String, byte[]> tx,
      KafkaProducer<String, byte[]> plain,
      Consumer<String> say,
      List<Long> readyTimes) {
    this.root = root;
    this.kafka = kafka;
    this.tx = tx;
    this.plain = plain;
    this.say = say;
    this.readyTimes = readyTimes;
  }

  /** True if the built agent knows the told-limit options (they come with pacing). */
  boolean agentHasToldLimits() {
    try {
      Process p =
          new ProcessBuilder(root.resolve("scripts/ilagent").toString(), "daemon", "--help")
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor(30, TimeUnit.SECONDS);
      return out.contains("--rate_limit_key");
    } catch (Exception e) {
      return false;
    }
  }

  /**
   * I: 2,000 events over 10 keys into a stand-in with ilert's limits 10x faster, counted by the
   * setup's limiter; with several agents, one consumer group on 6 partitions and each key's records
   * spread over all of them.
   *
   * @param told whether the agents are told the limits (else they learn them)
   */
  Drain drain(Setup setup, boolean told) throws Exception {
    int keys = 10;
    int perKey = 200;
    int total = keys * perKey;
    int partitions = setup.agents() == 1 ? 3 : 6;
    String name = setup.label() + (told ? ", told" : ", learned");
    try (IlertStandIn standIn = new IlertStandIn().start()) {
      standIn.fault(
          Fault.processRateLimit(REQUESTS_PER_PROCESS, WINDOW)
              .model(setup.model(), BURST_PER_PROCESS)
              .retryAfter(setup.retryAfter()));
      standIn.fault(
          Fault.eventRateLimit(EVENTS_PER_KEY, WINDOW)
              .model(setup.model(), BURST_PER_KEY)
              .retryAfter(setup.retryAfter()));
      String topic = topic("drain", partitions);
      String group = "bench-drain-" + UUID.randomUUID().toString().substring(0, 8);
      List<String> args =
          new ArrayList<>(
              List.of(
                  "--kafka_brokers",
                  kafka.bootstrapServers(),
                  "--kafka_group_id",
                  group,
                  "-e",
                  topic,
                  "--api_url",
                  standIn.apiUrl(),
                  "--heartbeat_url",
                  standIn.heartbeatUrl(),
                  "--kafka_offset_reset",
                  "earliest",
                  "--kafka_property",
                  "isolation.level=read_committed",
                  "-v",
                  "-v"));
      if (told) {
        args.addAll(TOLD);
      }
      String javaOpts = told ? "-Dilagent.rate_limit_window_ms=" + WINDOW.toMillis() : "";
      String file = "drain-" + name.replaceAll("[^a-z0-9]+", "-");
      List<BenchAgent> agents = new ArrayList<>();
      try {
        for (int a = 0; a < setup.agents(); a++) {
          agents.add(BenchAgent.start(root, file + (a == 0 ? "" : "-" + a), args, javaOpts));
        }
        for (BenchAgent agent : agents) {
          readyTimes.add(agent.awaitReady(Duration.ofSeconds(60)));
        }
        if (setup.agents() > 1) {
          awaitGroup(group, setup.agents(), partitions, Duration.ofSeconds(60));
        }
        Map<TopicPartition, Long> expected = new ConcurrentHashMap<>();
        Set<String> seqs = new HashSet<>();
        tx.beginTransaction();
        for (int i = 0; i < total; i++) {
          int k = i % keys;
          String key = "il1apidrain" + k;
          String seq = name.hashCode() + "-" + i;
          seqs.add(seq);
          String json =
              "{\"integrationKey\":\""
                  + key
                  + "\",\"eventType\":\"ALERT\",\"alertKey\":\"d-"
                  + seq
                  + "\",\"summary\":\"drain "
                  + seq
                  + "\",\"details\":\""
                  + seq
                  + "\"}";
          // A key's records go round the partitions: every member gets its share of each key.
          Integer partition = setup.agents() == 1 ? null : (i / keys + k) % partitions;
          send(tx, topic, partition, "d-" + seq, json, expected);
        }
        tx.flush();
        long t0 = System.nanoTime();
        tx.commitTransaction();
        awaitAccepted(standIn, seqs, Duration.ofSeconds(240));
        awaitCommitted(group, expected, Duration.ofSeconds(60));
        double seconds = (System.nanoTime() - t0) / 1e9;
        Map<String, Integer> firstStatus = new HashMap<>();
        Map<String, Integer> accepted = new HashMap<>();
        long answered429 = 0;
        for (Received r : standIn.attempts()) {
          String seq = r.field("details");
          if (seq == null || !seqs.contains(seq)) {
            continue;
          }
          firstStatus.putIfAbsent(seq, r.status());
          if (r.status() == 429) {
            answered429++;
          } else if (r.status() == 202) {
            accepted.merge(seq, 1, Integer::sum);
          }
        }
        if (Boolean.getBoolean("bench.timeline")) {
          Map<String, List<Long>> byKey = new java.util.TreeMap<>();
          Map<String, List<Long>> refusedByKey = new java.util.TreeMap<>();
          for (Received r : standIn.attempts()) {
            String seq = r.field("details");
            if (seq == null || !seqs.contains(seq)) {
              continue;
            }
            long ms = (r.receivedAtNanos() - t0) / 1_000_000;
            String key = r.field("integrationKey");
            (r.status() == 202 ? byKey : refusedByKey)
                .computeIfAbsent(key, x -> new ArrayList<>())
                .add(ms);
          }
          byKey.forEach(
              (key, times) -> {
                java.util.Collections.sort(times);
                StringBuilder b = new StringBuilder("TIMELINE " + key + ":");
                for (int i = 0; i < times.size(); i++) {
                  if (i % 50 == 0 || i == times.size() - 1 || (i > 150 && i % 5 == 0)) {
                    b.append(" #").append(i + 1).append("@").append(times.get(i));
                  }
                }
                b.append(" refused ").append(refusedByKey.getOrDefault(key, List.of()));
                say.accept(b.toString());
              });
        }
        int first429 = (int) firstStatus.values().stream().filter(s -> s == 429).count();
        long duplicates = accepted.values().stream().mapToLong(n -> n - 1).sum();
        Drain d =
            new Drain(
                setup,
                told,
                total,
                seconds,
                setup.idealSeconds(),
                answered429,
                first429,
                total - accepted.size(),
                duplicates);
        say.accept(
            "I "
                + d
                + "; 429s of the per-IP limit "
                + standIn.rateLimited(Fault.Scope.PROCESS)
                + ", of per-key limits "
                + standIn.rateLimited(Fault.Scope.KEY));
        for (BenchAgent agent : agents) {
          agent.stop();
        }
        return d;
      } finally {
        for (BenchAgent agent : agents) {
          agent.close();
        }
      }
    }
  }

  /** Waits until the group is stable with {@code members} members sharing every partition. */
  private void awaitGroup(String group, int members, int partitions, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Map<String, Set<TopicPartition>> assignment = kafka.groupAssignment(group);
      int assigned = assignment.values().stream().mapToInt(Set::size).sum();
      if (assignment.size() == members && assigned == partitions) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "group " + group + " not stable with " + members + " members: " + assignment);
      }
      BenchAgent.sleep(50);
    }
  }

  /** J: 100 heartbeat records of one key within 5 s into a stand-in allowing 5 pings per 6 s. */
  Flood heartbeatFlood(List<String> toldArgs) throws Exception {
    int records = 100;
    try (IlertStandIn standIn = new IlertStandIn().start()) {
      standIn.fault(Fault.pingRateLimit(PINGS_PER_KEY, WINDOW).retryAfterUntilReset());
      String topic = topic("heartbeats", 3);
      String group = "bench-heartbeats-" + UUID.randomUUID().toString().substring(0, 8);
      List<String> args =
          new ArrayList<>(
              List.of(
                  "--kafka_brokers",
                  kafka.bootstrapServers(),
                  "--kafka_group_id",
                  group,
                  "-r",
                  topic,
                  "--api_url",
                  standIn.apiUrl(),
                  "--heartbeat_url",
                  standIn.heartbeatUrl(),
                  "--kafka_offset_reset",
                  "earliest"));
      args.addAll(toldArgs);
      String javaOpts = "-Dilagent.rate_limit_window_ms=" + WINDOW.toMillis();
      try (BenchAgent agent = BenchAgent.start(root, "heartbeat-flood", args, javaOpts)) {
        readyTimes.add(agent.awaitReady(Duration.ofSeconds(60)));
        Map<TopicPartition, Long> expected = new ConcurrentHashMap<>();
        String json = "{\"integrationKey\":\"hbbenchflood0001\"}";
        long start = System.nanoTime();
        for (int i = 0; i < records; i++) {
          long due = start + i * 50_000_000L; // 100 records within 5 s
          while (System.nanoTime() < due) {
            BenchAgent.sleep(Math.max(1, (due - System.nanoTime()) / 1_000_000));
          }
          send(plain, topic, null, null, json, expected);
          plain.flush();
        }
        long last = System.nanoTime();
        awaitCommitted(group, expected, Duration.ofSeconds(120));
        double after = (System.nanoTime() - last) / 1e9;
        List<Received> pings = standIn.attempts().stream().filter(Received::isPing).toList();
        long accepted = pings.stream().filter(r -> r.status() == 202).count();
        long limited = pings.stream().filter(r -> r.status() == 429).count();
        Flood f = new Flood(records, pings.size(), accepted, limited, after);
        say.accept("J " + f);
        agent.stop();
        return f;
      }
    }
  }

  private void awaitAccepted(IlertStandIn standIn, Set<String> seqs, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Set<String> accepted = new HashSet<>();
      for (Received r : standIn.received()) {
        String seq = r.field("details");
        if (seq != null && seqs.contains(seq)) {
          accepted.add(seq);
        }
      }
      if (accepted.size() >= seqs.size()) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "only "
                + accepted.size()
                + " of "
                + seqs.size()
                + " events accepted within "
                + timeout);
      }
      BenchAgent.sleep(50);
    }
  }

  private void awaitCommitted(String group, Map<TopicPartition, Long> expected, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Map<TopicPartition, Long> committed = kafka.committedOffsets(group);
      if (expected.entrySet().stream()
          .allMatch(e -> committed.getOrDefault(e.getKey(), -1L) >= e.getValue())) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "group " + group + " did not commit " + expected + " within " + timeout);
      }
      BenchAgent.sleep(5);
    }
  }

  private static void send(
      KafkaProducer<String, byte[]> p,
      String topic,
      Integer partition,
      String key,
      String json,
      Map<TopicPartition, Long> expected) {
    p.send(
        new ProducerRecord<>(topic, partition, key, json.getBytes(StandardCharsets.UTF_8)),
        (md, err) -> {
          if (err == null) {
            expected.merge(
                new TopicPartition(md.topic(), md.partition()), md.offset() + 1, Math::max);
          }
        });
  }

  private String topic(String name, int partitions) {
    String t = "bench-" + name + "-" + UUID.randomUUID().toString().substring(0, 8);
    kafka.createTopic(t, partitions);
    return t;
  }
}
