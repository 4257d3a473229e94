package com.ilert.ilagent.metrics;

import com.ilert.ilagent.mapping.SkipReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * The agent's metrics, all prefixed {@code ilagent_} in Prometheus. Meters are looked up once and
 * cached, so counting a record costs a map lookup and an add. README lists every series.
 */
public final class AgentMetrics {
  private final MeterRegistry registry;
  private final Map<String, Counter> consumed = new ConcurrentHashMap<>();
  private final Map<SkipReason, Counter> skipped = new EnumMap<>(SkipReason.class);
  private final Map<String, Counter> pings = new ConcurrentHashMap<>();
  private final Map<String, Counter> policyUpdates = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> lag = new ConcurrentHashMap<>();
  private final Map<String, Counter> answers = new ConcurrentHashMap<>();
  private final Counter delivered;
  private final Counter retries;
  private final Counter failures;
  private final Counter deadLettered;
  private final Counter alreadyDone;
  private final Timer latency;
  private final Timer commits;
  private final AtomicInteger inFlight = new AtomicInteger();

  public AgentMetrics(MeterRegistry registry) {
    this.registry = registry;
    for (SkipReason reason : SkipReason.values()) {
      skipped.put(
          reason,
          Counter.builder("ilagent.records.skipped")
              .description(
                  "Records not forwarded, by reason (bad input, filtered, rejected by ilert)")
              .tag("reason", reason.label())
              .register(registry));
    }
    delivered =
        Counter.builder("ilagent.events.delivered")
            .description("Events ilert accepted")
            .register(registry);
    retries =
        Counter.builder("ilagent.delivery.retries")
            .description("Requests to ilert repeated after a network error, timeout, 429 or 5xx")
            .register(registry);
    failures =
        Counter.builder("ilagent.delivery.failures")
            .description("Events whose retry budget was spent (the agent exits 1)")
            .register(registry);
    deadLettered =
        Counter.builder("ilagent.records.dead.lettered")
            .description("Records written to the dead-letter topic")
            .register(registry);
    alreadyDone =
        Counter.builder("ilagent.records.already.done")
            .description(
                "Records not sent again after a restart or hand-over: a commit's metadata lists them as done")
            .register(registry);
    latency =
        Timer.builder("ilagent.delivery.latency")
            .description("From a record's arrival in the agent to ilert accepting it")
            .serviceLevelObjectives(
                Duration.ofMillis(5),
                Duration.ofMillis(10),
                Duration.ofMillis(25),
                Duration.ofMillis(50),
                Duration.ofMillis(100),
                Duration.ofMillis(250),
                Duration.ofMillis(500),
                Duration.ofSeconds(1),
                Duration.ofSeconds(2),
                Duration.ofSeconds(5),
                Duration.ofSeconds(10),
                Duration.ofSeconds(30),
                Duration.ofSeconds(60))
            .register(registry);
    commits =
        Timer.builder("ilagent.kafka.commit.duration")
            .description(
                "Round trip of each successful offset commit: what a crash delivers again grows with it")
            .register(registry);
    Gauge.builder("ilagent.deliveries.in.flight", inFlight, AtomicInteger::get)
        .description("Requests to ilert under way or waiting for a retry")
        .register(registry);
    // At zero from the start, so that a rate over them sees the first 429 too.
    for (String status : new String[] {"2xx", "4xx", "429", "5xx", "none"}) {
      answer(status);
    }
  }

  /**
   * Readiness as a series, 1 while {@code /ready} answers 204 and 0 otherwise: what an alert on an
   * agent that is up but not consuming reads, as {@code /ready} itself is no series.
   */
  public static void readiness(MeterRegistry registry, BooleanSupplier ready) {
    Gauge.builder("ilagent.ready", ready, r -> r.getAsBoolean() ? 1 : 0)
        .description("1 while /ready answers 204 (consumer subscribed and assigned), else 0")
        .strongReference(true)
        .register(registry);
  }

  /** For tests and the one-shot commands: counts into a registry nobody reads. */
  public static AgentMetrics noop() {
    return new AgentMetrics(new SimpleMeterRegistry());
  }

  /** {@code n} records of one topic at once: one meter lookup per poll and partition. */
  public void consumed(String topic, int n) {
    consumed
        .computeIfAbsent(
            topic,
            t ->
                Counter.builder("ilagent.records.consumed")
                    .description("Records received from Kafka, by topic")
                    .tag("topic", t)
                    .register(registry))
        .increment(n);
  }

  public void skipped(SkipReason reason) {
    skipped.get(reason).increment();
  }

  public void delivered(long sinceNanos) {
    delivered.increment();
    latency.record(System.nanoTime() - sinceNanos, TimeUnit.NANOSECONDS);
  }

  /** A commit that succeeded after {@code nanos}. */
  public void committed(long nanos) {
    commits.record(nanos, TimeUnit.NANOSECONDS);
  }

  public void retry() {
    retries.increment();
  }

  public void deliveryFailure() {
    failures.increment();
  }

  public void deadLettered() {
    deadLettered.increment();
  }

  /** Records skipped because they were completed before a restart (see kafka.OffsetMetadata). */
  public void alreadyDone(int n) {
    alreadyDone.increment(n);
  }

  /** A heartbeat ping; source is "topic" (from a heartbeat topic) or "own" (-b). */
  public void ping(String source, String result) {
    pings
        .computeIfAbsent(
            source + '/' + result,
            k ->
                Counter.builder("ilagent.heartbeat.pings")
                    .description("Heartbeat pings sent to ilert, by source and result")
                    .tag("source", source)
                    .tag("result", result)
                    .register(registry))
        .increment();
  }

  /**
   * An escalation-policy record done: {@code result} e.g. {@code updated} (the level was set),
   * {@code rejected} (ilert refused a step), {@code skipped} (no e-mail or routing key).
   */
  public void policyUpdate(String result) {
    policyUpdate(result, 1);
  }

  private void policyUpdate(String result, int n) {
    policyUpdates
        .computeIfAbsent(
            result,
            r ->
                Counter.builder("ilagent.policy.updates")
                    .description("Escalation-policy records, by result")
                    .tag("result", r)
                    .register(registry))
        .increment(n);
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
    return answers.computeIfAbsent(
        status,
        s ->
            Counter.builder("ilagent.ilert.answers")
                .description(
                    "ilert's answers to records' attempts, by status class (429 on its own; none: network error or timeout)")
                .tag("status", s)
                .register(registry));
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

  public void inFlight(int n) {
    inFlight.set(n);
  }

  /** Records of a partition not yet done: the end offset minus the completed prefix. */
  public void lag(String topic, int partition, long records) {
    lag.computeIfAbsent(
            topic + '/' + partition,
            k -> {
              AtomicLong value = new AtomicLong();
              Gauge.builder("ilagent.consumer.lag", value, AtomicLong::get)
                  .description("Records of an assigned partition not yet delivered or skipped")
                  .tag("topic", topic)
                  .tag("partition", Integer.toString(partition))
                  .register(registry);
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
}
