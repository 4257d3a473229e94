package com.ilert.ilagent;

import static org.assertj.core.api.Assertions.assertThat;

import com.ilert.ilagent.ilert.IlertClient;
import com.ilert.ilagent.metrics.AgentMetrics;
import com.ilert.ilagent.testkit.Fault;
import com.ilert.ilagent.testkit.IlertStandIn;
import com.ilert.ilagent.testkit.Received;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The agent's own heartbeat (-b) against the ilert stand-in: what ilert gets, what is counted. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 15, timeUnit = TimeUnit.SECONDS)
class HeartbeatVerticleTest {
  /** A heartbeat monitor key (not il1hbt...): pinged with HEAD on the heartbeat URL. */
  private static final String KEY = "hbownheartbeattest0001";

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final AgentMetrics metrics = new AgentMetrics(registry);
  private IlertStandIn ilert;
  private Vertx vertx;

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    ilert = new IlertStandIn().start();
  }

  @AfterEach
  void tearDown() {
    ilert.close();
  }

  private Future<String> deploy() {
    IlertClient client = new IlertClient(vertx, ilert.apiUrl(), ilert.heartbeatUrl(), 4, 5_000);
    return vertx.deployVerticle(new HeartbeatVerticle(KEY, client, metrics));
  }

  private double pings(String result) {
    Counter c =
        registry
            .find("ilagent.heartbeat.pings")
            .tag("source", "own")
            .tag("result", result)
            .counter();
    return c == null ? 0 : c.count();
  }

  /** Completes once a ping with this result is counted. */
  private Future<Void> awaitCounted(String result) {
    return awaitThat(() -> pings(result) >= 1, "an own ping counted as " + result);
  }

  /**
   * Checks every 20 ms until {@code condition} holds; fails after 10 s saying what it waited for
   * and what ilert answered.
   */
  private Future<Void> awaitThat(BooleanSupplier condition, String what) {
    return awaitThat(condition, what, System.nanoTime() + TimeUnit.SECONDS.toNanos(10));
  }

  private Future<Void> awaitThat(BooleanSupplier condition, String what, long deadline) {
    if (condition.getAsBoolean()) {
      return Future.succeededFuture();
    }
    if (System.nanoTime() > deadline) {
      return Future.failedFuture(
          new AssertionError(
              "no "
                  + what
                  + " within 10 s; ilert answered "
                  + ilert.attempts().stream().map(Received::status).toList()));
    }
    return vertx.timer(20).compose(v -> awaitThat(condition, what, deadline));
  }

  @Test
  void pingsAtStartAndCountsItDelivered(VertxTestContext ctx) {
    deploy()
        .compose(id -> awaitCounted("delivered"))
        .onComplete(
            ctx.succeeding(
                v ->
                    ctx.verify(
                        () -> {
                          assertThat(ilert.pings())
                              .extracting(p -> p.method() + " " + p.path())
                              .containsExactly("HEAD /beat/pings/" + KEY);
                          assertThat(pings("delivered")).isEqualTo(1);
                          ctx.completeNow();
                        })));
  }

  @Test
  void aPingAnswered503IsRetriedUntilIlertTakesIt(VertxTestContext ctx) {
    Checkpoint attempts = ctx.checkpoint(3); // two 503s, then the 202
    Checkpoint counted = ctx.checkpoint();
    ilert.fault(Fault.status(503).forKey(KEY).times(2)).onOutcome(r -> attempts.flag());
    deploy()
        .compose(id -> awaitCounted("delivered"))
        .onComplete(
            ctx.succeeding(
                v ->
                    ctx.verify(
                        () -> {
                          assertThat(ilert.attempts())
                              .extracting(Received::status)
                              .containsExactly(503, 503, 202);
                          assertThat(pings("failed")).as("not counted as failed").isZero();
                          counted.flag();
                        })));
  }

  @Test
  void aPingWaitingForItsRetryAtTheStopIsCountedAbandoned(VertxTestContext ctx) {
    ilert.fault(Fault.status(503).forKey(KEY));
    deploy()
        .compose(
            id ->
                awaitThat(() -> !ilert.attempts().isEmpty(), "first attempt")
                    .compose(v -> vertx.undeploy(id)))
        .compose(v -> awaitCounted("abandoned"))
        .onComplete(
            ctx.succeeding(
                v ->
                    ctx.verify(
                        () -> {
                          assertThat(pings("failed")).as("not counted as failed").isZero();
                          ctx.completeNow();
                        })));
  }

  @Test
  void aRejectedPingIsCountedOnceNeitherRetriedNorFatal(VertxTestContext ctx) {
    ilert.fault(Fault.status(404).forKey(KEY));
    deploy()
        .compose(id -> awaitCounted("rejected"))
        .onComplete(
            ctx.succeeding(
                v ->
                    ctx.verify(
                        () -> {
                          // Counted once the ping is over: a retry would have come before.
                          assertThat(ilert.attempts())
                              .extracting(Received::status)
                              .containsExactly(404);
                          assertThat(vertx.deploymentIDs()).as("still deployed").hasSize(1);
                          ctx.completeNow();
                        })));
  }
}
