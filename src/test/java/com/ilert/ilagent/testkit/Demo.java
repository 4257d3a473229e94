package com.ilert.ilagent.testkit;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import com.ilert.ilagent.ExitCodes;
import com.ilert.ilagent.redaction.Redaction;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The README's first command ({@code scripts/demo}): a local Kafka broker, a local ilert stand-in,
 * and the built agent as a real process running the spec's sample command. Produces sample events
 * and heartbeats, one invalid record and an event during a short ilert outage, then shows what
 * ilert received, the group's offsets, the agent's log lines about the skip and the retries, and
 * the exit code after SIGTERM.
 *
 * <p>Run from the repository root after {@code mvn package -DskipTests} and the broker jars and
 * test class path of {@link KafkaBroker#main}. Exits 0 when everything happened as expected, 1
 * otherwise; the broker, the stand-in and the agent are stopped either way.
 */
public final class Demo {

  private static final String EVENTS_TOPIC = "events-topic";
  private static final String HEARTBEATS_TOPIC = "heartbeats-topic";
  private static final String GROUP = "ilagent";

  // Made-up keys in ilert's shape: only letters and digits, so nothing real is ever addressed.
  private static final String EVENT_KEY = "il1api4f7c2a9e81b3d5";
  private static final String ALIAS_KEY = "il1api9b2e6d0c47a1f8";
  private static final String LEGACY_HEARTBEAT_KEY = "il1hbt3c8d1e5f7a2b90";
  private static final String MONITOR_HEARTBEAT_KEY = "hbm8fQ2kT9xLm4Rv7Zc1";

  private static final Duration DEADLINE = Duration.ofSeconds(30);
  private static final int OUTAGE_FAILURES = 3;

  private final long started = System.nanoTime();

  /** Log files to point at when something goes wrong. */
  private final List<String> logs = new ArrayList<>();

  private Demo() {}

  public static void main(String[] args) {
    quietLibraries();
    Demo demo = new Demo();
    int code;
    try {
      demo.run();
      code = 0;
    } catch (Throwable e) {
      System.out.println();
      System.out.println("DEMO FAILED: " + e);
      demo.logs.forEach(l -> System.out.println("  see " + l));
      code = 1;
    }
    System.exit(code);
  }

  private void run() throws Exception {
    KafkaBroker kafka = null;
    IlertStandIn ilert = null;
    AgentProcess agent = null;
    try {
      step("Starting a local Kafka broker");
      kafka = KafkaBroker.start(KafkaBroker.Settings.defaults());
      logs.add("broker log: " + relative(kafka.logFile().toString()));
      done(kafka.bootstrapServers() + " (log: " + relative(kafka.logFile().toString()) + ")");

      step("Starting the ilert stand-in");
      ilert = new IlertStandIn().start();
      done(ilert.apiUrl());

      step("Creating topics");
      kafka.createTopic(EVENTS_TOPIC, 3);
      kafka.createTopic(HEARTBEATS_TOPIC, 1);
      done(EVENTS_TOPIC + " (3 partitions), " + HEARTBEATS_TOPIC + " (1)");

      int httpPort = Ports.freePort();
      List<String> args =
          List.of(
              "daemon",
              "-v",
              "-v",
              "--kafka_brokers",
              kafka.bootstrapServers(),
              "--kafka_group_id",
              GROUP,
              "-e",
              EVENTS_TOPIC,
              "-r",
              HEARTBEATS_TOPIC,
              "-p",
              Integer.toString(httpPort),
              "--api_url",
              ilert.apiUrl(),
              "--heartbeat_url",
              ilert.heartbeatUrl());
      System.out.println(
          "Starting the agent: java -jar target/ilagent.jar " + String.join(" ", args));
      agent = AgentProcess.start("demo", args, Map.of());
      logs.add("agent log: " + relative(agent.logFile().toString()));
      final AgentProcess a = agent;
      step("  waiting for GET /ready = 204");
      waitFor(
          "the agent to answer GET /ready with 204",
          DEADLINE,
          () -> {
            if (!a.isAlive()) {
              throw new IllegalStateException(
                  "the agent exited with code "
                      + a.awaitExit(Duration.ZERO)
                      + "; log: "
                      + a.logFile()
                      + "\n"
                      + tail(a.log(), 15));
            }
            try {
              return AgentProcess.httpGet(httpPort, "/ready").status() == 204;
            } catch (UncheckedIOException e) {
              return false; // not listening yet
            }
          });
      done("ready on port " + httpPort + " (log: " + relative(agent.logFile().toString()) + ")");

      step("Producing 4 events, 1 invalid record, 2 heartbeats");
      // Record keys picked so the default partitioner spreads the events over all 3 partitions.
      kafka.send(
          EVENTS_TOPIC,
          "web-01",
          "{\"integrationKey\": \""
              + EVENT_KEY
              + "\", \"eventType\": \"ALERT\", \"summary\": \"Hey from Kafka\"}");
      kafka.send(
          EVENTS_TOPIC,
          "disk-full-db1",
          "{\"integrationKey\": \""
              + EVENT_KEY
              + "\", \"eventType\": \"ALERT\", \"summary\": \"Disk 95% full on db1\", \"alertKey\": \"disk-full-db1\"}");
      kafka.send(
          EVENTS_TOPIC,
          "disk-full-db1",
          "{\"integrationKey\": \""
              + EVENT_KEY
              + "\", \"eventType\": \"RESOLVE\", \"alertKey\": \"disk-full-db1\"}");
      kafka.send(
          EVENTS_TOPIC,
          "checkout",
          "{\"apiKey\": \""
              + ALIAS_KEY
              + "\", \"eventType\": \"ALERT\", \"summary\": \"Checkout latency above 2 s\"}");
      kafka.send(EVENTS_TOPIC, "bad-record", "{\"eventType\": \"ALERT\", \"summary\": \"cut off");
      kafka.send(HEARTBEATS_TOPIC, null, "{\"integrationKey\": \"" + LEGACY_HEARTBEAT_KEY + "\"}");
      kafka.send(HEARTBEATS_TOPIC, null, "{\"integrationKey\": \"" + MONITOR_HEARTBEAT_KEY + "\"}");
      ilert.awaitEvents(4, DEADLINE);
      ilert.awaitPings(2, DEADLINE);
      done("all 6 delivered");

      step(
          "Simulating an ilert outage (503 until the agent has tried "
              + OUTAGE_FAILURES
              + " times)");
      ilert.fault(Fault.status(503).matching(Received::isEvent).times(OUTAGE_FAILURES));
      kafka.send(
          EVENTS_TOPIC,
          "db-primary-down",
          "{\"integrationKey\": \""
              + EVENT_KEY
              + "\", \"eventType\": \"ALERT\", \"summary\": \"Primary database unreachable\", \"alertKey\": \"db-primary-down\"}");
      List<Received> outage =
          ilert.awaitEvents(r -> "db-primary-down".equals(r.alertKey()), 1, DEADLINE);
      done(
          "delivered after "
              + (OUTAGE_FAILURES + 1)
              + " attempts, "
              + millisSince(
                  ilert.attempts().stream()
                      .filter(r -> r.status() == 503)
                      .findFirst()
                      .orElseThrow(),
                  outage.get(0))
              + " ms after the first 503");

      KafkaBroker k = kafka;
      waitFor(
          "the agent to commit every record",
          DEADLINE,
          () -> k.lag(GROUP, EVENTS_TOPIC) == 0 && k.lag(GROUP, HEARTBEATS_TOPIC) == 0);

      printReceived(ilert.attempts());
      printOffsets(kafka);
      printAgentLog(agent.log());

      step("Stopping the agent (SIGTERM)");
      agent.sigterm();
      int exit = agent.awaitExit(DEADLINE);
      done("exit code " + exit);
      if (exit != ExitCodes.OK) {
        throw new IllegalStateException(
            "the agent exited with "
                + exit
                + " after SIGTERM, expected 0; log: "
                + agent.logFile()
                + "\n"
                + tail(agent.log(), 15));
      }
      step("Stopping the broker and the stand-in");
    } finally {
      if (agent != null) {
        agent.close();
      }
      if (ilert != null) {
        ilert.close();
      }
      if (kafka != null) {
        kafka.close();
      }
    }
    done("done");
    System.out.printf("Demo OK in %.1f s%n", (System.nanoTime() - started) / 1e9);
  }

  // ---- output ----

  private static void printReceived(List<Received> requests) {
    System.out.println();
    System.out.println("What ilert received (keys masked):");
    String format = "  %-6s %-6s %-31s %-9s %-28s %s%n";
    System.out.printf(format, "STATUS", "METHOD", "PATH", "EVENTTYPE", "SUMMARY", "ALERTKEY");
    for (Received r : requests) {
      String path = r.path();
      if (r.integrationKey() != null) {
        path = path.replace(r.integrationKey(), Redaction.key(r.integrationKey()));
      }
      System.out.printf(
          format,
          status(r.status()),
          r.method(),
          path,
          orDash(r.eventType()),
          orDash(r.summary()),
          orDash(r.alertKey()));
    }
  }

  private static void printOffsets(KafkaBroker kafka) {
    System.out.println();
    System.out.println("Offsets of consumer group " + GROUP + ":");
    String format = "  %-19s %5s %10s %4s%n";
    System.out.printf(format, "PARTITION", "END", "COMMITTED", "LAG");
    Map<TopicPartition, Long> committed = kafka.committedOffsets(GROUP);
    for (String topic : List.of(EVENTS_TOPIC, HEARTBEATS_TOPIC)) {
      Map<TopicPartition, Long> end = kafka.endOffsets(topic);
      end.keySet().stream()
          .sorted((x, y) -> Integer.compare(x.partition(), y.partition()))
          .forEach(
              tp -> {
                Long c = committed.get(tp);
                long lag = end.get(tp) - (c == null ? 0 : c);
                System.out.printf(
                    format, tp.toString(), end.get(tp), c == null ? "-" : c.toString(), lag);
              });
    }
  }

  private static final Pattern LOG_LINE =
      Pattern.compile("^\\S+T(\\d\\d:\\d\\d:\\d\\d\\.\\d{3})\\S*\\s+(.*)$");

  private static void printAgentLog(String log) {
    System.out.println();
    System.out.println("The agent's log about the invalid record and the outage:");
    List<String> lines = new ArrayList<>();
    log.lines()
        .filter(l -> l.contains("skipped (") || l.contains("retrying in"))
        .forEach(
            l -> {
              Matcher m = LOG_LINE.matcher(l);
              lines.add("  " + (m.matches() ? m.group(1) + " " + m.group(2) : l));
            });
    if (lines.stream().noneMatch(l -> l.contains("skipped ("))) {
      throw new IllegalStateException(
          "the agent's log has no line about the skipped invalid record");
    }
    if (lines.stream().filter(l -> l.contains("retrying in")).count() < OUTAGE_FAILURES) {
      throw new IllegalStateException(
          "the agent's log has fewer than " + OUTAGE_FAILURES + " retry lines");
    }
    lines.forEach(System.out::println);
    System.out.println();
  }

  private void step(String what) {
    System.out.print(what + "... ");
    System.out.flush();
  }

  private void done(String what) {
    System.out.println(what);
  }

  private static String status(int status) {
    return switch (status) {
      case Received.NOT_ANSWERED -> "---";
      case Received.DROPPED -> "DROP";
      default -> Integer.toString(status);
    };
  }

  private static String orDash(String s) {
    if (s == null) {
      return "-";
    }
    return s.length() > 28 ? s.substring(0, 27) + "…" : s;
  }

  private static long millisSince(Received first, Received last) {
    return (last.receivedAtNanos() - first.receivedAtNanos()) / 1_000_000;
  }

  private static String relative(String path) {
    String cwd = System.getProperty("user.dir") + "/";
    return path.startsWith(cwd) ? path.substring(cwd.length()) : path;
  }

  private static String tail(String text, int n) {
    List<String> lines = text.lines().toList();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - n), lines.size()));
  }

  // ---- helpers ----

  /** The demo's console is for the story; Kafka's and Vert.x's own chatter stays out of it. */
  private static void quietLibraries() {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
      context.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(Level.WARN);
      context.getLogger("org.apache.kafka").setLevel(Level.ERROR);
    }
  }

  /** Polls every 100 ms until the condition holds; fails at the deadline. */
  private static void waitFor(String what, Duration timeout, BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "timed out after " + timeout.toSeconds() + " s waiting for " + what);
      }
      Thread.sleep(100);
    }
  }
}
