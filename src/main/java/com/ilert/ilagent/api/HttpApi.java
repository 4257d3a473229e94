package com.ilert.ilagent.api;

import com.ilert.ilagent.config.AgentConfig;
import com.ilert.ilagent.ilert.IlertClient;
import com.ilert.ilagent.mapping.ApiEvent;
import com.ilert.ilagent.mapping.EventMapper;
import com.ilert.ilagent.mapping.MappingResult;
import com.ilert.ilagent.metrics.AgentMetrics;
import com.ilert.ilagent.redaction.Redaction;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.apache.kafka.common.errors.RetriableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Rust program's event proxy on the -p port, with the event topic as its queue:
 *
 * <ul>
 *   <li>{@code POST /api/events}: an ilert event as JSON ({@link ApiEvent}); 400 for a body that is
 *       not one, 413 over {@value ApiEvent#MAX_BYTES} bytes, 404 without an event topic, 503 while
 *       the agent is not ready or when Kafka has not acknowledged the event within 5 s; else 200
 *       with the event as queued, once the broker has it. The consumer then sends it as it is to
 *       ilert's generic {@code POST {api}/events}.
 *   <li>{@code GET /api/heartbeats/{key}}: pings ilert ({@link HeartbeatProxy}); 202 {@code {}}, or
 *       500 when the ping failed.
 * </ul>
 *
 * With {@code --http_api_token} both require {@code Authorization: Bearer <token>} (401 without);
 * the probes and /metrics stay open.
 */
public final class HttpApi {
  private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);
  private static final String JSON = "application/json";

  private final AgentConfig config;
  private final IlertClient client;
  private final AgentMetrics metrics;
  private final BearerToken token;
  private EventQueue queue;
  private HeartbeatProxy heartbeats;
  private BooleanSupplier ready;

  public HttpApi(AgentConfig config, IlertClient client, AgentMetrics metrics) {
    this.config = config;
    this.client = client;
    this.metrics = metrics;
    this.token = new BearerToken(config.httpApiToken());
  }

  /**
   * Adds the routes.
   *
   * @param ready whether the agent is ready (its /ready answers 204): until then no event is
   *     queued, as a new consumer group could still start reading behind it
   */
  public void mount(Vertx vertx, Router router, BooleanSupplier ready) {
    this.ready = ready;
    if (config.kafka().enabled() && !config.kafka().eventTopics().isEmpty()) {
      queue = new EventQueue(vertx, config.kafka(), config.kafka().eventTopics().get(0));
    }
    heartbeats =
        new HeartbeatProxy(vertx, client, config.delivery().rateLimits().pingIntervalMs(), metrics);
    router.route("/api/*").handler(this::authorize);
    router
        .post("/api/events")
        .handler(BodyHandler.create(false).setBodyLimit(ApiEvent.MAX_BYTES))
        .handler(this::needsQueue)
        .handler(this::postEvent);
    router.get("/api/heartbeats/:key").handler(this::getHeartbeat);
  }

  /** What the log says at start about the API. */
  public String describe() {
    return "HTTP API: POST /api/events "
        + (queue == null ? "answers 404 (no event topic)" : "queues in topic " + queue.topic())
        + ", GET /api/heartbeats/KEY; "
        + (token.required()
            ? "a bearer token is required"
            : "open to whoever reaches the port (see --http_api_token)");
  }

  public Future<Void> close() {
    if (heartbeats != null) {
      heartbeats.stop();
    }
    return queue == null ? Future.succeededFuture() : queue.close();
  }

  private void authorize(RoutingContext rc) {
    if (token.admits(rc.request().getHeader("Authorization"))) {
      rc.next();
      return;
    }
    LOG.info(
        "HTTP API: {} {} from {} refused: no or wrong bearer token",
        rc.request().method(),
        rc.request().path().startsWith("/api/heartbeats/")
            ? "/api/heartbeats/..."
            : rc.request().path(),
        rc.request().remoteAddress());
    rc.response().putHeader("WWW-Authenticate", "Bearer");
    error(rc, 401, "missing or wrong bearer token (Authorization: Bearer <token>)");
  }

  private void needsQueue(RoutingContext rc) {
    if (queue == null) {
      error(
          rc,
          404,
          "no event topic: events posted here are queued in the first event topic (-e), and this"
              + " agent has none");
      return;
    }
    rc.next();
  }

  private void postEvent(RoutingContext rc) {
    Buffer body = rc.body().buffer();
    MappingResult checked = ApiEvent.fromBody(body == null ? null : body.getBytes());
    if (checked instanceof MappingResult.Skip skip) {
      error(rc, 400, skip.detail());
      return;
    }
    if (!ready.getAsBoolean()) {
      error(rc, 503, "not ready: the agent is starting or stopping (see /ready)");
      return;
    }
    MappingResult.GenericEvent event = (MappingResult.GenericEvent) checked;
    queue
        .add(event)
        .onSuccess(
            meta -> {
              LOG.info(
                  "HTTP API: queued {} event for key {} in topic {} partition {} offset {}",
                  event.eventType(),
                  Redaction.key(event.integrationKey()),
                  meta.topic(),
                  meta.partition(),
                  meta.offset());
              rc.response()
                  .setStatusCode(200)
                  .putHeader("Content-Type", JSON)
                  .end(Buffer.buffer(event.body()));
            })
        .onFailure(
            err -> {
              boolean transient_ =
                  err instanceof TimeoutException || err instanceof RetriableException;
              LOG.warn(
                  "HTTP API: {} event for key {} not queued in topic {}: {}",
                  event.eventType(),
                  Redaction.key(event.integrationKey()),
                  queue.topic(),
                  err.toString());
              if (transient_) {
                error(
                    rc,
                    503,
                    "Kafka did not acknowledge the event within 5 s; it may still be queued, so"
                        + " a retry may deliver it twice");
              } else {
                error(rc, 500, "Failed to queue event: " + err.getClass().getSimpleName());
              }
            });
  }

  private void getHeartbeat(RoutingContext rc) {
    String key = rc.pathParam("key");
    String problem = EventMapper.keyProblem(key);
    if (problem != null) {
      error(rc, 400, "the key " + problem);
      return;
    }
    heartbeats
        .ping(key)
        .onComplete(
            (pinged, err) -> {
              if (err == null && pinged) {
                rc.response().setStatusCode(202).putHeader("Content-Type", JSON).end("{}");
              } else {
                rc.response()
                    .setStatusCode(500)
                    .putHeader("Content-Type", "text/plain")
                    .end("Failed to proxy heartbeat");
              }
            });
  }

  private static void error(RoutingContext rc, int status, String message) {
    rc.response()
        .setStatusCode(status)
        .putHeader("Content-Type", JSON)
        .end(new JsonObject().put("error", message).encode());
  }
}
