package com.ilert.ilagent.chaos;

import static com.ilert.ilagent.testkit.Ports.freePort;
import static org.assertj.core.api.Assertions.assertThat;

import com.ilert.ilagent.ExitCodes;
import com.ilert.ilagent.offsets.OffsetMetadata;
import com.ilert.ilagent.testkit.AgentProcess;
import com.ilert.ilagent.testkit.IlertStandIn;
import com.ilert.ilagent.testkit.KafkaBroker;
import com.ilert.ilagent.testkit.Received;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * One chaos scenario: a topic of records with unique ids 0..n-1, an ilert stand-in whose accepted
 * events go into a {@link Ledger}, the agents under test, and the verdict at the end (nothing lost,
 * per-alert order of first deliveries, duplicates counted) printed as one line and appended to
 * {@code target/chaos/results.txt}.
 *
 * <p>Record {@code id} is an ALERT of alert {@code "a" + id % alerts}, keyed by that alertKey (so
 * an alert lives in one partition, in id order), for one of four integration keys.
 */
final class Scenario implements AutoCloseable {
  static final String[] KEYS = {
    "il1apichaos000000000a",
    "il1apichaos000000001b",
    "il1apichaos000000002c",
    "il1apichaos000000003d"
  };

  final String name;
  final KafkaBroker kafka;
  final String topic;
  final String group;
  final int partitions;
  final int ids;
  final int alerts;
  final IlertStandIn ilert;
  final Ledger ledger;
  final int[] partitionOf;
  final long[] offsetOf;
  final List<AgentProcess> agents = new ArrayList<>();
  private final Map<AgentProcess, Integer> ports = new HashMap<>();
  private final long startedAt = System.nanoTime();
  private final String prefix;
  private final Map<Integer, LongAdder> answers = new ConcurrentSkipListMap<>();

  Scenario(String name, KafkaBroker kafka, int partitions, int ids, int alerts) {
    this.name = name;
    this.kafka = kafka;
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    this.topic = "chaos-" + name + "-" + suffix;
    this.group = "chaos-" + name + "-" + suffix;
    this.partitions = partitions;
    this.ids = ids;
    this.alerts = alerts;
    this.prefix = "c";
    this.partitionOf = new int[ids];
    this.offsetOf = new long[ids];
    Arrays.fill(offsetOf, -1);
    this.ledger = new Ledger(prefix, ids, alerts);
    kafka.createTopic(topic, partitions);
    this.ilert = new IlertStandIn().start();
    ilert.onOutcome(ledger);
    ilert.onOutcome(r -> answers.computeIfAbsent(r.status(), k -> new LongAdder()).increment());
  }

  static int keyOfAlert(int alert) {
    return alert % KEYS.length;
  }

  String integrationKey(int id) {
    return KEYS[keyOfAlert(id % alerts)];
  }

  String payload(int id) {
    int alert = id % alerts;
    return "{\"integrationKey\":\""
        + KEYS[keyOfAlert(alert)]
        + "\",\"eventType\":\"ALERT\",\"summary\":\""
        + prefix
        + " "
        + id
        + "\",\"alertKey\":\"a"
        + alert
        + "\"}";
  }

