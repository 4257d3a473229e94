package com.ilert.ilagent.consumer;

import com.ilert.ilagent.ilert.IlertApi;
import com.ilert.ilagent.ilert.PolicyClient;
import com.ilert.ilagent.kafka.DeadLetterSink;
import com.ilert.ilagent.loop.EventLoop;
import com.ilert.ilagent.metrics.AgentMetrics;
import java.util.function.DoubleSupplier;

/**
 * What the core works with besides Kafka.
 *
 * @param loop where the core runs, and its clock
 * @param ilert where events and pings go
 * @param policies the escalation-policy requests, or null without a policy topic
 * @param deadLetters the dead-letter topic, or null without one
 * @param random values in [0, 1) for the retries' jitter
 */
public record Outside(
    EventLoop loop,
    IlertApi ilert,
    PolicyClient policies,
    DeadLetterSink deadLetters,
    AgentMetrics metrics,
    DoubleSupplier random) {}
