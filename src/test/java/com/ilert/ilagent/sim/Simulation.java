package com.ilert.ilagent.sim;

import com.ilert.ilagent.config.AgentConfig;
import com.ilert.ilagent.config.ConfigLoader;
import com.ilert.ilagent.config.FlagValues;
import com.ilert.ilagent.config.Setting;
import com.ilert.ilagent.consumer.ConsumerCore;
import com.ilert.ilagent.consumer.Outside;
import com.ilert.ilagent.kafka.ConsumerThread;
import com.ilert.ilagent.kafka.DeadLetterSink;
import com.ilert.ilagent.metrics.AgentMetrics;
import com.ilert.ilagent.offsets.Backpressure;
import com.ilert.ilagent.sim.Ledger.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.TopicPartition;

/**
 * One seeded run: the agent's real consumer core ({@link ConsumerCore#create}) against the model
 * cluster, the model ilert and the virtual clock, under a world that produces records, rebalances
 * the group, truncates logs, switches faults on and off, kills and stops the agent; then the faults
 * stop and everything must be delivered and committed. The seed decides everything: the set-up, the
 * world's plan and every choice of the scheduler.
 */
final class Simulation {
  /** Bounds small enough to be reached often: per partition, then for the whole process. */
  static final Backpressure BOUNDS = new Backpressure(12, 1L << 20, 60, 30, 4L << 20);

  /**
   * Once the faults stopped, a run that finishes no record and commits nothing for this long while
   * records are unfinished has stalled. The pacer may have learned a low limit from a 429 (a few a
   * minute) and drains slowly: that is progress, not a stall.
   */
  static final long STALL_MS = 5 * 60_000;

  /** However slowly it progresses, a run ends after this long without faults. */
  static final long QUIET_MAX_MS = 90 * 60_000;

  /** The stop's worst case beyond its drain bound: the final commit's least and the close. */
  static final long STOP_SLACK_MS = ConsumerCore.STOP_BEYOND_DRAIN_MS + 100;

  /** One process of the agent. */
  static final class Agent {
    final int number;
    final SimLoop loop;
    final ModelConsumer member;
    final ConsumerCore core;
    boolean killed;
    boolean stopping;
    boolean exited;

    Agent(int number, SimLoop loop, ModelConsumer member, ConsumerCore core) {
      this.number = number;
      this.loop = loop;
      this.member = member;
      this.core = core;
    }
  }

  /** What one run found. */
  record Result(
      long seed,
      String setup,
      List<String> violations,
      Map<String, Long> hits,
      long steps,
      long virtualMs,
      List<String> trace) {
    boolean failed() {
      return !violations.isEmpty();
    }
  }

  /** The set-up a seed draws. */
  record Setup(
      int eventPartitions,
      boolean cooperative,
      String ordering,
      int maxInFlight,
      long retryMaxMs,
      long requestTimeoutMs,
      long shutdownTimeoutMs,
      long exitDelayMs,
      boolean deadLetters,
      boolean transactions,
      int maxBatch,
      long runMs) {

    static Setup draw(java.util.SplittableRandom r) {
      String[] orderings = {"alert_key", "alert_key", "key", "partition"};
      long[] budgets = {0, 2_000, 20_000, 60_000, 600_000};
      return new Setup(
          2 + r.nextInt(3),
          r.nextBoolean(),
          orderings[r.nextInt(orderings.length)],
          1 + r.nextInt(16),
          budgets[r.nextInt(budgets.length)],
          new long[] {2_000, 5_000, 10_000}[r.nextInt(3)],
          new long[] {1_000, 5_000, 20_000}[r.nextInt(3)],
          new long[] {500, 5_000}[r.nextInt(2)],
          r.nextInt(3) == 0,
          r.nextBoolean(),
          1 + r.nextInt(20),
          3_000 + r.nextInt(25_000));
    }

    String flags() {
      return String.join(
          " ",
          "--ordering " + ordering,
          "--max_in_flight " + maxInFlight,
          "--retry_max_ms " + retryMaxMs,
          "--request_timeout_ms " + requestTimeoutMs,
          "--shutdown_timeout_ms " + shutdownTimeoutMs,
          "--exit_delay_ms " + exitDelayMs,
          deadLetters ? "--dead_letter_topic dead-letters" : "");
    }
  }

