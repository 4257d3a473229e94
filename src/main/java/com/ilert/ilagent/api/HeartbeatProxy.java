package com.ilert.ilagent.api;

import com.ilert.ilagent.ilert.IlertClient;
import com.ilert.ilagent.ilert.Outcome;
import com.ilert.ilagent.ilert.Reply;
import com.ilert.ilagent.ilert.RetryPolicy;
import com.ilert.ilagent.ilert.Retrying;
import com.ilert.ilagent.metrics.AgentMetrics;
import com.ilert.ilagent.pacing.heartbeat.HeartbeatCoalescer;
import com.ilert.ilagent.redaction.Redaction;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/heartbeats/{key}}: pings ilert through the agent's heartbeat pacing. The first
 * request of a quiet key pings at once and is answered with the ping's result; requests within the
 * following interval (ilert takes 5 pings a minute) are answered at once and ride on one trailing
 * ping when the interval ends ({@link HeartbeatCoalescer}). Runs on one event loop.
 */
final class HeartbeatProxy {
  private static final Logger LOG = LoggerFactory.getLogger(HeartbeatProxy.class);
  private static final String SOURCE = "api";

  private final Vertx vertx;
  private final IlertClient client;
  private final AgentMetrics metrics;
  private final HeartbeatCoalescer<Boolean> coalescer;
  private final RetryPolicy policy =
      RetryPolicy.withDefaults(
          RetryPolicy.PING_RETRY_BUDGET_MS, () -> ThreadLocalRandom.current().nextDouble());
  private long timer = -1;
  private long timerDueAt = Long.MAX_VALUE;
  private volatile boolean stopped;

  HeartbeatProxy(Vertx vertx, IlertClient client, long intervalMs, AgentMetrics metrics) {
    this.vertx = vertx;
    this.client = client;
    this.metrics = metrics;
    this.coalescer = new HeartbeatCoalescer<>(intervalMs);
  }

  /** True when ilert took the ping, or when a later ping carries it; false when it failed. */
  Future<Boolean> ping(String key) {
    HeartbeatCoalescer.Decision<Boolean> d = coalescer.onRecord(key, Boolean.TRUE, nowMs());
    if (!d.sendNow()) {
      metrics.ping(SOURCE, "coalesced");
      schedule();
      return Future.succeededFuture(true);
    }
    return send(key);
  }

  /** Coalescing intervals on a monotonic clock: a step of the wall clock must not shift them. */
  private static long nowMs() {
    return System.nanoTime() / 1_000_000;
  }

  void stop() {
    stopped = true;
    vertx.cancelTimer(timer);
  }

  private Future<Boolean> send(String key) {
    return Retrying.send(vertx, policy, () -> stopped, () -> Reply.of(client.ping(key), key))
        .map(
            reply -> {
              boolean delivered = reply.outcome() == Outcome.DELIVERED;
              metrics.ping(
                  SOURCE,
                  delivered
                      ? "delivered"
                      : reply.outcome() == Outcome.PERMANENT ? "rejected" : "failed");
              if (delivered) {
                LOG.debug("Proxied heartbeat {}", Redaction.key(key));
              } else {
                LOG.warn("Heartbeat {} not proxied: {}", Redaction.key(key), reply.describe());
              }
              return delivered;
            });
  }

  private void schedule() {
    long dueAt = coalescer.nextDueAt();
    if (dueAt == Long.MAX_VALUE || (timer >= 0 && timerDueAt <= dueAt)) {
      return;
    }
    vertx.cancelTimer(timer);
    timerDueAt = dueAt;
    timer =
        vertx.setTimer(
            Math.max(1, dueAt - nowMs()),
            id -> {
              timer = -1;
              timerDueAt = Long.MAX_VALUE;
              if (stopped) {
                return;
              }
              for (HeartbeatCoalescer.Due<Boolean> due : coalescer.due(nowMs())) {
                send(due.key());
              }
              schedule();
            });
  }
}
