package com.ilert.ilagent.bench;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import com.ilert.ilagent.testkit.Fault;
import com.ilert.ilagent.testkit.IlertStandIn;
import com.ilert.ilagent.testkit.KafkaBroker;
import com.ilert.ilagent.testkit.Received;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.LoggerFactory;

/**
 * The shipped benchmark ({@code scripts/bench}): a local Kafka broker, a local ilert stand-in with
 * a configurable answer latency, the built agent as a process started by {@code scripts/ilagent},
 * and the {@link RustLoopYardstick}. Prints a table and writes {@code docs/benchmarks.md} and
 * {@code docs/benchmark-latency.png}.
 *
 * <p>Method: each measured backlog is produced inside a Kafka transaction and becomes visible to
 * the consumer (which reads {@code read_committed}) at one instant, the transaction's commit; a run
 * lasts from that instant until the stand-in has answered 202 to every event of the run and the
 * group's committed offsets cover every record (lag 0). The producer's own work is therefore not
 * part of the measured time. Options: {@code --quick} (one repetition, smaller runs, output under
 * target/bench), {@code --reps N}.
 */
public final class Bench {
  private static final int INTEGRATION_KEYS = 10;
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z");

  private final Path root = Path.of("").toAbsolutePath();
  private final boolean quick;
  private final int reps;
  private final Path outDir;
  private final AtomicLong seq = new AtomicLong(1);
  private final List<Long> readyTimes = new ArrayList<>();
  private final StringBuilder notes = new StringBuilder();
  private KafkaBroker kafka;
  private BenchIlert ilert;
  private KafkaProducer<String, byte[]> tx;
  private KafkaProducer<String, byte[]> plain;

  // results
  private final Map<String, Stats> main = new LinkedHashMap<>();
  private final Set<String> only = new LinkedHashSet<>();
  private final List<String[]> fRows = new ArrayList<>();
  private final List<String[]> gRows = new ArrayList<>();
  private final long[] chartLatencies = {0, 5, 20, 50};
  private final double[] chartAgent = new double[4];
  private final double[] chartYard = new double[4];
  private final List<Long> idleRss = new ArrayList<>();
  private final List<Long> loadRss = new ArrayList<>();
  private final List<Long> idleAfterRss = new ArrayList<>();
  private final List<Long> footprintReady = new ArrayList<>();
  private final List<Long> footprintIdle = new ArrayList<>();
  private final List<Long> footprintPeak = new ArrayList<>();
  private final List<Long> footprintAfter = new ArrayList<>();
  private final Stats footprintRate = new Stats();
  private final List<LimitScenarios.Drain> drains = new ArrayList<>();
  private LimitScenarios.Flood flood;
  private boolean toldLimits;
  private LimitScenarios limits;

  private Bench(boolean quick, int reps) {
    this.quick = quick;
    this.reps = reps;
    this.outDir = quick ? root.resolve("target/bench") : root.resolve("docs");
  }