  private static final Map<String, AgentConfig> CONFIGS = new ConcurrentHashMap<>();

  private final Setup setup;
  private final Scheduler s;
  private final Ledger ledger = new Ledger();
  private final Faults faults = new Faults();
  private final Cluster cluster;
  private final Invariants invariants;
  private final AgentConfig config;
  private final boolean strictEnd;
  private final ConsumerThread thread;
  private Agent agent;
  private int processes;
  private boolean calm;
  private final List<String> eventTypes = new ArrayList<>();
  private final boolean leaderElections;

  private Simulation(long seed, int traceLines, boolean strictEnd, boolean leaderElections) {
    this.leaderElections = leaderElections;
    this.s = new Scheduler(seed, new Trace(traceLines));
    this.setup = Setup.draw(s.random);
    this.strictEnd = strictEnd;
    this.cluster = new Cluster(s, ledger, faults, setup.eventPartitions(), setup.cooperative());
    this.invariants = new Invariants(s, cluster, ledger);
    cluster.invariants(invariants);
    ledger.deadLetterTopic(setup.deadLetters());
    this.config = CONFIGS.computeIfAbsent(setup.flags(), f -> config(setup));
    this.thread =
        new ConsumerThread() {
          @Override
          public <T> T await(CompletableFuture<T> future, long timeoutMs)
              throws ExecutionException, TimeoutException, InterruptedException {
            if (!s.runUntil(future::isDone, s.now() + timeoutMs)) {
              throw new TimeoutException("not within " + timeoutMs + " ms");
            }
            return future.get();
          }
        };
    s.afterStep(invariants::afterStep);
  }

  /** Runs seed {@code seed}; with {@code traceLines} > 0 its last steps come with the result. */
  static Result run(long seed, int traceLines, boolean strictEnd) {
    return run(seed, traceLines, strictEnd, true);
  }

  /**
   * Runs seed {@code seed}; with {@code leaderElections} false the world draws no clean leader
   * election, as it did before they were modelled, so a seed found then replays what it found.
   */
  static Result run(long seed, int traceLines, boolean strictEnd, boolean leaderElections) {
    Simulation sim = new Simulation(seed, traceLines, strictEnd, leaderElections);
    try {
      sim.run();
    } catch (RuntimeException | AssertionError e) {
      sim.invariants.violation("the run threw " + describe(e));
    }
    return new Result(
        seed,
        sim.setup.toString(),
        List.copyOf(sim.invariants.violations),
        Map.copyOf(sim.faults.hits),
        sim.s.steps(),
        sim.s.now(),
        sim.s.trace.lines());
  }

  private static String describe(Throwable e) {
    StringBuilder text = new StringBuilder(e.toString());
    for (StackTraceElement el : e.getStackTrace()) {
      if (el.getClassName().startsWith("com.ilert")) {
        text.append(" at ").append(el);
        break;
      }
    }
    return text.toString();
  }

