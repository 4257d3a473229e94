package com.ilert.ilagent.consumer;

import com.ilert.ilagent.loop.EventLoop;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * Futures that complete once a condition holds, checked whenever work finishes; a revoke waits for
 * its partitions' requests this way, and a stop for everything it started. Runs on one event loop.
 */
final class Waiters {
  private final EventLoop loop;
  private final List<Waiter> waiting = new ArrayList<>(2);

  Waiters(EventLoop loop) {
    this.loop = loop;
  }

  /**
   * Completes once {@code condition} holds, or fails with a TimeoutException after {@code boundMs}.
   */
  Future<Void> until(BooleanSupplier condition, long boundMs) {
    if (condition.getAsBoolean()) {
      return Future.succeededFuture();
    }
    Waiter w = new Waiter(condition, Promise.promise());
    w.timer =
        loop.setTimer(
            Math.max(1, boundMs),
            () -> {
              waiting.remove(w);
              w.promise.tryFail(new TimeoutException("not done within " + boundMs + " ms"));
            });
    waiting.add(w);
    return w.promise.future();
  }

  /** Something finished: completes the waiters whose condition now holds. */
  void check() {
    if (waiting.isEmpty()) {
      return;
    }
    for (Waiter w : List.copyOf(waiting)) {
      if (w.condition.getAsBoolean()) {
        waiting.remove(w);
        loop.cancelTimer(w.timer);
        // Not from inside the caller's update: whoever waits acts on a settled state.
        loop.execute(() -> w.promise.tryComplete());
      }
    }
  }

  private static final class Waiter {
    final BooleanSupplier condition;
    final Promise<Void> promise;
    long timer;

    Waiter(BooleanSupplier condition, Promise<Void> promise) {
      this.condition = condition;
      this.promise = promise;
    }
  }
}
