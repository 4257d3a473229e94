package com.ilert.ilagent.health;

import com.ilert.ilagent.Addresses;
import com.ilert.ilagent.Version;
import com.ilert.ilagent.api.HttpApi;
import com.ilert.ilagent.metrics.AgentMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves /health (liveness), /ready (readiness), /metrics (Prometheus), / and the HTTP API ({@link
 * HttpApi}) on the -p port. It learns the consumer's state and the start of shutdown over the event
 * bus, so it never touches the consumer itself.
 */
public final class HealthVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(HealthVerticle.class);

  private final int port;
  private final String host;
  private final PrometheusMeterRegistry registry;
  private final boolean consumer;
  private final HttpApi api;

  /** Replaced whole by each state message; read by /metrics off the event loop too. */
  private volatile JsonObject consumerState =
      new JsonObject()
          .put("component", "kafka")
          .put("ready", false)
          .put("consumer_started", false)
          .put("subscribed", false)
          .put("assigned", false)
          .put("error", null);

  private volatile boolean shuttingDown;
  private HealthChecks readiness;
  private HttpServer server;

  public HealthVerticle(String host, int port, PrometheusMeterRegistry registry) {
    this(host, port, registry, true, null);
  }

  /**
   * @param consumer whether a Kafka consumer runs; without one the agent is ready from the start
   *     (until shutdown), as there is nothing to wait for
   * @param api the HTTP API's routes, or null for the probes alone
   */
  public HealthVerticle(
      String host, int port, PrometheusMeterRegistry registry, boolean consumer, HttpApi api) {
    this.host = host;
    this.port = port;
    this.registry = registry;
    this.consumer = consumer;
    this.api = api;
    if (!consumer) {
      consumerState = new JsonObject().put("component", "agent").put("ready", true);
    }
  }

  @Override
  public Future<?> start() {
    if (consumer) {
      vertx
          .eventBus()
          .<JsonObject>consumer(Addresses.CONSUMER_STATE, msg -> consumerState = msg.body());
    }
    vertx.eventBus().consumer(Addresses.SHUTDOWN, msg -> shuttingDown = true);

    readiness = HealthChecks.create(vertx);
    readiness.register(
        "kafka",
        promise -> {
          JsonObject state = consumerState.copy();
          boolean up = isReady();
          state.remove("ready");
          promise.complete(up ? Status.OK(state) : Status.KO(state));
        });
    AgentMetrics.readiness(registry, this::isReady);

    Router router = Router.router(vertx);
    router.get("/health").handler(this::health);
    router.get("/ready").handler(this::ready);
    router.get("/metrics").handler(this::metrics);
    router
        .get("/")
        .handler(
            rc -> rc.response().putHeader("Content-Type", "text/plain").end(Version.userAgent()));
    if (api != null) {
      api.mount(vertx, router, this::isReady);
    }
    server = vertx.createHttpServer().requestHandler(router);
    return server
        .listen(port, host)
        .onSuccess(
            s -> {
              LOG.info("HTTP server listening on {} port {}", host, s.actualPort());
              if (api != null) {
                LOG.info("{}", api.describe());
              }
            })
        .recover(
            err ->
                Future.failedFuture(
                    "--port "
                        + port
                        + " on "
                        + host
                        + ": cannot listen ("
                        + err.getMessage()
                        + ")"));
  }

  /** What /ready answers 204 for, and ilagent_ready reports as 1. */
  private boolean isReady() {
    return !shuttingDown && consumerState.getBoolean("ready", false);
  }

  @Override
  public Future<?> stop() {
    Future<Void> closed = server == null ? Future.succeededFuture() : server.close();
    return api == null ? closed : closed.eventually(api::close);
  }

  /** Prometheus text; rendering walks every meter, so it runs off the event loop. */
  private void metrics(RoutingContext rc) {
    vertx
        .executeBlocking(registry::scrape, false)
        .onSuccess(
            text ->
                rc.response()
                    .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                    .end(text))
        .onFailure(rc::fail);
  }

  private void health(RoutingContext rc) {
    rc.response().setStatusCode(shuttingDown ? 503 : 204).end();
  }

  private void ready(RoutingContext rc) {
    readiness
        .checkStatus("kafka")
        .onComplete(
            (result, err) -> {
              if (err == null && result.getUp()) {
                rc.response().setStatusCode(204).end();
                return;
              }
              JsonObject body = consumerState.copy();
              body.remove("ready");
              if (shuttingDown) {
                body.put("shutting_down", true);
              }
              if (err != null) {
                body.put("error", err.getMessage());
              }
              rc.response()
                  .setStatusCode(503)
                  .putHeader("Content-Type", "application/json")
                  .end(body.encode());
            });
  }
}
