package com.ilert.ilagent.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.ilert.ilagent.loop.VertxEventLoop;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Kafka errors arrive on the client's thread; the state they change belongs to the event loop. */
class KafkaErrorsTest {
  private final Vertx vertx = Vertx.vertx();
  private final Context context = vertx.getOrCreateContext();
  private final List<Thread> changedOn = new CopyOnWriteArrayList<>();
  private final KafkaErrors errors =
      new KafkaErrors(
          new VertxEventLoop(context),
          Map.of(
              "sasl.jaas.config",
              "PlainLoginModule required username=\"u\" password=\"hunter2secret\";"),
          () -> changedOn.add(Thread.currentThread()));

  @AfterEach
  void close() {
    vertx.close().await();
  }

  private String lastError() {
    java.util.concurrent.CompletableFuture<String> f =
        new java.util.concurrent.CompletableFuture<>();
    context.runOnContext(v -> f.complete(errors.lastError()));
    return f.join();
  }

  @Test
  void anErrorFromTheClientsThreadIsRecordedOnTheContextAndClearedOnceHealthy() throws Exception {
    Thread kafkaThread =
        new Thread(
            () ->
                errors.report(new IllegalStateException("auth failed for password hunter2secret")),
            "kafka-consumer-thread");
    kafkaThread.start();
    kafkaThread.join();

    await().atMost(Duration.ofSeconds(5)).until(() -> lastError() != null);
    assertThat(lastError()).contains("auth failed").doesNotContain("hunter2secret");
    assertThat(changedOn).hasSize(1);
    assertThat(changedOn.get(0).getName())
        .as("state changes on the event loop")
        .startsWith("vert.x-eventloop");

    context.runOnContext(v -> errors.healthy());
    await().atMost(Duration.ofSeconds(5)).until(() -> lastError() == null);
    assertThat(changedOn).hasSize(2);
  }

  @Test
  void theSameErrorAgainChangesNothing() {
    errors.report(new IllegalStateException("broker down"));
    errors.report(new IllegalStateException("broker down"));
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> "java.lang.IllegalStateException: broker down".equals(lastError()));
    await().atMost(Duration.ofSeconds(5)).until(() -> changedOn.size() == 1);
  }
}