  public static void main(String[] args) throws Exception {
    boolean quick = false;
    int reps = 3;
    String onlyArg = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--quick" -> quick = true;
        case "--reps" -> reps = Integer.parseInt(args[++i]);
        case "--only" -> onlyArg = args[++i];
        default -> {
          System.err.println(
              "usage: scripts/bench [--quick] [--reps N] [--only main,filter,yardstick,variants,ratelimit,"
                  + "footprint,drain,heartbeat]");
          System.exit(2);
        }
      }
    }
    if (quick && !Arrays.asList(args).contains("--reps")) {
      reps = 1;
    }
    ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger("ROOT").setLevel(Level.WARN);
    int code = 0;
    Bench bench = new Bench(quick, reps);
    if (onlyArg != null) {
      bench.only.addAll(Arrays.asList(onlyArg.split(",")));
    }
    try {
      bench.run();
    } catch (Throwable e) {
      e.printStackTrace();
      code = 1;
    } finally {
      bench.closeAll();
    }
    System.exit(code);
  }

  private void run() throws Exception {
    long began = System.nanoTime();
    String loadBefore = load();
    say("load before: " + loadBefore);
    Files.createDirectories(outDir);
    Files.createDirectories(root.resolve("target/bench"));
    say("starting the Kafka broker");
    kafka = KafkaBroker.start(KafkaBroker.Settings.defaults());
    ilert = new BenchIlert();
    tx = producer(true);
    plain = producer(false);

    if (wanted("main")) {
      defaultAgent();
    }
    if (wanted("filter")) {
      filterAgent();
    }
    if (wanted("yardstick")) {
      yardstick();
    }
    if (wanted("variants") && main.containsKey("A")) {
      variants();
    }
    if (wanted("ratelimit")) {
      rateLimit();
    }
    if (wanted("footprint")) {
      footprint();
    }
    limits = new LimitScenarios(root, kafka, tx, plain, this::say, readyTimes);
    if (wanted("drain") || wanted("heartbeat")) {
      toldLimits = limits.agentHasToldLimits();
      say("agent has told-limit options: " + toldLimits);
    }
    if (wanted("drain")) {
      drains();
    }
    if (wanted("heartbeat")) {
      flood = limits.heartbeatFlood(List.of());
    }
    if (!only.isEmpty()) {
      System.out.println(limitSections());
      say("--only: no files written");
      return;
    }

    String loadAfter = load();
    long minutes = (System.nanoTime() - began) / 1_000_000_000L;
    say("load after: " + loadAfter + "; bench took " + minutes + " s");
    LatencyChart.write(
        outDir.resolve("benchmark-latency.png"),
        chartLatencies,
        chartAgent,
        chartYard,
        "3 partitions, 300 alert keys, 3,000 events per run; "
            + cpuModel()
            + ", "
            + Runtime.getRuntime().availableProcessors()
            + " cores");
    String md = markdown(loadBefore, loadAfter, minutes);
    Files.writeString(outDir.resolve("benchmarks.md"), md);
    System.out.println();
    System.out.println(table());
    System.out.println(
        "Wrote "
            + root.relativize(outDir.resolve("benchmarks.md"))
            + " and "
            + root.relativize(outDir.resolve("benchmark-latency.png")));
  }

  private boolean wanted(String scenario) {
    return only.isEmpty() || only.contains(scenario);
  }

  // ------------------------------------------------------------------------------ scenarios

  /**
   * I: the rate-limited drain under each limiter model, learned and told; then without Retry-After
   * (learned). {@code -Dbench.drain=REGEX} runs only the setups whose name matches.
   */
  private void drains() throws Exception {
    java.util.regex.Pattern only =
        java.util.regex.Pattern.compile(System.getProperty("bench.drain", ".*"));
    for (LimitScenarios.Setup setup : LimitScenarios.SETUPS) {
      for (boolean told : new boolean[] {false, true}) {
        if (told && (!toldLimits || setup.retryAfter() == Fault.RetryAfter.NONE)) {
          continue;
        }
        String name = setup.label() + (told ? ", told" : ", learned");
        if (only.matcher(name).find()) {
          drains.add(limits.drain(setup, told));
        }
      }
    }
  }

  /** A, B, D, E and the agent's chart points: one agent with default settings. */
  private void defaultAgent() throws Exception {
    String topic = topic("main");
    String group = "bench-main";
    try (BenchAgent agent = startAgent("default", topic, group, List.of())) {
      BenchAgent.sleep(3000);
      idleRss.add(agent.rssKb());
      say("E: idle RSS " + agent.rssKb() / 1024 + " MB");
      ilert.latency(0);
      int bEvents = quick ? 10000 : 20000;
      // The first runs after start are slow while the JIT compiles (about 60,000 events on 2
      // cores): reported as "cold", then more warm-up before the measured runs.
      Stats cold = new Stats();
      Result first = burst(topic, group, bEvents, 1000, 120);
      cold.add(first.rate());
      main.put("Bcold", cold);
      say("B cold (first run after start): " + first);
      for (int w = 0; w < (quick ? 0 : 3); w++) {
        say("warm-up: " + burst(topic, group, bEvents, 1000, 120));
      }

      Stats b = new Stats();
      RssSampler sampler = new RssSampler(agent);
      Stats cpu = new Stats();
      for (int r = 0; r < reps; r++) {
        Map<String, Long> threads0 = agent.threadCpuMs();
        long cpu0 = agent.cpuMs();
        Result res = burst(topic, group, bEvents, 1000, 120);
        cpu.add((agent.cpuMs() - cpu0) * 1000.0 / bEvents);
        b.add(res.rate());
        say(
            "B: "
                + res
                + String.format(Locale.ROOT, ", agent CPU %.1f µs/event", cpu.values.get(r)));
        Map<String, Long> threads1 = agent.threadCpuMs();
        StringBuilder per = new StringBuilder();
        threads1.forEach(
            (name, ms) -> {
              long d = ms - threads0.getOrDefault(name, 0L);
              if (d >= 20) {
                per.append(name).append('=').append(d).append("ms ");
              }
            });
        say("   agent threads' CPU in this run: " + per);
      }
      main.put("Bcpu", cpu);
      loadRss.add(sampler.stop());
      main.put("B", b);
      BenchAgent.sleep(3000);
      idleAfterRss.add(agent.rssKb());

      Stats p50 = new Stats();
      Stats p99 = new Stats();
      for (int r = 0; r < reps; r++) {
        double[] lat = steady(topic, group, 100, quick ? 300 : 500);
        p50.add(lat[0]);
        p99.add(lat[1]);
        say(String.format(Locale.ROOT, "D: p50 %.1f ms, p99 %.1f ms", lat[0], lat[1]));
      }
      main.put("D50", p50);
      main.put("D99", p99);

      ilert.latency(20);
      burst(topic, group, 1000, 300, 60); // warm the 20 ms pattern
      Stats a = new Stats();
      for (int r = 0; r < reps; r++) {
        Result res = burst(topic, group, 3000, 300, 120);
        a.add(res.rate());
        say("A: " + res);
      }
      main.put("A", a);
      chartAgent[2] = a.median();
      for (int i : new int[] {0, 1, 3}) {
        ilert.latency(chartLatencies[i]);
        Stats s = new Stats();
        for (int r = 0; r < reps; r++) {
          s.add(burst(topic, group, 3000, 300, 120).rate());
        }
        chartAgent[i] = s.median();
        say("chart: agent at " + chartLatencies[i] + " ms: " + s);
      }
      ilert.latency(0);
      int exit = agent.stop();
      if (exit != 0) {
        note("The default agent exited with " + exit + " after SIGTERM (expected 0).");
      }
    }
  }

  /** C: the filter drops every record. */
  private void filterAgent() throws Exception {
    String topic = topic("filter");
    String group = "bench-filter";
    try (BenchAgent agent =
        startAgent("filter", topic, group, List.of("--filter_key", "bench_absent_key"))) {
      int n = quick ? 100_000 : 200_000;
      filteredBurst(topic, group, 50_000); // warm-up
      Stats c = new Stats();
      Stats cpu = new Stats();
      for (int r = 0; r < reps; r++) {
        Map<String, Long> threads0 = agent.threadCpuMs();
        long cpu0 = agent.cpuMs();
        Result res = filteredBurst(topic, group, n);
        cpu.add((agent.cpuMs() - cpu0) * 1000.0 / n);
        c.add(res.rate());
        say(
            "C: "
                + res
                + String.format(Locale.ROOT, ", agent CPU %.2f µs/record", cpu.values.get(r)));
      }
      main.put("C", c);
      main.put("Ccpu", cpu);
      agent.stop();
    }
  }

  private void yardstick() throws Exception {
    String topic = topic("yardstick");
    String group = "bench-yardstick";
    try (RustLoopYardstick y =
        new RustLoopYardstick(kafka.bootstrapServers(), group, topic, ilert.apiUrl())) {
      ilert.latency(0);
      burst(topic, group, 200, 20, 60); // warm-up, and the group joins
      ilert.latency(20);
      int aEvents = quick ? 300 : 1000;
      Stats a = new Stats();
      for (int r = 0; r < reps; r++) {
        Result res = burst(topic, group, aEvents, 300, 600);
        a.add(res.rate());
        say("A yardstick: " + res);
      }
      main.put("Ay", a);
      chartYard[2] = a.median();
      int[] counts = {quick ? 500 : 1000, quick ? 300 : 500, 0, quick ? 100 : 200};
      for (int i : new int[] {0, 1, 3}) {
        ilert.latency(chartLatencies[i]);
        Result res = burst(topic, group, counts[i], Math.min(300, counts[i]), 600);
        chartYard[i] = res.rate();
        say("chart: yardstick at " + chartLatencies[i] + " ms: " + res);
      }
      ilert.latency(0);
      if (y.notAccepted() > 0 || y.error() != null) {
        note("Yardstick: " + y.notAccepted() + " answers other than 202, error " + y.error());
      }
    }
  }

  /** F: A and B per ordering mode and per max_in_flight (single runs). */
  private void variants() throws Exception {
    record Variant(String name, List<String> args, boolean slow) {}
    List<Variant> variants =
        List.of(
            new Variant("--ordering alert_key --max_in_flight 64 (default)", List.of(), false),
            new Variant("--ordering key", List.of("--ordering", "key"), false),
            new Variant("--ordering partition", List.of("--ordering", "partition"), true),
            new Variant("--max_in_flight 1", List.of("--max_in_flight", "1"), true),
            new Variant("--max_in_flight 16", List.of("--max_in_flight", "16"), false),
            new Variant("--max_in_flight 256", List.of("--max_in_flight", "256"), false));
    for (Variant v : variants) {
      if (v.args().isEmpty()) {
        fRows.add(
            new String[] {
              v.name(),
              fmtRate(main.get("A").median()) + " (median of " + reps + ")",
              fmtRate(main.get("B").median()) + " (median of " + reps + ")"
            });
        continue;
      }
      String topic = topic("variant");
      String group = "bench-variant-" + UUID.randomUUID().toString().substring(0, 8);
      try (BenchAgent agent =
          startAgent(
              "variant" + String.join("", v.args()).replace("-", "_"), topic, group, v.args())) {
        ilert.latency(0);
        for (int w = 0; w < (quick ? 1 : 3); w++) {
          burst(topic, group, quick ? 2000 : 20000, 1000, 120); // JIT warm-up, as for row B
        }
        ilert.latency(20);
        int aEvents = v.slow() ? 600 : 3000;
        Result a = burst(topic, group, aEvents, 300, 300);
        ilert.latency(0);
        int bEvents = v.slow() ? 5000 : 20000;
        Result b = burst(topic, group, bEvents, 1000, 300);
        fRows.add(
            new String[] {
              v.name(),
              fmtRate(a.rate()) + (v.slow() ? " (600 events)" : ""),
              fmtRate(b.rate()) + (v.slow() ? " (5,000 events)" : "")
            });
        say("F " + v.name() + ": A " + a + " / B " + b);
        agent.stop();
      }
    }
  }

  /**
   * H: what a fresh agent costs. Each repetition starts an agent with default settings against the
   * running broker (start to /ready), lets it idle 5 s (resident memory), then sends it 20,000
   * events at 0 ms latency, its first backlog (highest resident memory, sampled every 50 ms).
   */
  private void footprint() throws Exception {
    ilert.latency(0);
    for (int r = 0; r < reps; r++) {
      String topic = topic("footprint");
      String group = "bench-footprint-" + UUID.randomUUID().toString().substring(0, 8);
      try (BenchAgent agent = startAgent("footprint" + r, topic, group, List.of())) {
        footprintReady.add(agent.readyMs());
        BenchAgent.sleep(5000);
        long idle = agent.rssKb();
        footprintIdle.add(idle);
        RssSampler sampler = new RssSampler(agent, 50);
        Result res = burst(topic, group, 20000, 1000, 120);
        long peak = sampler.stop();
        footprintPeak.add(peak);
        footprintRate.add(res.rate());
        BenchAgent.sleep(3000);
        long after = agent.rssKb();
        footprintAfter.add(after);
        say(
            String.format(
                Locale.ROOT,
                "H: ready %d ms, idle %d MB, peak %d MB during %s, idle again %d MB (load %s)",
                agent.readyMs(),
                idle / 1024,
                peak / 1024,
                res,
                after / 1024,
                load()));
        agent.stop();
      }
    }
  }

  /** G: ilert's per-key rate limit, several keys; the limited keys back off, the others flow. */
  private void rateLimit() throws Exception {
    int limit = 20;
    Duration window = Duration.ofSeconds(2);
    int hotKeys = 3;
    int hotEvents = 60;
    int coolKeys = 5;
    int coolEvents = 10;
    try (IlertStandIn standIn = new IlertStandIn().start()) {
      standIn.fault(Fault.rateLimit(limit, window).header("Retry-After", "2"));
      String topic = topic("ratelimit");
      String group = "bench-ratelimit";
      try (BenchAgent agent =
          BenchAgent.start(
              root, "ratelimit", agentArgs(topic, group, standIn.apiUrl(), List.of()))) {
        readyTimes.add(agent.awaitReady(Duration.ofSeconds(60)));
        Map<Long, String> keyOf = new HashMap<>();
        Map<TopicPartition, Long> expected = new ConcurrentHashMap<>();
        tx.beginTransaction();
        long first = seq.get();
        for (int k = 0; k < hotKeys + coolKeys; k++) {
          int n = k < hotKeys ? hotEvents : coolEvents;
          String key = (k < hotKeys ? "il1apihot" : "il1apicool") + k;
          for (int i = 0; i < n; i++) {
            long s = seq.getAndIncrement();
            keyOf.put(s, key);
            String json =
                "{\"integrationKey\":\""
                    + key
                    + "\",\"eventType\":\"ALERT\",\"alertKey\":\"rl-"
                    + s
                    + "\",\"summary\":\"rate limit "
                    + s
                    + "\",\"details\":\""
                    + s
                    + "\"}";
            send(tx, topic, "rl-" + s, json, expected);
          }
        }
        tx.flush();
        long t0 = System.nanoTime();
        tx.commitTransaction();
        int total = hotKeys * hotEvents + coolKeys * coolEvents;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        Map<Long, Long> firstAccepted = new HashMap<>();
        while (System.nanoTime() < deadline) {
          firstAccepted.clear();
          for (Received r : standIn.attempts()) {
            if (r.status() == 202 && r.field("details") != null) {
              firstAccepted.putIfAbsent(Long.parseLong(r.field("details")), r.receivedAtNanos());
            }
          }
          if (firstAccepted.size() >= total) {
            break;
          }
          BenchAgent.sleep(50);
        }
        awaitCommitted(group, expected, Duration.ofSeconds(30));
        long tEnd = System.nanoTime();
        long accepted = 0;
        long rejected429 = 0;
        long other = 0;
        for (Received r : standIn.attempts()) {
          if (r.status() == 202) {
            accepted++;
          } else if (r.status() == 429) {
            rejected429++;
          } else {
            other++;
          }
        }
        long lost = 0;
        double coolDone = 0;
        double hotDone = 0;
        for (long s = first; s < first + total; s++) {
          Long at = firstAccepted.get(s);
          if (at == null) {
            lost++;
            continue;
          }
          double secs = (at - t0) / 1e9;
          if (keyOf.get(s).startsWith("il1apicool")) {
            coolDone = Math.max(coolDone, secs);
          } else {
            hotDone = Math.max(hotDone, secs);
          }
        }
        long dup = accepted - firstAccepted.size();
        gRows.add(
            new String[] {
              "events (hot keys x events + other keys x events)",
              hotKeys + " x " + hotEvents + " + " + coolKeys + " x " + coolEvents + " = " + total
            });
        gRows.add(
            new String[] {
              "stand-in limit",
              limit
                  + " requests per "
                  + window.toSeconds()
                  + " s per key, then 429 with Retry-After: 2"
            });
        gRows.add(
            new String[] {
              "delivered (202), lost, duplicates", firstAccepted.size() + ", " + lost + ", " + dup
            });
        gRows.add(
            new String[] {
              "429 answers (wasted requests)",
              rejected429
                  + " = "
                  + String.format(
                      Locale.ROOT, "%.2f", rejected429 / (double) Math.max(1, firstAccepted.size()))
                  + " per delivered event"
            });
        gRows.add(new String[] {"other answers", Long.toString(other)});
        gRows.add(
            new String[] {
              "last event of the unlimited keys accepted after",
              String.format(Locale.ROOT, "%.2f s", coolDone)
            });
        gRows.add(
            new String[] {
              "last event of the limited keys accepted after",
              String.format(
                  Locale.ROOT,
                  "%.2f s (ideal: %d windows of %d s)",
                  hotDone,
                  (hotEvents + limit - 1) / limit,
                  window.toSeconds())
            });
        gRows.add(
            new String[] {
              "lag 0 (everything committed) after",
              String.format(Locale.ROOT, "%.2f s", (tEnd - t0) / 1e9)
            });
        say(
            "G: "
                + gRows.stream()
                    .map(r -> r[0] + ": " + r[1])
                    .reduce((x, y) -> x + "; " + y)
                    .orElse(""));
        agent.stop();
      }
    }
  }

  // ------------------------------------------------------------------------------ runs

  record Result(int events, double seconds, double lastAcceptedSeconds) {
    double rate() {
      return events / seconds;
    }

    @Override
    public String toString() {
      return String.format(
          Locale.ROOT,
          "%d events in %.3f s = %s/s (last 202 after %.3f s)",
          events,
          seconds,
          fmtRate(rate()),
          lastAcceptedSeconds);
    }
  }

  /**
   * Produces {@code n} events over {@code keys} alert keys in one transaction and waits until all
   * are accepted and committed.
   */
  private Result burst(String topic, String group, int n, int keys, int timeoutS) throws Exception {
    long first = seq.getAndAdd(n);
    BenchIlert.Run run = ilert.newRun(first, n);
    Map<TopicPartition, Long> expected = new ConcurrentHashMap<>();
    tx.beginTransaction();
    for (int i = 0; i < n; i++) {
      long s = first + i;
      int k = i % keys;
      String json =
          "{\"integrationKey\":\"il1apibench"
              + (k % INTEGRATION_KEYS)
              + "\",\"eventType\":\"ALERT\","
              + "\"alertKey\":\"alert-"
              + k
              + "\",\"summary\":\"bench event "
              + s
              + "\",\"details\":\""
              + s
              + "\"}";
      send(tx, topic, "alert-" + k, json, expected);
    }
    tx.flush();
    long t0 = System.nanoTime();
    tx.commitTransaction();
    if (!run.await(TimeUnit.SECONDS.toMillis(timeoutS))) {
      throw new IllegalStateException(
          "only "
              + run.distinct()
              + " of "
              + n
              + " events reached the stand-in within "
              + timeoutS
              + " s (topic "
              + topic
              + ")");
    }
    long last = run.lastNanos();
    awaitCommitted(group, expected, Duration.ofSeconds(timeoutS));
    long end = System.nanoTime();
    if (run.requests() != n) {
      note(
          "A run of "
              + n
              + " events on "
              + topic
              + " saw "
              + run.requests()
              + " requests (duplicates or retries).");
    }
    return new Result(n, (end - t0) / 1e9, (last - t0) / 1e9);
  }

  /** {@code n} small records that the filter drops, in one transaction; waits for lag 0. */
  private Result filteredBurst(String topic, String group, int n) throws Exception {
    Map<TopicPartition, Long> expected = new ConcurrentHashMap<>();
    tx.beginTransaction();
    for (int i = 0; i < n; i++) {
      long s = seq.getAndIncrement();
      String json =
          "{\"integrationKey\":\"il1apibench"
              + (i % INTEGRATION_KEYS)
              + "\",\"summary\":\"dropped\",\"details\":\""
              + s
              + "\"}";
      send(tx, topic, null, json, expected);
    }
    tx.flush();
    long t0 = System.nanoTime();
    tx.commitTransaction();
    awaitCommitted(group, expected, Duration.ofSeconds(120));
    double secs = (System.nanoTime() - t0) / 1e9;
    return new Result(n, secs, secs);
  }

  /**
   * D: {@code n} events at a steady {@code perSecond}; returns p50 and p99 produce-to-ilert in ms.
   */
  private double[] steady(String topic, String group, int perSecond, int n) throws Exception {
    long first = seq.getAndAdd(n);
    BenchIlert.Run run = ilert.newRun(first, n);
    long[] sent = new long[n];
    long interval = 1_000_000_000L / perSecond;
    long start = System.nanoTime() + 50_000_000L;
    for (int i = 0; i < n; i++) {
      long s = first + i;
      int k = i % 300;
      long due = start + i * interval;
      long now;
      while ((now = System.nanoTime()) < due) {
        LockSupport.parkNanos(due - now);
      }
      String json =
          "{\"integrationKey\":\"il1apibench"
              + (k % INTEGRATION_KEYS)
              + "\",\"eventType\":\"ALERT\","
              + "\"alertKey\":\"alert-"
              + k
              + "\",\"summary\":\"bench event "
              + s
              + "\",\"details\":\""
              + s
              + "\"}";
      sent[i] = System.nanoTime();
      plain.send(new ProducerRecord<>(topic, "alert-" + k, json.getBytes(StandardCharsets.UTF_8)));
    }
    if (!run.await(60_000)) {
      throw new IllegalStateException(
          "steady run: only " + run.distinct() + " of " + n + " events arrived");
    }
    double[] lat = new double[n];
    for (int i = 0; i < n; i++) {
      lat[i] = (run.arrivedNanos[i] - sent[i]) / 1e6;
    }
    Arrays.sort(lat);
    return new double[] {percentile(lat, 50), percentile(lat, 99)};
  }

  private static double percentile(double[] sorted, double p) {
    int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  private void send(
      KafkaProducer<String, byte[]> p,
      String topic,
      String key,
      String json,
      Map<TopicPartition, Long> expected) {
    p.send(
        new ProducerRecord<>(topic, key, json.getBytes(StandardCharsets.UTF_8)),
        (md, err) -> {
          if (err == null) {
            expected.merge(
                new TopicPartition(md.topic(), md.partition()), md.offset() + 1, Math::max);
          }
        });
  }

  private void awaitCommitted(String group, Map<TopicPartition, Long> expected, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Map<TopicPartition, Long> committed = kafka.committedOffsets(group);
      boolean done =
          expected.entrySet().stream()
              .allMatch(e -> committed.getOrDefault(e.getKey(), -1L) >= e.getValue());
      if (done) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "group "
                + group
                + " did not commit "
                + expected
                + " within "
                + timeout
                + "; committed "
                + committed);
      }
      BenchAgent.sleep(5);
    }
  }

  // ------------------------------------------------------------------------------ set-up

  private BenchAgent startAgent(String name, String topic, String group, List<String> extra) {
    BenchAgent agent = BenchAgent.start(root, name, agentArgs(topic, group, ilert.apiUrl(), extra));
    long ready = agent.awaitReady(Duration.ofSeconds(60));
    readyTimes.add(ready);
    say("agent '" + name + "' ready after " + ready + " ms (pid " + agent.pid() + ")");
    return agent;
  }

  private List<String> agentArgs(String topic, String group, String apiUrl, List<String> extra) {
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
                apiUrl,
                "--heartbeat_url",
                apiUrl,
                // The bench starts every group at the beginning of its fresh topic, and makes each
                // backlog
                // visible at one instant through a transaction (see the class comment).
                "--kafka_offset_reset",
                "earliest",
                "--kafka_property",
                "isolation.level=read_committed"));
    args.addAll(extra);
    return args;
  }

  private String topic(String name) {
    String t = "bench-" + name + "-" + UUID.randomUUID().toString().substring(0, 8);
    kafka.createTopic(t, 3);
    return t;
  }

  private KafkaProducer<String, byte[]> producer(boolean transactional) {
    Properties p = kafka.clientProperties();
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    if (transactional) {
      p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "bench-" + UUID.randomUUID());
      p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
      p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024));
      p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(128L * 1024 * 1024));
    } else {
      p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
    }
    KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    if (transactional) {
      producer.initTransactions();
    }
    return producer;
  }

  private void closeAll() {
    for (AutoCloseable c : new AutoCloseable[] {tx, plain, ilert, kafka}) {
      if (c != null) {
        try {
          c.close();
        } catch (Exception e) {
          // best effort
        }
      }
    }
  }

  // ------------------------------------------------------------------------------ report

  private String table() {
    Stats a = main.get("A");
    Stats ay = main.get("Ay");
    double ratio = a.median() / ay.median();
    Stats ready = new Stats();
    readyTimes.forEach(t -> ready.add(t));
    Stats rssIdle = Stats.ofLongs(idleRss, 1024.0);
    Stats rssLoad = Stats.ofLongs(loadRss, 1024.0);
    Stats rssAfter = Stats.ofLongs(idleAfterRss, 1024.0);
    StringBuilder t = new StringBuilder();
    t.append("| Row | What | Agent: median (min–max) | Yardstick | Target | Met |\n");
    t.append("|---|---|---|---|---|---|\n");
    t.append(
        row(
            "A",
            "events/s at 20 ms ilert latency, 3 partitions, 300 alert keys, 3,000 events",
            a.fmt(Bench::fmtRate),
            ay.fmt(Bench::fmtRate) + String.format(Locale.ROOT, " → agent **%.0f×**", ratio),
            "≥ 50× yardstick",
            ratio >= 50));
    Stats b = main.get("B");
    t.append(
        row(
            "B",
            "events/s at 0 ms, 20,000 events over 1,000 alert keys",
            b.fmt(Bench::fmtRate),
            "",
            "≥ 15,000/s",
            b.median() >= 15000));
    t.append(
        row(
                "B",
                "the same, first run after the agent started (JIT still compiling; single run)",
                main.get("Bcold").fmt(Bench::fmtRate),
                "",
                "",
                true)
            .replace("| yes |", "| – |"));
    Stats c = main.get("C");
    t.append(
        row(
            "C",
            "records/s consumed and committed, --filter_key drops all of 200,000",
            c.fmt(Bench::fmtRate),
            "",
            "≥ 150,000/s",
            c.median() >= 150000));
    t.append(
        row(
                "B/C",
                "agent CPU time (user + system) per event in B / per record in C: less load-sensitive than rates",
                main.get("Bcpu").fmt(v -> String.format(Locale.ROOT, "%.0f µs", v))
                    + " / "
                    + main.get("Ccpu").fmt(v -> String.format(Locale.ROOT, "%.1f µs", v)),
                "",
                "",
                true)
            .replace("| yes |", "| – |"));
    Stats d50 = main.get("D50");
    Stats d99 = main.get("D99");
    t.append(
        row(
            "D",
            "produce-to-ilert latency at a steady 100 events/s, 0 ms: p50 / p99",
            d50.fmt(v -> String.format(Locale.ROOT, "%.1f ms", v))
                + " / "
                + d99.fmt(v -> String.format(Locale.ROOT, "%.1f ms", v)),
            "",
            "p99 ≤ 20 ms",
            d99.median() <= 20));
    t.append(
        row(
            "E",
            "resident memory (VmRSS), idle after start",
            rssIdle.fmt(v -> String.format(Locale.ROOT, "%.0f MB", v)),
            "",
            "≤ 150 MB",
            rssIdle.max() <= 150));
    t.append(
        row(
            "E",
            "resident memory, highest under load B",
            rssLoad.fmt(v -> String.format(Locale.ROOT, "%.0f MB", v)),
            "",
            "≤ 250 MB",
            rssLoad.max() <= 250));
    t.append(
        row(
                "E",
                "resident memory, idle again after load B",
                rssAfter.fmt(v -> String.format(Locale.ROOT, "%.0f MB", v)),
                "",
                "",
                true)
            .replace("| yes |", "| – |"));
    t.append(
        row(
            "E",
            "process start to /ready 204 (every agent start of this run, n=" + ready.size() + ")",
            ready.fmt(v -> String.format(Locale.ROOT, "%.0f ms", v)),
            "",
            "≤ 3 s",
            ready.median() <= 3000));
    return t.toString();
  }

  private static String row(
      String id, String what, String agent, String yard, String target, boolean met) {
    return "| "
        + id
        + " | "
        + what
        + " | "
        + agent
        + " | "
        + yard
        + " | "
        + target
        + " | "
        + (met ? "yes" : "**no**")
        + " |\n";
  }

  private String markdown(String loadBefore, String loadAfter, long seconds) throws IOException {
    StringBuilder md = new StringBuilder();
    md.append("# Benchmarks\n\n");
    md.append(
        "Generated by `scripts/bench` (do not edit by hand: the next run rewrites this file and\n");
    md.append("`benchmark-latency.png`). ")
        .append(quick ? "**Quick run (`--quick`): one repetition, smaller runs.** " : "");
    md.append("Main rows A–E ran ").append(reps).append(" times each: median (min–max).\n\n");
    md.append("## Machine\n\n");
    md.append("| | |\n|---|---|\n");
    md.append("| date | ").append(ZonedDateTime.now().format(STAMP)).append(" |\n");
    md.append("| cores (`nproc`) | ")
        .append(Runtime.getRuntime().availableProcessors())
        .append(" |\n");
    md.append("| CPU | ").append(cpuModel()).append(" |\n");
    md.append("| memory | ").append(memTotal()).append(" |\n");
    md.append("| java | ").append(javaVersion()).append(" |\n");
    md.append("| load average (1, 5, 15 min) before / after | ")
        .append(loadBefore)
        .append(" / ")
        .append(loadAfter)
        .append(" |\n");
    md.append("| bench duration | ")
        .append(seconds / 60)
        .append(" min ")
        .append(seconds % 60)
        .append(" s |\n\n");
    md.append(
        "Everything shares these cores: the Kafka broker (its own JVM), the stand-in, the producer\n");
    md.append(
        "and the yardstick (the bench JVM) and the agent. A load average above the core count means\n");
    md.append("other work competed for the CPU and the numbers are low and noisy.\n\n");
    md.append("## Results\n\n");
    md.append(table()).append('\n');
    md.append("![throughput vs ilert latency](benchmark-latency.png)\n\n");
    md.append(
        "Chart: events/s against the stand-in's answer latency, 3,000 events over 300 alert keys per\n");
    md.append("agent run (median of ")
        .append(reps)
        .append("), single yardstick runs of 1,000 / 500 / 200 events at 0 / 5 / 50 ms,\n");
    md.append("row A's yardstick runs at 20 ms.\n\n");
    md.append("| latency | agent events/s | yardstick events/s | ratio |\n|---|---|---|---|\n");
    for (int i = 0; i < chartLatencies.length; i++) {
      md.append("| ")
          .append(chartLatencies[i])
          .append(" ms | ")
          .append(fmtRate(chartAgent[i]))
          .append(" | ")
          .append(fmtRate(chartYard[i]))
          .append(" | ")
          .append(String.format(Locale.ROOT, "%.0f×", chartAgent[i] / chartYard[i]))
          .append(" |\n");
    }
    md.append("\n### F: settings (single runs after a warm-up of ")
        .append(quick ? "2,000" : "60,000")
        .append(" events; A = 20 ms latency, 3,000 events; B = 0 ms, 20,000 events)\n\n");
    md.append("| agent settings | A events/s | B events/s |\n|---|---|---|\n");
    for (String[] r : fRows) {
      md.append("| ")
          .append(r[0])
          .append(" | ")
          .append(r[1])
          .append(" | ")
          .append(r[2])
          .append(" |\n");
    }
    md.append("\n### G: rate limits (test kit `IlertStandIn` with `Fault.rateLimit`)\n\n");
    md.append("| | |\n|---|---|\n");
    for (String[] r : gRows) {
      md.append("| ").append(r[0]).append(" | ").append(r[1]).append(" |\n");
    }
    md.append(limitSections());
    if (notes.length() > 0) {
      md.append("\n### Notes from this run\n\n").append(notes);
    }
    md.append("\n## Footprint\n\n");
    md.append(resource("footprint.md"));
    md.append("\n## Method\n\n");
    md.append(resource("method.md"));
    md.append("\n## Tuning guide\n\n");
    md.append(resource("tuning-guide.md"));
    return md.toString();
  }

  /**
   * Sections H, I and J (footprint, rate-limited drain, heartbeat flood), and what they were
   * before.
   */
  private String limitSections() throws IOException {
    StringBuilder md = new StringBuilder();
    if (!footprintReady.isEmpty()) {
      Stats ready = Stats.ofLongs(footprintReady, 1.0);
      Stats idle = Stats.ofLongs(footprintIdle, 1024.0);
      Stats peak = Stats.ofLongs(footprintPeak, 1024.0);
      Stats after = Stats.ofLongs(footprintAfter, 1024.0);
      md.append("\n### H: footprint (a fresh agent per run, ")
          .append(footprintReady.size())
          .append(footprintReady.size() == 1 ? " run" : " runs")
          .append("; flags of `scripts/ilagent`)\n\n");
      md.append("| | median (min–max) | target | met |\n|---|---|---|---|\n");
      md.append(
          hRow(
              "process start to /ready 204, broker running",
              ready.fmt(v -> String.format(Locale.ROOT, "%.0f ms", v)),
              "≤ 1 s",
              ready.median() <= 1000));
      md.append(
          hRow(
              "resident memory (VmRSS), idle 5 s after /ready",
              idle.fmt(v -> String.format(Locale.ROOT, "%.0f MB", v)),
              "≤ 100 MB",
              idle.median() <= 100));
      md.append(
          hRow(
              "resident memory, highest while its first 20,000 events go through at 0 ms",
              peak.fmt(v -> String.format(Locale.ROOT, "%.0f MB", v)),
              "≤ 160 MB",
              peak.median() <= 160));
      md.append(
          hRow(
                  "resident memory, idle 3 s after those events",
                  after.fmt(v -> String.format(Locale.ROOT, "%.0f MB", v)),
                  "",
                  true)
              .replace("| yes |", "| – |"));
      md.append(
          hRow(
                  "events/s of that first backlog (JIT still compiling)",
                  footprintRate.fmt(Bench::fmtRate),
                  "",
                  true)
              .replace("| yes |", "| – |"));
    }
    if (!drains.isEmpty()) {
      md.append(
          "\n### I: rate-limited drain (test kit `IlertStandIn`, ilert's limits 10x faster: windows of 6 s)\n\n");
      md.append(
          "2,000 events over 10 integration keys, 50 events per key and 700 requests in all per window,\n"
              + "counted by the limiter named (token bucket: a burst of 20 per key and 280 in all, refilled at\n"
              + "50 and 700 per window); Retry-After in whole seconds unless said otherwise. Ideal: 18 s under\n"
              + "windows (the fourth 50 of a key cannot start before three windows have passed), 21.6 s under\n"
              + "the token bucket ((200 - 20) x 6 s / 50). Each cell: drain time as a multiple of the ideal,\n"
              + "and 429 answers as a share of the events. Told = `--rate_limit_key 50 --rate_limit_total 700`\n"
              + "on every agent (with the window shortened to 6 s).\n\n");
      md.append("| scenario | learned | told | target learned | target told | met |\n");
      md.append("|---|---|---|---|---|---|\n");
      List<String> seen = new ArrayList<>();
      for (LimitScenarios.Drain d : drains) {
        String label = d.setup().label();
        if (seen.contains(label)) {
          continue;
        }
        seen.add(label);
        LimitScenarios.Drain learned = null;
        LimitScenarios.Drain told = null;
        for (LimitScenarios.Drain e : drains) {
          if (e.setup().equals(d.setup())) {
            if (e.told()) {
              told = e;
            } else {
              learned = e;
            }
          }
        }
        double[] target = LimitScenarios.target(d.setup());
        boolean met =
            (learned == null || learned.ratio() <= target[0] && learned.share429() <= target[1])
                && (told == null || told.ratio() <= target[2] && told.share429() <= target[3]);
        boolean hasTarget = target[0] > 0;
        md.append(
            String.format(
                Locale.ROOT,
                "| %s | %s | %s | %s | %s | %s |%n",
                label,
                drainCell(learned),
                drainCell(told),
                hasTarget ? targetCell(target[0], target[1]) : "",
                hasTarget && target[2] > 0 ? targetCell(target[2], target[3]) : "",
                hasTarget ? (met ? "yes" : "**no**") : "–"));
      }
      md.append(
          "\nLost and duplicated events, and the 429s in detail (events first answered 429, all 429\n"
              + "answers):\n\n| run | drain | 429 answers | events first answered 429 | lost | duplicates |\n"
              + "|---|---|---|---|---|---|\n");
      for (LimitScenarios.Drain d : drains) {
        md.append(
            String.format(
                Locale.ROOT,
                "| %s | %.1f s | %d | %d | %d | %d |%n",
                d.name(),
                d.seconds(),
                d.answered429(),
                d.firstAnswered429(),
                d.lost(),
                d.duplicates()));
      }
    }
    if (flood != null) {
      md.append(
          "\n### J: heartbeat flood (100 records of one heartbeat key within 5 s; stand-in: 5 pings per key per 6 s)\n\n");
      md.append(
          "| pings sent | accepted (202) | answered 429 | everything committed after the last record | target | met |\n");
      md.append("|---|---|---|---|---|---|\n");
      // One interval of the coalescing (1.224 s at these limits) plus the ping's round trip and
      // commit.
      boolean met = flood.answered429() == 0 && flood.committedAfterLastSeconds() <= 1.224 + 0.5;
      md.append(
          String.format(
              Locale.ROOT,
              "| %d | %d | %d | %.1f s | no 429, ≤ one interval (1.22 s) | %s |%n",
              flood.pings(),
              flood.accepted(),
              flood.answered429(),
              flood.committedAfterLastSeconds(),
              met ? "yes" : "**no**"));
    }
    if (md.length() > 0) {
      md.append('\n').append(resource("limits-before.md"));
    }
    return md.toString();
  }

  private static String drainCell(LimitScenarios.Drain d) {
    return d == null
        ? "–"
        : String.format(
            Locale.ROOT, "%.2f× (%.1f s), %.1f%% 429", d.ratio(), d.seconds(), 100 * d.share429());
  }

  private static String targetCell(double ratio, double share) {
    return share == 0
        ? String.format(Locale.ROOT, "≤ %.1f×, no 429", ratio)
        : String.format(Locale.ROOT, "≤ %.1f×, ≤ %.0f%%", ratio, 100 * share);
  }

  private static String hRow(String what, String value, String target, boolean met) {
    return "| " + what + " | " + value + " | " + target + " | " + (met ? "yes" : "**no**") + " |\n";
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = Bench.class.getResourceAsStream(name)) {
      return in == null
          ? "(missing " + name + ")\n"
          : new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  static String fmtRate(double v) {
    return String.format(Locale.ROOT, "%,.0f", v);
  }

  private void say(String line) {
    System.out.println("[bench] " + line);
  }

  private void note(String line) {
    notes.append("- ").append(line).append('\n');
    say("NOTE " + line);
  }

  private static String load() {
    try {
      String[] p = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return p[0] + ", " + p[1] + ", " + p[2];
    } catch (IOException e) {
      return "?";
    }
  }

  private static String cpuModel() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (IOException e) {
      // below
    }
    return System.getProperty("os.arch");
  }

  private static String memTotal() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
          return String.format(Locale.ROOT, "%.1f GiB", kb / 1024.0 / 1024.0);
        }
      }
    } catch (IOException | NumberFormatException e) {
      // below
    }
    return "?";
  }

  private static String javaVersion() {
    try {
      Process p =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-version")
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      p.waitFor();
      return String.join("; ", out.lines().toList());
    } catch (Exception e) {
      return System.getProperty("java.version");
    }
  }

  /** Samples the agent's RSS every 100 ms until stopped; returns the highest value in KiB. */
  private static final class RssSampler {
    private final ScheduledExecutorService timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "rss-sampler");
              t.setDaemon(true);
              return t;
            });
    private final AtomicLong max = new AtomicLong();

    RssSampler(BenchAgent agent) {
      this(agent, 100);
    }

    RssSampler(BenchAgent agent, long everyMs) {
      timer.scheduleAtFixedRate(
          () -> max.accumulateAndGet(agent.rssKb(), Math::max), 0, everyMs, TimeUnit.MILLISECONDS);
    }

    long stop() {
      timer.shutdownNow();
      return max.get();
    }
  }

  /** Repeated measurements: median and range. */
  static final class Stats {
    private final List<Double> values = new ArrayList<>();

    void add(double v) {
      values.add(v);
    }

    static Stats ofLongs(List<Long> longs, double divisor) {
      Stats s = new Stats();
      longs.forEach(l -> s.add(l / divisor));
      return s;
    }

    int size() {
      return values.size();
    }

    double median() {
      if (values.isEmpty()) {
        return Double.NaN;
      }
      double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
      int n = v.length;
      return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    double min() {
      return values.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    double max() {
      return values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }

    String fmt(java.util.function.DoubleFunction<String> f) {
      if (values.size() <= 1) {
        return f.apply(median());
      }
      return f.apply(median()) + " (" + f.apply(min()) + "–" + f.apply(max()) + ")";
    }

    @Override
    public String toString() {
      return fmt(Bench::fmtRate);
    }
  }
}
