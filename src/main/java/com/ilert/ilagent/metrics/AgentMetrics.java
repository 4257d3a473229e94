package com.ilert.ilagent.metrics;

import com.ilert.ilagent.mapping.SkipReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The agent's metrics, all prefixed {@code ilagent_} in Prometheus ({@link Series} defines them).
 * The series of each configured feature are there at 0 from the start ({@link #start}); those of a
 * feature that is off appear only if something counts into them. Meters are looked up once and
 * cached, so counting a record costs a map lookup and an add. docs/operations.md, "Metrics", lists
 * every series.
 */
public final class AgentMetrics {
  /** Skip reasons only an escalation-policy record can have. */
  private static final Set<SkipReason> POLICY_REASONS =
      EnumSet.of(SkipReason.MISSING_EMAIL, SkipReason.MISSING_ROUTING_KEY);

  private static final List<String> TOPIC_PINGS =
      List.of("delivered", "coalesced", "rejected", "failed");
  private static final List<String> OWN_PINGS =
      List.of("delivered", "rejected", "failed", "abandoned");

  /** Answers at 0 from the start, so that the share of 429s sees the first one too. */
  private static final List<String> ANSWERS = List.of("2xx", "4xx", "429", "5xx", "none");

  private final MeterRegistry registry;
  private final Map<String, Counter> consumed = new ConcurrentHashMap<>();
  private final Map<SkipReason, Counter> skipped = new ConcurrentHashMap<>();
  private final Map<String, Counter> pings = new ConcurrentHashMap<>();
  private final Map<String, Counter> policyUpdates = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> lag = new ConcurrentHashMap<>();
  private final Map<String, Counter> answers = new ConcurrentHashMap<>();
  private final Lazy<Counter> delivered;
  private final Lazy<Timer> latency;
  private final Lazy<Counter> retries;
  private final Lazy<Counter> failures;
  private final Lazy<Counter> deadLettered;
  private final Lazy<Counter> alreadyDone;
  private final Lazy<Timer> commits;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final Lazy<Gauge> inFlightGauge;

  public AgentMetrics(MeterRegistry registry) {
    this.registry = registry;
    delivered = new Lazy<>(() -> Series.delivered(registry));
    latency = new Lazy<>(() -> Series.latency(registry));
    retries = new Lazy<>(() -> Series.retries(registry));
    failures = new Lazy<>(() -> Series.failures(registry));
    deadLettered = new Lazy<>(() -> Series.deadLettered(registry));
    alreadyDone = new Lazy<>(() -> Series.alreadyDone(registry));
    commits = new Lazy<>(() -> Series.commits(registry));
    inFlightGauge = new Lazy<>(() -> Series.inFlight(registry, inFlight));
  }

  /**
   * Puts the series of every configured feature on /metrics at 0, with the label values they will
   * have: a dashboard then shows 0 instead of "no data", and an alert on a rate or an increase sees
   * the first event after a start too.
   */
  public void start(Features features) {
    boolean events = !features.eventTopics().isEmpty();
    boolean policy = features.policyTopic() != null;
    if (features.consumer()) {
      features.eventTopics().forEach(t -> consumed(t, 0));
      features.heartbeatTopics().forEach(t -> consumed(t, 0));
      if (policy) {
        consumed(features.policyTopic(), 0);
      }
      for (SkipReason reason : SkipReason.values()) {
        if (!POLICY_REASONS.contains(reason) && reason != SkipReason.FILTERED) {
          skippedCounter(reason);
        }
      }
      retries.get();
      alreadyDone.get();
      commits.get();
      inFlightGauge.get();
      ANSWERS.forEach(this::answer);
    }
    boolean filtered = features.filter() && (events || policy);
    if (filtered) {
      skippedCounter(SkipReason.FILTERED);
    }
    if (events) {
      delivered.get();
      latency.get();
      failures.get();
    }
    if (!features.heartbeatTopics().isEmpty()) {
      TOPIC_PINGS.forEach(result -> ping("topic", result, 0));
    }
    if (policy) {
      POLICY_REASONS.forEach(this::skippedCounter);
      failures.get();
      policyTopic();
      policyUpdate("skipped", 0);
      if (filtered) {
        policyUpdate("filtered", 0);
      }
    }
    if (features.deadLetters()) {
      deadLettered.get();
    }
    if (features.ownHeartbeat()) {
      OWN_PINGS.forEach(result -> ping("own", result, 0));
    }
  }

  /**
   * Readiness as a series, 1 while {@code /ready} answers 204 and 0 otherwise: what an alert on an
   * agent that is up but not consuming reads, as {@code /ready} itself is no series.
   */
  public static void readiness(MeterRegistry registry, BooleanSupplier ready) {
    Series.ready(registry, ready);
  }

  /** For tests and the one-shot commands: counts into a registry nobody reads. */
  public static AgentMetrics noop() {
    return new AgentMetrics(new SimpleMeterRegistry());
  }

  /** {@code n} records of one topic at once: one meter lookup per poll and partition. */
  public void consumed(String topic, int n) {
    consumed.computeIfAbsent(topic, t -> Series.consumed(registry, t)).increment(n);
  }

  public void skipped(SkipReason reason) {
    skippedCounter(reason).increment();
  }

  private Counter skippedCounter(SkipReason reason) {
    return skipped.computeIfAbsent(reason, r -> Series.skipped(registry, r));
  }

  public void delivered(long sinceNanos) {
    delivered.get().increment();
    latency.get().record(System.nanoTime() - sinceNanos, TimeUnit.NANOSECONDS);
  }

  /** A commit that succeeded after {@code nanos}. */
  public void committed(long nanos) {
    commits.get().record(nanos, TimeUnit.NANOSECONDS);
  }

  public void retry() {
    retries.get().increment();
  }

  public void deliveryFailure() {
    failures.get().increment();
  }

  public void deadLettered() {
    deadLettered.get().increment();
  }

  /** Records skipped because they were completed before a restart (see kafka.OffsetMetadata). */
  public void alreadyDone(int n) {
    alreadyDone.get().increment(n);
  }

  /** A heartbeat ping; source is "topic" (from a heartbeat topic) or "own" (-b). */
  public void ping(String source, String result) {
    ping(source, result, 1);
  }

  private void ping(String source, String result, int n) {
    pings
        .computeIfAbsent(source + '/' + result, k -> Series.ping(registry, source, result))
        .increment(n);
  }

  /**
   * An escalation-policy record done: {@code result} e.g. {@code updated} (the level was set),
   * {@code rejected} (ilert refused a step), {@code skipped} (no e-mail or routing key).
   */
  public void policyUpdate(String result) {
    policyUpdate(result, 1);
  }

  private void policyUpdate(String result, int n) {
    policyUpdates.computeIfAbsent(result, r -> Series.policyUpdate(registry, r)).increment(n);
  }

  /**
   * A policy topic is consumed: its results start at zero, so that an alert on an increase sees the
   * first rejection after a start too.
   */
  public void policyTopic() {
    for (String result : new String[] {"updated", "rejected", "failed"}) {
      policyUpdate(result, 0);
    }
  }

  /**
   * ilert's answer to one attempt of a record (an event, a ping from a heartbeat topic, an
   * escalation-policy update: the answer that ended it), by status class, with 429 on its own so
   * that the share of rate-limited answers can be computed; {@code status} 0 is no answer at all
   * (network error, timeout).
   */
  public void answered(int status) {
    String label;
    if (status == 0) {
      label = "none";
    } else if (status == 429) {
      label = "429";
    } else if (status >= 100 && status < 600) {
      label = status / 100 + "xx";
    } else {
      label = "other";
    }
    answer(label).increment();
  }

  private Counter answer(String status) {
    return answers.computeIfAbsent(status, s -> Series.answers(registry, s));
  }

  public void inFlight(int n) {
    inFlightGauge.get();
    inFlight.set(n);
  }

  /** Records of a partition not yet done: the end offset minus the completed prefix. */
  public void lag(String topic, int partition, long records) {
    lag.computeIfAbsent(
            topic + '/' + partition,
            k -> {
              AtomicLong value = new AtomicLong();
              Series.lag(registry, topic, partition, value);
              return value;
            })
        .set(records);
  }

  /** A partition left this agent: its lag is another member's to report. */
  public void forgetLag(String topic, int partition) {
    if (lag.remove(topic + '/' + partition) != null) {
      registry
          .find("ilagent.consumer.lag")
          .tag("topic", topic)
          .tag("partition", Integer.toString(partition))
          .meters()
          .forEach(registry::remove);
    }
  }

  /**
   * A meter registered when its feature starts or at its first use, whichever comes first.
   * Registering twice returns the same meter, so two threads racing here count into one series.
   */
  private static final class Lazy<M> {
    private final Supplier<M> register;
    private volatile M meter;

    Lazy(Supplier<M> register) {
      this.register = register;
    }

    M get() {
      M m = meter;
      if (m == null) {
        m = register.get();
        meter = m;
      }
      return m;
    }
  }
}