  private static AgentConfig config(Setup setup) {
    FlagValues values =
        new FlagValues()
            .add(Setting.KAFKA_BROKERS, "kafka.invalid:9092")
            .add(Setting.EVENT_TOPIC, Cluster.EVENTS)
            .add(Setting.HEARTBEAT_TOPIC, Cluster.BEATS)
            .add(Setting.KAFKA_OFFSET_RESET, "earliest")
            .add(Setting.API_URL, "http://ilert.invalid/api")
            .add(Setting.HEARTBEAT_URL, "http://ilert.invalid/beat")
            .add(Setting.ORDERING, setup.ordering())
            .add(Setting.MAX_IN_FLIGHT, Integer.toString(setup.maxInFlight()))
            .add(Setting.RETRY_MAX_MS, Long.toString(setup.retryMaxMs()))
            .add(Setting.REQUEST_TIMEOUT_MS, Long.toString(setup.requestTimeoutMs()))
            .add(Setting.SHUTDOWN_TIMEOUT_MS, Long.toString(setup.shutdownTimeoutMs()))
            .add(Setting.EXIT_DELAY_MS, Long.toString(setup.exitDelayMs()));
    if (setup.deadLetters()) {
      values.add(Setting.DEAD_LETTER_TOPIC, "dead-letters");
    }
    try {
      return ConfigLoader.load(values, Map.of());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  // ---- the run ----

  private void run() {
    plan();
    startAgent();
    long quietAt = setup.runMs();
    long deadline = quietAt + QUIET_MAX_MS;
    s.at(quietAt, this::quiet);
    long settledAt = -1;
    long tail = config.delivery().rateLimits().pingIntervalMs() + 5_000;
    long progress = -1;
    long progressAt = 0;
    while (invariants.violations.isEmpty() && s.now() < deadline) {
      if (!s.step()) {
        s.after(1_000, () -> {}); // nothing due: let time pass
      }
      if (calm && s.steps() % 16 == 0) {
        if (settledAt < 0 && agentRunning() && invariants.settled(strictEnd)) {
          settledAt = s.now();
        }
        if (settledAt >= 0 && s.now() >= settledAt + tail) {
          break;
        }
        if (cluster.progress() != progress) {
          progress = cluster.progress();
          progressAt = s.now();
        } else if (settledAt < 0 && s.now() > Math.max(quietAt, progressAt) + STALL_MS) {
          break; // stalled: the checks below say what is missing
        }
      }
    }
    if (invariants.violations.isEmpty()
        && settledAt < 0
        && s.now() >= deadline
        && s.now() <= progressAt + STALL_MS) {
      // Still progressing at the cap: a learned rate limit draining slowly, not a stall.
      faults.hit("slow-drain-at-cap");
      return;
    }
    if (invariants.violations.isEmpty()) {
      invariants.atEnd(strictEnd);
      if (agent == null || agent.core.view().failed()) {
        invariants.violation("no agent running at the end, once the faults had stopped");
      }
    }
    if (!invariants.violations.isEmpty() && s.trace.on()) {
      s.trace.add(s.now(), "state", describe());
    }
  }

  private String describe() {
    StringBuilder text = new StringBuilder();
    if (agent != null) {
      text.append("agent ").append(agent.number).append(": ").append(agent.core.view());
      text.append(" ").append(agent.core.state().encode()).append("; ");
      text.append(agent.member.describe()).append("; ");
    }
    for (Cluster.Log log : cluster.logs.values()) {
      text.append(log.tp)
          .append(" end ")
          .append(log.end())
          .append(" stable ")
          .append(log.stable())
          .append(" committed ")
          .append(log.committed == null ? "none" : log.committed.offset())
          .append("; ");
    }
    return text.toString();
  }

  private boolean agentRunning() {
    return agent != null && !agent.stopping && !agent.killed;
  }

  /** The faults stop: ilert and the broker answer, and the live agent gets every partition. */
  private void quiet() {
    calm = true;
    faults.calm();
    s.trace.add(s.now(), "world", "faults stop");
    for (TopicPartition tp : cluster.partitions) {
      cluster.endTransaction(tp, true);
    }
    if (agentRunning()) {
      agent.member.rebalanceTo(allOf());
    }
  }

  // ---- the agent's processes ----

  private void startAgent() {
    int n = ++processes;
    SimLoop loop = new SimLoop(s, s.trace, "loop" + n);
    ModelConsumer member =
        new ModelConsumer("kafka" + n, s, cluster, faults, invariants, true, setup.maxBatch());
    cluster.join(member);
    DeadLetterSink deadLetters =
        setup.deadLetters() ? new ModelDeadLetters(s, cluster, ledger, faults, loop) : null;
    ConsumerCore core =
        ConsumerCore.create(
            config,
            new Outside(
                loop,
                new ModelIlert(s, cluster, ledger, faults, loop, setup.requestTimeoutMs()),
                null,
                deadLetters,
                AgentMetrics.noop(),
                s.random::nextDouble),
            thread,
            member,
            BOUNDS);
    Agent a = new Agent(n, loop, member, core);
    core.onFailure(why -> s.after(0, () -> stop(a, true)));
    agent = a;
    s.agent(loop, core.pollLoop());
    invariants.agent(a, BOUNDS.totalRecords() + setup.maxBatch());
    s.trace.add(s.now(), "world", "agent " + n + " starts");
    loop.execute(() -> core.start());
    s.after(
        1 + s.random.nextInt(500),
        () -> {
          if (agent == a && !a.killed && !member.closed()) {
            member.rebalanceTo(calm ? allOf() : someOf());
          }
        });
  }

  /** SIGTERM, or the stop after a delivery failure: the ordered stop, then the process exits. */
  private void stop(Agent a, boolean failure) {
    if (a.stopping || a.killed) {
      return;
    }
    a.stopping = true;
    long bound = (failure ? setup.exitDelayMs() : setup.shutdownTimeoutMs()) + STOP_SLACK_MS;
    invariants.stopping(s.now() + bound);
    s.trace.add(s.now(), "world", failure ? "agent fails, stops" : "SIGTERM");
    a.loop.execute(
        () ->
            a.core
                .stop()
                .onComplete(
                    ar -> {
                      s.trace.add(s.now(), "world", "agent " + a.number + " stopped");
                      invariants.stopped();
                      s.after(0, () -> exited(a));
                    }));
  }

  private void exited(Agent a) {
    if (a.exited) {
      return;
    }
    a.exited = true;
    a.loop.kill();
    if (agent == a) {
      agent = null;
      s.agent(null, null);
      invariants.agent(null, 0);
    }
    cluster.memberLeft(a.member);
    s.after(1_000 + s.random.nextInt(4_000), this::startAgent);
  }

  /** kill -9: nothing more of it runs; the group notices after a session timeout. */
  private void kill(Agent a) {
    if (a.killed || a.exited) {
      return;
    }
    a.killed = true;
    faults.hit("kill-9");
    s.trace.add(s.now(), "world", "kill -9 agent " + a.number);
    a.loop.kill();
    a.member.kill();
    invariants.stopped();
    exited(a);
  }

  // ---- the world's plan ----

  private void plan() {
    long end = setup.runMs();
    for (long t = 0; t < end; t += 20 + s.random.nextInt(300)) {
      s.at(t, this::produceBurst);
    }
    for (long t = 500 + s.random.nextInt(4_000); t < end; t += 500 + s.random.nextInt(6_000)) {
      s.at(t, this::rebalance);
    }
    for (long t = s.random.nextInt(3_000); t < end; t += 500 + s.random.nextInt(6_000)) {
      s.at(t, this::ilertFault);
    }
    for (long t = s.random.nextInt(3_000); t < end; t += 500 + s.random.nextInt(6_000)) {
      s.at(t, this::commitFault);
    }
    if (s.random.nextInt(3) == 0) {
      s.at(s.random.nextLong(end), this::truncation);
    }
    if (leaderElections && s.random.nextInt(3) == 0) {
      s.at(s.random.nextLong(end), this::leaderChange);
    }
    if (s.random.nextInt(4) == 0) {
      s.at(s.random.nextLong(end), () -> lifecycle(true));
    }
    if (s.random.nextInt(4) == 0) {
      s.at(s.random.nextLong(end), () -> lifecycle(false));
    }
  }

  private TreeSet<TopicPartition> allOf() {
    TreeSet<TopicPartition> all =
        new TreeSet<>(java.util.Comparator.comparing(TopicPartition::toString));
    all.addAll(cluster.partitions);
    return all;
  }

  private TreeSet<TopicPartition> someOf() {
    TreeSet<TopicPartition> some =
        new TreeSet<>(java.util.Comparator.comparing(TopicPartition::toString));
    for (TopicPartition tp : cluster.partitions) {
      if (s.random.nextInt(4) != 0) {
        some.add(tp);
      }
    }
    return some;
  }

  private void produceBurst() {
    if (calm) {
      return;
    }
    int n = 1 + s.random.nextInt(4);
    for (int i = 0; i < n; i++) {
      int roll = s.random.nextInt(100);
      if (roll < 10) {
        String key = "hb-" + s.random.nextInt(2);
        cluster.produce(
            new TopicPartition(Cluster.BEATS, 0), Kind.HEARTBEAT, null, null, key, false);
      } else if (roll < 13) {
        TopicPartition tp = eventPartition(s.random.nextInt(8));
        cluster.produce(tp, Kind.BAD, null, null, null, s.random.nextBoolean());
      } else if (roll < 16) {
        int alert = s.random.nextInt(3);
        TopicPartition tp = eventPartition(alert);
        cluster.produce(
            tp, Kind.REJECTED_EVENT, "rej" + alert, "ALERT", "il1apiunknown0001", false);
      } else {
        int alert = s.random.nextInt(8);
        TopicPartition tp = eventPartition(alert);
        String name = "a" + alert;
        while (eventTypes.size() <= alert) {
          eventTypes.add("RESOLVE");
        }
        String type = eventTypes.get(alert).equals("ALERT") ? "RESOLVE" : "ALERT";
        eventTypes.set(alert, type);
        String key = "il1apikey000" + (alert % 2);
        cluster.produce(tp, Kind.EVENT, name, type, key, true);
      }
    }
    if (setup.transactions() && s.random.nextInt(6) == 0) {
      TopicPartition tp = eventPartition(s.random.nextInt(8));
      if (cluster.log(tp).openTxn < 0) {
        cluster.beginTransaction(tp);
        boolean commit = s.random.nextInt(3) != 0;
        s.after(50 + s.random.nextInt(2_000), () -> cluster.endTransaction(tp, commit));
      }
    }
  }

  private TopicPartition eventPartition(int alert) {
    return new TopicPartition(Cluster.EVENTS, alert % setup.eventPartitions());
  }

  private void rebalance() {
    if (calm || !agentRunning() || agent.member.closed()) {
      return;
    }
    if (s.random.nextInt(8) == 0) {
      s.trace.add(s.now(), "world", "partitions lost");
      agent.member.lose();
      Agent a = agent;
      s.after(
          500 + s.random.nextInt(5_000),
          () -> {
            if (agent == a && !a.killed && !a.member.closed()) {
              a.member.rebalanceTo(calm ? allOf() : someOf());
            }
          });
      return;
    }
    TreeSet<TopicPartition> target = someOf();
    s.trace.add(s.now(), "world", "rebalance to " + target);
    agent.member.rebalanceTo(target);
  }

  private void ilertFault() {
    if (calm) {
      return;
    }
    Faults.Ilert[] modes = Faults.Ilert.values();
    faults.ilert = modes[s.random.nextInt(modes.length)];
    faults.allowance = 15 + s.random.nextInt(36);
    faults.windowMs = 2_000 + s.random.nextInt(8_000);
    s.trace.add(s.now(), "world", "ilert " + faults.ilert);
    if (setup.deadLetters()) {
      faults.deadLettersFailing = s.random.nextInt(8) == 0;
    }
  }

  private void commitFault() {
    if (calm) {
      return;
    }
    Faults.Commits[] modes = Faults.Commits.values();
    Faults.Commits mode = modes[s.random.nextInt(modes.length)];
    if (mode == Faults.Commits.FATAL && s.random.nextInt(4) != 0) {
      mode = Faults.Commits.FAILING;
    }
    faults.commits = mode;
    s.trace.add(s.now(), "world", "commits " + mode);
    Faults.Commits set = mode;
    s.after(
        200 + s.random.nextInt(5_000),
        () -> {
          if (faults.commits == set && !calm) {
            faults.commits = Faults.Commits.NORMAL;
          }
        });
  }

  private void truncation() {
    if (calm) {
      return;
    }
    TopicPartition tp = cluster.partitions.get(s.random.nextInt(cluster.partitions.size()));
    long end = cluster.log(tp).end();
    if (end == 0) {
      return;
    }
    long to = Math.max(0, end - 1 - s.random.nextInt(10));
    s.trace.add(s.now(), "world", "truncate " + tp + " at " + to);
    cluster.truncate(tp, to);
  }

  private void leaderChange() {
    if (calm) {
      return;
    }
    TopicPartition tp = cluster.partitions.get(s.random.nextInt(cluster.partitions.size()));
    s.trace.add(s.now(), "world", "new leader of " + tp);
    cluster.leaderChange(tp);
  }

  private void lifecycle(boolean crash) {
    if (calm || !agentRunning()) {
      return;
    }
    if (crash) {
      kill(agent);
    } else {
      faults.hit("sigterm");
      stop(agent, false);
    }
  }
}