  /** Produces ids [from, to) in id order and waits until the broker has them all. */
  void produce(int from, int to) {
    Properties props = kafka.clientProperties();
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.LINGER_MS_CONFIG, "10");
    props.put(ProducerConfig.BATCH_SIZE_CONFIG, "262144");
    props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "60000");
    // On a loaded machine a request can take long: wait for it rather than retry into a sequence
    // gap.
    props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "120000");
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "300000");
    props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
    AtomicReference<Exception> failure = new AtomicReference<>();
    CountDownLatch done = new CountDownLatch(to - from);
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
      for (int id = from; id < to; id++) {
        int i = id;
        producer.send(
            new ProducerRecord<>(topic, "a" + (id % alerts), payload(id)),
            (md, err) -> {
              if (err != null) {
                failure.compareAndSet(null, err);
              } else {
                partitionOf[i] = md.partition();
                offsetOf[i] = md.offset();
              }
              done.countDown();
            });
      }
      producer.flush();
      if (!done.await(300, TimeUnit.SECONDS)) {
        throw new IllegalStateException(
            "producing " + (to - from) + " records did not finish in 300 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    if (failure.get() != null) {
      throw new IllegalStateException("producing to " + topic + " failed", failure.get());
    }
  }

  /** What the stand-in answered, e.g. {@code answers=202:5000,503:900,drop:150,none:80}. */
  String answers() {
    StringBuilder b = new StringBuilder("answers=");
    answers.forEach(
        (status, n) ->
            b.append(b.length() > 8 ? "," : "")
                .append(
                    status == Received.DROPPED
                        ? "drop"
                        : status == Received.NOT_ANSWERED ? "none" : status.toString())
                .append(':')
                .append(n.sum()));
    return b.toString();
  }

  /** The agent's command line for this scenario, on {@code port}, plus {@code extra} options. */
  List<String> daemon(int port, String verbosity, String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "daemon",
                verbosity,
                "--kafka_brokers",
                kafka.bootstrapServers(),
                "--kafka_group_id",
                group,
                "--kafka_offset_reset",
                "earliest",
                "--api_url",
                ilert.apiUrl(),
                "--heartbeat_url",
                ilert.heartbeatUrl(),
                "-e",
                topic,
                "-p",
                String.valueOf(port)));
    args.addAll(Arrays.asList(extra));
    return args;
  }

  /** Starts an agent (info log) and waits until /ready answers 204. */
  AgentProcess startAgent(String label, String... extra) {
    return startAgentV(label, "-vv", extra);
  }

  AgentProcess startAgentV(String label, String verbosity, String... extra) {
    int port = freePort();
    AgentProcess agent =
        AgentProcess.start("chaos-" + name + "-" + label, daemon(port, verbosity, extra), Map.of());
    agents.add(agent);
    ports.put(agent, port);
    awaitReady(agent, port);
    return agent;
  }

  /** Starts an agent without waiting for /ready (e.g. while the broker is away). */
  AgentProcess startAgentNoWait(String label, String... extra) {
    AgentProcess agent =
        AgentProcess.start(
            "chaos-" + name + "-" + label, daemon(freePort(), "-vv", extra), Map.of());
    agents.add(agent);
    return agent;
  }

  static void awaitReady(AgentProcess agent, int port) {
    try {
      Awaitility.await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(100))
          .ignoreExceptions()
          .until(() -> !agent.isAlive() || AgentProcess.httpGet(port, "/ready").status() == 204);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("agent not ready within 60 s; log " + agent.logFile());
    }
    if (!agent.isAlive()) {
      throw new AssertionError(
          "the agent exited before it was ready; log " + agent.logFile() + ":\n" + agent.tail(25));
    }
  }

  /** Waits for a condition with a deadline; the message names the scenario and what was awaited. */
  void await(String what, Duration timeout, BooleanSupplier condition) {
    try {
      Awaitility.await()
          .atMost(timeout)
          .pollDelay(Duration.ZERO)
          .pollInterval(Duration.ofMillis(50))
          .until(condition::getAsBoolean);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(
          name
              + ": expected "
              + what
              + " within "
              + timeout
              + "; accepted "
              + ledger.distinct()
              + " of "
              + ids
              + " ids"
              + agentLogs());
    }
  }

  /** Waits until at least {@code n} distinct ids were accepted. */
  void awaitDelivered(int n, Duration timeout) {
    await(n + " ids delivered", timeout, () -> ledger.distinct() >= n);
  }

  /** Waits until every id was accepted and the group committed the whole topic. */
  void awaitAll(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      Awaitility.await()
          .atMost(timeout)
          .pollDelay(Duration.ZERO)
          .pollInterval(Duration.ofMillis(100))
          .until(ledger::all);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(
          name
              + ": LOST records: "
              + ledger.missingCount()
              + " of "
              + ids
              + " ids never reached ilert within "
              + timeout
              + ", e.g. "
              + describe(ledger.missing(10))
              + "; committed "
              + kafka.committedOffsets(group)
              + agentLogs());
    }
    long left = Math.max(5_000, (deadline - System.nanoTime()) / 1_000_000);
    kafka.awaitNoLag(group, topic, Duration.ofMillis(left));
  }

  private String describe(List<Integer> missing) {
    StringBuilder s = new StringBuilder("[");
    for (int id : missing) {
      s.append(s.length() > 1 ? ", " : "")
          .append("id ")
          .append(id)
          .append(" (p")
          .append(partitionOf[id])
          .append(" offset ")
          .append(offsetOf[id])
          .append(')');
    }
    return s.append(']').toString();
  }

  /**
   * Delivered ids whose offset is at or above their partition's committed offset now and not listed
   * done in the commit's metadata: what a restart of the group will deliver again.
   */
  long deliveredButUncommitted() {
    Map<TopicPartition, OffsetAndMetadata> committed = kafka.committed(group);
    Map<TopicPartition, Set<Long>> knownDone = new HashMap<>();
    committed.forEach(
        (tp, om) -> {
          long[] done = OffsetMetadata.decode(om.offset(), om.metadata());
          Set<Long> set = new HashSet<>();
          if (done != null) {
            Arrays.stream(done).forEach(set::add);
          }
          knownDone.put(tp, set);
        });
    long n = 0;
    for (int id = 0; id < ids; id++) {
      if (offsetOf[id] >= 0 && ledger.delivered(id)) {
        TopicPartition tp = new TopicPartition(topic, partitionOf[id]);
        OffsetAndMetadata c = committed.get(tp);
        if ((c == null || offsetOf[id] >= c.offset())
            && !knownDone.getOrDefault(tp, Set.of()).contains(offsetOf[id])) {
          n++;
        }
      }
    }
    return n;
  }

  /**
   * The longest offset commit of {@code agent} in the last two minutes, in ms, from its {@code
   * ilagent_kafka_commit_duration_seconds_max}: the round trip the duplicate bound counts.
   */
  double longestCommitMs(AgentProcess agent) {
    String metrics = AgentProcess.httpGet(ports.get(agent), "/metrics").body();
    return metrics
        .lines()
        .filter(l -> l.startsWith("ilagent_kafka_commit_duration_seconds_max"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)) * 1000)
        .findFirst()
        .orElseThrow(() -> new AssertionError(name + ": no commit duration on /metrics"));
  }

  /**
   * The verdict: every id delivered (already awaited), no order violation; prints and records one
   * line with {@code details} appended; returns the duplicates.
   */
  long verdict(String details) {
    List<String> violations = ledger.orderViolations(20);
    long duplicates = ledger.duplicates();
    double seconds = (System.nanoTime() - startedAt) / 1e9;
    String line =
        String.format(
            "CHAOS %s: ids=%d lost=%d order_violations=%d duplicates=%d accepted=%d time=%.1fs%s",
            name,
            ids,
            ledger.missingCount(),
            violations.size(),
            duplicates,
            ledger.accepted(),
            seconds,
            details.isEmpty() ? "" : " " + details);
    System.out.println(line);
    record(line);
    assertThat(ledger.missingCount()).as(name + ": ids never delivered").isZero();
    assertThat(violations).as(name + ": per-alert order of first deliveries").isEmpty();
    return duplicates;
  }

  static synchronized void record(String line) {
    try {
      Path dir = Path.of("target", "chaos");
      Files.createDirectories(dir);
      String stamp =
          LocalDateTime.now().format(DateTimeFormatter.ISO_LOCAL_DATE_TIME).substring(0, 19);
      Files.writeString(
          dir.resolve("results.txt"),
          stamp + " " + line + System.lineSeparator(),
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** SIGTERM to every agent still running; each must exit 0 within 40 s. */
  void stopAgents() {
    for (AgentProcess a : agents) {
      if (a.isAlive()) {
        a.sigterm();
      }
    }
    for (AgentProcess a : agents) {
      int code = a.awaitExit(Duration.ofSeconds(40));
      if (code != ExitCodes.OK && code != 137 && code != ExitCodes.FAILURE) {
        throw new AssertionError(name + ": agent exited with " + code + "; log " + a.logFile());
      }
    }
  }

  String agentLogs() {
    StringBuilder s = new StringBuilder();
    for (AgentProcess a : agents) {
      s.append("\n--- ")
          .append(a.logFile())
          .append(a.isAlive() ? " (running)" : "")
          .append(":\n")
          .append(a.tail(25));
    }
    return s.toString();
  }

  @Override
  public void close() {
    for (AgentProcess a : agents) {
      a.close();
    }
    ilert.close();
  }
}
