package com.ilert.ilagent.ilert;

import static org.assertj.core.api.Assertions.assertThat;

import com.ilert.ilagent.metrics.AgentMetrics;
import com.ilert.ilagent.testkit.Fault;
import com.ilert.ilagent.testkit.IlertStandIn;
import com.ilert.ilagent.util.RecordRef;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Deliveries against the ilert stand-in, on one event loop as in the agent. */
class DelivererTest {
  private static final String KEY = "il1apideliverer000001";
  private static final byte[] EVENT =
      ("{\"integrationKey\":\"" + KEY + "\",\"eventType\":\"ALERT\",\"summary\":\"s\"}").getBytes(StandardCharsets.UTF_8);

  private Vertx vertx;
  private IlertStandIn ilert;
  private IlertClient client;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    ilert = new IlertStandIn().start();
    client = new IlertClient(vertx, ilert.apiUrl(), ilert.heartbeatUrl(), 4, 2_000);
  }

  @AfterEach
  void stop() {
    ilert.close();
    vertx.close().await();
  }

  @Test
  void aRecordWhoseBudgetEndsDuringABackOffTriesOnceMoreAtTheBudgetEnd() throws Exception {
    // A 429 backs the key off for 6 s, longer than the records' 1 s budget.
    ilert.fault(Fault.status(429).header("Retry-After", "6").forKey(KEY).times(1));
    Promise<DeliveryResult> first = Promise.promise();
    Promise<DeliveryResult> second = Promise.promise();
    Deliverer[] deliverer = new Deliverer[1];
    long started = System.nanoTime();
    vertx.runOnContext(v -> {
      deliverer[0] = new Deliverer(vertx, client, 1_000, 1_000, AgentMetrics.noop());
      deliverer[0].deliverEvent(KEY, EVENT, () -> RecordRef.label("first")).onComplete(first);
    });
    ilert.awaitAttempts(1, Duration.ofSeconds(5)); // the 429 is answered: the key is backed off
    vertx.runOnContext(v -> deliverer[0].deliverEvent(KEY, EVENT, () -> RecordRef.label("second")).onComplete(second));

    for (Promise<DeliveryResult> p : List.of(first, second)) {
      DeliveryResult result = p.future().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertThat(result.kind()).isEqualTo(DeliveryResult.Kind.DELIVERED);
    }
    long elapsedMs = (System.nanoTime() - started) / 1_000_000;
    assertThat(elapsedMs).as("one last attempt at the end of the 1 s budget, not after the 6 s back-off")
        .isLessThan(4_000);
    assertThat(ilert.attempts()).as("the 429, then one attempt each").hasSize(3);
  }
}
