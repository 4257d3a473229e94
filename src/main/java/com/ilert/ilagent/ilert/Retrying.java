package com.ilert.ilagent.ilert;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Repeats one request to ilert on Vert.x timers, as the retry policy says, until it is answered for
 * good, its budget is spent or {@code stopped} turns true. For single requests such as the agent's
 * own heartbeat; records from Kafka are retried by the consumer's dispatcher, which also keeps
 * their order.
 */
public final class Retrying {
  private Retrying() {}

  /** The last reply: delivered, rejected, or the one that ended the budget. */
  public static Future<Reply> send(
      Vertx vertx, RetryPolicy policy, BooleanSupplier stopped, Supplier<Future<Reply>> attempt) {
    return attempt(vertx, policy, stopped, attempt, System.currentTimeMillis(), 1);
  }

  private static Future<Reply> attempt(
      Vertx vertx,
      RetryPolicy policy,
      BooleanSupplier stopped,
      Supplier<Future<Reply>> attempt,
      long startedAt,
      int n) {
    return attempt
        .get()
        .compose(
            reply -> {
              long now = System.currentTimeMillis();
              long delay =
                  policy.nextDelayMs(n, now - startedAt, reply.outcome(), reply.retryAfterMs(now));
              if (delay < 0 || stopped.getAsBoolean()) {
                return Future.succeededFuture(reply);
              }
              return vertx
                  .timer(Math.max(1, delay))
                  .compose(
                      v ->
                          stopped.getAsBoolean()
                              ? Future.succeededFuture(reply)
                              : attempt(vertx, policy, stopped, attempt, startedAt, n + 1));
            });
  }
}
