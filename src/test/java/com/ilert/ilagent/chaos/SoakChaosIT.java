package com.ilert.ilagent.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.ilert.ilagent.ExitCodes;
import com.ilert.ilagent.testkit.AgentProcess;
import com.ilert.ilagent.testkit.Fault;
import com.ilert.ilagent.testkit.KafkaBroker;
import com.ilert.ilagent.testkit.Received;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Soak: {@code scripts/chaos --soak MINUTES}. Steady load for that long on a broker of its own,
 * with a random fault every 15-25 s: ilert 503 bursts, 429 storms with and without Retry-After,
 * slow answers, dropped connections, kill -9 and SIGTERM of a second agent (rebalances), a broker
 * restart. Agent A runs throughout; its RSS, threads and live heap (after a full GC) are sampled
 * every 30 s. At the end: nothing lost, order kept, A's threads and heap stable.
 */
@Tag("soak")
class SoakChaosIT {
  private static final int MINUTES = Integer.getInteger("chaos.soak.minutes", 0);
  private static final int RATE = Integer.getInteger("chaos.soak.rate", 100);

  private static Predicate<Received> percent(int p) {
    return r -> ThreadLocalRandom.current().nextInt(100) < p;
  }

  @Test
  void soak() throws Exception {
    assumeTrue(MINUTES > 0, "-Dchaos.soak.minutes=N");
    long runNanos = Duration.ofMinutes(MINUTES).toNanos();
    int capacity = (int) (RATE * 60L * MINUTES * 1.2) + 1000;
    Random random = new Random();
    List<String> faultsDone = new ArrayList<>();
    List<String> samples = new ArrayList<>();
    try (KafkaBroker broker = KafkaBroker.start(Map.of());
        Scenario s = new Scenario("soak-" + MINUTES + "min", broker, 6, capacity, 300)) {
      s.ilert.keepRecordings(false);
      s.ilert.latency(1, 10);
      String[] opts = {
        "--kafka_property",
        "session.timeout.ms=6000",
        "--kafka_property",
        "heartbeat.interval.ms=1000",
        "--request_timeout_ms",
        "2000"
      };
      AgentProcess a = s.startAgentV("A", "-v", opts);
      AgentProcess[] b = {s.startAgentV("B", "-v", opts)};

      AtomicInteger produced = new AtomicInteger();
      AtomicBoolean producing = new AtomicBoolean(true);
      Thread producer =
          new Thread(
              () -> produceSteadily(s, broker, produced, producing, capacity), "soak-producer");
      producer.start();

      long start = System.nanoTime();
      long nextFault = start + Duration.ofSeconds(15).toNanos();
      long nextSample = start + Duration.ofSeconds(30).toNanos();
      int bRuns = 1;
      while (System.nanoTime() - start < runNanos) {
        assertThat(a.isAlive()).as("agent A runs throughout; log " + a.logFile()).isTrue();
        long now = System.nanoTime();
        if (now >= nextSample) {
          ProcessStats st = ProcessStats.withLiveHeap(a.pid());
          samples.add(String.format("%ds:%s", (now - start) / 1_000_000_000L, st));
          sampleStats.add(st);
          nextSample = now + Duration.ofSeconds(30).toNanos();
        }
        if (now >= nextFault) {
          s.ilert.clearFaults();
          int kind = random.nextInt(9);
          String what;
          switch (kind) {
            case 0 -> {
              s.ilert.fault(Fault.status(503).times(400));
              what = "503-burst";
            }
            case 1 -> {
              s.ilert.fault(Fault.rateLimit(40, Duration.ofSeconds(2)).header("Retry-After", "1"));
              what = "429-retry-after";
            }
            case 2 -> {
              s.ilert.fault(Fault.status(429).forKey(Scenario.KEYS[random.nextInt(4)]).times(20));
              what = "429-no-retry-after";
            }
            case 3 -> {
              s.ilert.fault(Fault.delay(3_000).matching(percent(10)));
              what = "slow";
            }
            case 4 -> {
              s.ilert.fault(Fault.drop().matching(percent(10)));
              what = "drops";
            }
            case 5 -> {
              if (b[0].isAlive()) {
                b[0].sigkill();
                b[0].awaitExit(Duration.ofSeconds(10));
                what = "kill-9-B";
              } else {
                b[0] = s.startAgentV("B" + (++bRuns), "-v", opts);
                what = "start-B";
              }
            }
            case 6 -> {
              if (b[0].isAlive()) {
                b[0].sigterm();
                assertThat(b[0].awaitExit(Duration.ofSeconds(40)))
                    .as("B's exit code after SIGTERM")
                    .isEqualTo(ExitCodes.OK);
                what = "sigterm-B";
              } else {
                b[0] = s.startAgentV("B" + (++bRuns), "-v", opts);
                what = "start-B";
              }
            }
            case 7 -> {
              broker.stop();
              long down = System.nanoTime();
              s.await(
                  "10 s of broker outage",
                  Duration.ofSeconds(15),
                  () -> System.nanoTime() - down >= Duration.ofSeconds(10).toNanos());
              broker.restart();
              what = "broker-restart";
            }
            default -> {
              s.ilert.fault(Fault.status(503).times(100)).fault(Fault.drop().matching(percent(5)));
              what = "mixed";
            }
          }
          faultsDone.add(
              String.format("%ds:%s", (System.nanoTime() - start) / 1_000_000_000L, what));
          nextFault = System.nanoTime() + Duration.ofSeconds(15 + random.nextInt(11)).toNanos();
        }
        long wake = Math.min(nextFault, nextSample);
        s.await(
            "the next soak step",
            Duration.ofSeconds(60),
            () -> System.nanoTime() >= wake || !a.isAlive());
      }
      producing.set(false);
      producer.join(Duration.ofSeconds(60).toMillis());
      s.ilert.clearFaults();
      if (!b[0].isAlive()) {
        b[0] = s.startAgentV("B" + (++bRuns), "-v", opts);
      }
      int total = produced.get();
      s.await(
          "every produced id delivered",
          Duration.ofMinutes(5),
          () -> {
            for (int id = 0; id < total; id++) {
              if (!s.ledger.delivered(id)) {
                return false;
              }
            }
            return true;
          });
      ProcessStats end = ProcessStats.withLiveHeap(a.pid());
      samples.add("end:" + end);
      sampleStats.add(end);
      s.stopAgents();
      System.out.println("SOAK faults: " + faultsDone);
      System.out.println("SOAK agent A samples: " + samples);
      int third = Math.max(1, sampleStats.size() / 3);
      long earlyHeap =
          sampleStats.subList(0, third).stream()
              .mapToLong(ProcessStats::liveHeapKb)
              .max()
              .orElse(0);
      long lateHeap =
          sampleStats.subList(sampleStats.size() - third, sampleStats.size()).stream()
              .mapToLong(ProcessStats::liveHeapKb)
              .max()
              .orElse(0);
      int minThreads = sampleStats.stream().mapToInt(ProcessStats::threads).min().orElse(0);
      int maxThreads = sampleStats.stream().mapToInt(ProcessStats::threads).max().orElse(0);
      long missing = 0;
      for (int id = 0; id < total; id++) {
        if (!s.ledger.delivered(id)) {
          missing++;
        }
      }
      List<String> violations = s.ledger.orderViolations(20);
      String line =
          String.format(
              "CHAOS %s: ids=%d lost=%d order_violations=%d duplicates=%d faults=%d live_heap_early=%dMiB live_heap_late=%dMiB threads=%d..%d rss_end=%dMiB",
              s.name,
              total,
              missing,
              violations.size(),
              s.ledger.accepted() - (total - missing),
              faultsDone.size(),
              earlyHeap / 1024,
              lateHeap / 1024,
              minThreads,
              maxThreads,
              end.rssKb() / 1024);
      System.out.println(line);
      Scenario.record(line);
      assertThat(missing).as("ids lost").isZero();
      assertThat(violations).as("order").isEmpty();
      assertThat(lateHeap)
          .as("live heap late vs early (KiB): no leak")
          .isLessThan(earlyHeap * 2 + 16 * 1024);
      assertThat(maxThreads - minThreads).as("thread count stable").isLessThanOrEqualTo(8);
    }
  }

  private final List<ProcessStats> sampleStats = new ArrayList<>();

  /** RATE records a second, in id order, until told to stop or out of ids. */
  private static void produceSteadily(
      Scenario s,
      KafkaBroker broker,
      AtomicInteger produced,
      AtomicBoolean producing,
      int capacity) {
    Properties props = broker.clientProperties();
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "120000");
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "300000");
    props.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "500");
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
      long start = System.nanoTime();
      int id = 0;
      while (producing.get() && id < capacity) {
        long due = start + (long) id * 1_000_000_000L / RATE;
        long wait = due - System.nanoTime();
        if (wait > 0) {
          java.util.concurrent.locks.LockSupport.parkNanos(
              wait); // the producer's own rate, not a wait for a condition
          continue;
        }
        int i = id;
        producer.send(
            new ProducerRecord<>(s.topic, "a" + (id % s.alerts), s.payload(id)),
            (md, err) -> {
              if (err != null) {
                System.err.println("soak producer: id " + i + " failed: " + err);
              } else {
                s.partitionOf[i] = md.partition();
                s.offsetOf[i] = md.offset();
              }
            });
        id++;
        produced.set(id);
      }
      producer.flush();
    }
  }
}
