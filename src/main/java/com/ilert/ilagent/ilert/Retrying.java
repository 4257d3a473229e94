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
    return attempt(vertx, policy, stopped, attempt, nowMs(), 1);
  }

  /** A monotonic clock: a step of the wall clock must not spend or refill the budget. */
  private static long nowMs() {
    return System.nanoTime() / 1_000_000;
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
              long delay =
                  policy.nextDelayMs(n, nowMs() - startedAt, reply.outcome(), reply.retryAfterMs());
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
