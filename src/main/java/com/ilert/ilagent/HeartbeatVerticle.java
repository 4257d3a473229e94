package com.ilert.ilagent;

import com.ilert.ilagent.ilert.IlertClient;
import com.ilert.ilagent.ilert.Outcome;
import com.ilert.ilagent.ilert.Reply;
import com.ilert.ilagent.ilert.RetryPolicy;
import com.ilert.ilagent.ilert.Retrying;
import com.ilert.ilagent.metrics.AgentMetrics;
import com.ilert.ilagent.redaction.Redaction;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The agent's own heartbeat (-b): pings ilert at start and then every 30 s; never fatal. */
public final class HeartbeatVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(HeartbeatVerticle.class);

  public static final long INTERVAL_MS = 30_000;

  private final String key;
  private final IlertClient client;
  private final AgentMetrics metrics;
  private final RetryPolicy policy =
      RetryPolicy.withDefaults(
          RetryPolicy.PING_RETRY_BUDGET_MS, () -> ThreadLocalRandom.current().nextDouble());
  private long timer = -1;
  private volatile boolean stopped;

  public HeartbeatVerticle(String key, IlertClient client, AgentMetrics metrics) {
    this.key = key;
    this.client = client;
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    ping();
    timer = vertx.setPeriodic(INTERVAL_MS, id -> ping());
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }

  private void ping() {
    Retrying.send(vertx, policy, () -> stopped, () -> Reply.of(client.ping(key), key))
        .onSuccess(
            reply -> {
              String result =
                  switch (reply.outcome()) {
                    case DELIVERED -> "delivered";
                    case PERMANENT -> "rejected";
                    default -> stopped ? "abandoned" : "failed";
                  };
              if (reply.outcome() == Outcome.DELIVERED) {
                LOG.debug("Own heartbeat {} pinged", Redaction.key(key));
              } else {
                LOG.warn("Own heartbeat {} not pinged: {}", Redaction.key(key), reply.describe());
              }
              metrics.ping("own", result);
            });
  }
}
