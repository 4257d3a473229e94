package com.ilert.ilagent;

import com.ilert.ilagent.ilert.Deliverer;
import com.ilert.ilagent.ilert.DeliveryResult;
import com.ilert.ilagent.metrics.AgentMetrics;
import com.ilert.ilagent.ilert.IlertClient;
import com.ilert.ilagent.util.Mask;
import com.ilert.ilagent.util.RecordRef;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The agent's own heartbeat (-b): pings ilert at start and then every 30 s; never fatal. */
public final class HeartbeatVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(HeartbeatVerticle.class);

  public static final long INTERVAL_MS = 30_000;

  /** A ping must land well inside the 30 s period: retry for a few seconds only. */
  private static final long RETRY_BUDGET_MS = 5_000;

  private static final RecordRef OWN = RecordRef.label("own heartbeat");

  private final String key;
  private final IlertClient client;
  private final AgentMetrics metrics;
  private Deliverer deliverer;
  private long timer = -1;

  public HeartbeatVerticle(String key, IlertClient client, AgentMetrics metrics) {
    this.key = key;
    this.client = client;
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    deliverer = new Deliverer(vertx, client, RETRY_BUDGET_MS, RETRY_BUDGET_MS, metrics);
    ping();
    timer = vertx.setPeriodic(INTERVAL_MS, id -> ping());
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    deliverer.abandonWaiting();
    return Future.succeededFuture();
  }

  private void ping() {
    deliverer
        .ping(key, () -> OWN)
        .onSuccess(
            result -> {
              if (result.kind() == DeliveryResult.Kind.DELIVERED) {
                LOG.debug("Own heartbeat {} pinged", Mask.key(key));
              } else {
                LOG.warn("Own heartbeat {} not pinged: {}", Mask.key(key), result.describe());
              }
              metrics.ping("own", result.kind().name().toLowerCase(java.util.Locale.ROOT));
            });
  }
}
