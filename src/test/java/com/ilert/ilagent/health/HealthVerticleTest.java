package com.ilert.ilagent.health;

import static org.assertj.core.api.Assertions.assertThat;

import com.ilert.ilagent.Addresses;
import com.ilert.ilagent.Version;
import com.ilert.ilagent.testkit.Ports;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The probes and /metrics as a client sees them while the consumer's state and the start of
 * shutdown arrive over the event bus.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 15, timeUnit = TimeUnit.SECONDS)
class HealthVerticleTest {
  private static final String HOST = "127.0.0.1";

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private Vertx vertx;
  private HttpClientAgent http;
  private int port;

  record Answer(int status, String body) {}

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    http = vertx.createHttpClient();
    port = Ports.freePort();
  }

  private Future<Answer> get(String path) {
    return http.request(HttpMethod.GET, port, HOST, path)
        .compose(
            request ->
                request
                    .send()
                    .compose(
                        response ->
                            response
                                .body()
                                .map(body -> new Answer(response.statusCode(), body.toString()))));
  }

  /**
   * Asks {@code path} every 20 ms, for up to 10 s, until it answers {@code status}: a state
   * published on the event bus reaches the verticle a moment later.
   */
  private Future<Answer> awaitStatus(String path, int status) {
    return awaitStatus(path, status, System.nanoTime() + TimeUnit.SECONDS.toNanos(10));
  }

  private Future<Answer> awaitStatus(String path, int status, long deadline) {
    return get(path)
        .compose(
            answer -> {
              if (answer.status() == status) {
                return Future.succeededFuture(answer);
              }
              if (System.nanoTime() > deadline) {
                return Future.failedFuture(
                    new AssertionError(
                        path + " did not answer " + status + " within 10 s; last: " + answer));
              }
              return vertx.timer(20).compose(v -> awaitStatus(path, status, deadline));
            });
  }

  private static JsonObject state(boolean ready) {
    return new JsonObject()
        .put("component", "kafka")
        .put("ready", ready)
        .put("consumer_started", true)
        .put("subscribed", true)
        .put("assigned", ready)
        .put("error", null);
  }

  @Test
  void readinessFollowsTheConsumersStateAndBothProbesTurn503AtShutdown(VertxTestContext ctx) {
    Checkpoint notReadyAtFirst = ctx.checkpoint();
    Checkpoint readyOnceTheConsumerIs = ctx.checkpoint();
    Checkpoint downAtShutdown = ctx.checkpoint();
    vertx
        .deployVerticle(new HealthVerticle(HOST, port, registry, true, null))
        .compose(id -> Future.all(get("/ready"), get("/health"), get("/metrics")))
        .compose(
            first -> {
              Answer ready = first.resultAt(0);
              Answer health = first.resultAt(1);
              Answer metrics = first.resultAt(2);
              ctx.verify(
                  () -> {
                    assertThat(ready.status()).isEqualTo(503);
                    assertThat(new JsonObject(ready.body()))
                        .as("what /ready says is missing")
                        .isEqualTo(
                            new JsonObject()
                                .put("component", "kafka")
                                .put("consumer_started", false)
                                .put("subscribed", false)
                                .put("assigned", false)
                                .put("error", null));
                    assertThat(health.status()).as("alive while not ready").isEqualTo(204);
                    assertThat(metrics.body()).contains("ilagent_ready 0.0");
                    notReadyAtFirst.flag();
                  });
              vertx.eventBus().publish(Addresses.CONSUMER_STATE, state(true));
              return awaitStatus("/ready", 204).compose(v -> get("/metrics"));
            })
        .compose(
            metrics -> {
              ctx.verify(
                  () -> {
                    assertThat(metrics.body()).contains("ilagent_ready 1.0");
                    readyOnceTheConsumerIs.flag();
                  });
              vertx.eventBus().publish(Addresses.SHUTDOWN, 0);
              return awaitStatus("/health", 503)
                  .compose(v -> Future.all(get("/ready"), get("/metrics")));
            })
        .onComplete(
            ctx.succeeding(
                last -> {
                  Answer ready = last.resultAt(0);
                  Answer metrics = last.resultAt(1);
                  ctx.verify(
                      () -> {
                        assertThat(ready.status()).isEqualTo(503);
                        assertThat(new JsonObject(ready.body()).getBoolean("shutting_down"))
                            .as("/ready says why")
                            .isTrue();
                        assertThat(metrics.body()).contains("ilagent_ready 0.0");
                        downAtShutdown.flag();
                      });
                }));
  }

  @Test
  void withoutAConsumerTheAgentIsReadyAtOnce(VertxTestContext ctx) {
    vertx
        .deployVerticle(new HealthVerticle(HOST, port, registry, false, null))
        .compose(id -> Future.all(get("/ready"), get("/metrics"), get("/")))
        .onComplete(
            ctx.succeeding(
                answers ->
                    ctx.verify(
                        () -> {
                          assertThat(answers.<Answer>resultAt(0).status()).isEqualTo(204);
                          assertThat(answers.<Answer>resultAt(1).body())
                              .contains("ilagent_ready 1.0");
                          assertThat(answers.<Answer>resultAt(2).body())
                              .isEqualTo(Version.userAgent());
                          ctx.completeNow();
                        })));
  }

  @Test
  void aPortInUseFailsTheStartNamingTheOption(VertxTestContext ctx) throws Exception {
    ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName(HOST));
    int busy = taken.getLocalPort();
    vertx
        .deployVerticle(new HealthVerticle(HOST, busy, registry, true, null))
        .onComplete(
            ar -> {
              closeQuietly(taken);
              ctx.verify(
                  () -> {
                    assertThat(ar.failed()).as("the start fails").isTrue();
                    assertThat(ar.cause().getMessage())
                        .startsWith("--port " + busy + " on " + HOST + ": cannot listen");
                    ctx.completeNow();
                  });
            });
  }

  private static void closeQuietly(ServerSocket socket) {
    try {
      socket.close();
    } catch (java.io.IOException e) {
      // nothing listens there any more either way
    }
  }
}
