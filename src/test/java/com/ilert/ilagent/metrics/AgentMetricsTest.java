package com.ilert.ilagent.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The series the operator's alerts read: answers by status class, readiness, policy results. */
class AgentMetricsTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final AgentMetrics metrics = new AgentMetrics(registry);

  private double answers(String status) {
    return registry.get("ilagent.ilert.answers").tag("status", status).counter().count();
  }

  @Test
  void answersAreCountedByStatusClassWith429OnItsOwn() {
    metrics.start(new Features(List.of("events"), List.of(), null, false, false, false));
    assertThat(answers("429")).as("at zero before the first answer").isZero();
    metrics.answered(202);
    metrics.answered(200);
    metrics.answered(429);
    metrics.answered(404);
    metrics.answered(408);
    metrics.answered(503);
    metrics.answered(0);
    metrics.answered(302);
    metrics.answered(999);
    assertThat(answers("2xx")).isEqualTo(2);
    assertThat(answers("429")).isEqualTo(1);
    assertThat(answers("4xx")).isEqualTo(2);
    assertThat(answers("5xx")).isEqualTo(1);
    assertThat(answers("none")).isEqualTo(1);
    assertThat(answers("3xx")).isEqualTo(1);
    assertThat(answers("other")).isEqualTo(1);
  }

  @Test
  void readinessFollowsWhatItIsGiven() {
    AtomicBoolean ready = new AtomicBoolean();
    AgentMetrics.readiness(registry, ready::get);
    assertThat(registry.get("ilagent.ready").gauge().value()).isZero();
    ready.set(true);
    System.gc(); // the gauge must keep its supplier: nothing else holds this one
    assertThat(registry.get("ilagent.ready").gauge().value()).isEqualTo(1);
  }

  @Test
  void aPolicyTopicStartsItsResultsAtZero() {
    assertThat(registry.find("ilagent.policy.updates").counters()).isEmpty();
    metrics.policyTopic();
    assertThat(registry.get("ilagent.policy.updates").tag("result", "rejected").counter().count())
        .isZero();
    assertThat(registry.get("ilagent.policy.updates").tag("result", "failed").counter().count())
        .isZero();
    metrics.policyUpdate("rejected");
    assertThat(registry.get("ilagent.policy.updates").tag("result", "rejected").counter().count())
        .isEqualTo(1);
  }
}
