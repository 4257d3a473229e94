package com.ilert.ilagent.metrics;

import com.ilert.ilagent.mapping.SkipReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * The agent's series, one factory each: name, help text and labels in one place. Registering a
 * series that exists returns it, so a factory may be called again.
 */
final class Series {
  /** Buckets of the delivery latency histogram: from a fast local ilert to a minute of retries. */
  private static final Duration[] LATENCY_BUCKETS = {
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
    Duration.ofSeconds(60)
  };

  private Series() {}

  static Counter consumed(MeterRegistry registry, String topic) {
    return Counter.builder("ilagent.records.consumed")
        .description("Records received from Kafka, by topic")
        .tag("topic", topic)
        .register(registry);
  }

  static Counter skipped(MeterRegistry registry, SkipReason reason) {
    return Counter.builder("ilagent.records.skipped")
        .description("Records not forwarded, by reason (bad input, filtered, rejected by ilert)")
        .tag("reason", reason.label())
        .register(registry);
  }

  static Counter delivered(MeterRegistry registry) {
    return counter(registry, "ilagent.events.delivered", "Events ilert accepted");
  }

  static Timer latency(MeterRegistry registry) {
    return Timer.builder("ilagent.delivery.latency")
        .description("From a record's arrival in the agent to ilert accepting it")
        .serviceLevelObjectives(LATENCY_BUCKETS)
        .register(registry);
  }

  static Counter retries(MeterRegistry registry) {
    return counter(
        registry,
        "ilagent.delivery.retries",
        "Requests to ilert repeated after a network error, timeout, 429 or 5xx");
  }

  static Counter failures(MeterRegistry registry) {
    return counter(
        registry,
        "ilagent.delivery.failures",
        "Events whose retry budget was spent (the agent exits 1)");
  }

  static Counter deadLettered(MeterRegistry registry) {
    return counter(
        registry, "ilagent.records.dead.lettered", "Records written to the dead-letter topic");
  }

  static Counter alreadyDone(MeterRegistry registry) {
    return counter(
        registry,
        "ilagent.records.already.done",
        "Records not sent again after a restart or hand-over: a commit's metadata lists them as done");
  }

  static Timer commits(MeterRegistry registry) {
    return Timer.builder("ilagent.kafka.commit.duration")
        .description(
            "Round trip of each successful offset commit: what a crash delivers again grows with it")
        .register(registry);
  }

  static Counter ping(MeterRegistry registry, String source, String result) {
    return Counter.builder("ilagent.heartbeat.pings")
        .description("Heartbeat pings sent to ilert, by source and result")
        .tag("source", source)
        .tag("result", result)
        .register(registry);
  }

  static Counter policyUpdate(MeterRegistry registry, String result) {
    return Counter.builder("ilagent.policy.updates")
        .description("Escalation-policy records, by result")
        .tag("result", result)
        .register(registry);
  }

  static Counter answers(MeterRegistry registry, String status) {
    return Counter.builder("ilagent.ilert.answers")
        .description(
            "ilert's answers to records' attempts, by status class (429 on its own; none: network error or timeout)")
        .tag("status", status)
        .register(registry);
  }

  static Gauge inFlight(MeterRegistry registry, AtomicInteger value) {
    return Gauge.builder("ilagent.deliveries.in.flight", value, AtomicInteger::get)
        .description("Requests to ilert under way or waiting for a retry")
        .register(registry);
  }

  static Gauge lag(MeterRegistry registry, String topic, int partition, AtomicLong value) {
    return Gauge.builder("ilagent.consumer.lag", value, AtomicLong::get)
        .description("Records of an assigned partition not yet delivered or skipped")
        .tag("topic", topic)
        .tag("partition", Integer.toString(partition))
        .register(registry);
  }

  private static Counter counter(MeterRegistry registry, String name, String description) {
    return Counter.builder(name).description(description).register(registry);
  }

  static Gauge ready(MeterRegistry registry, BooleanSupplier ready) {
    return Gauge.builder("ilagent.ready", ready, r -> r.getAsBoolean() ? 1 : 0)
        .description("1 while /ready answers 204 (consumer subscribed and assigned), else 0")
        .strongReference(true)
        .register(registry);
  }
}
