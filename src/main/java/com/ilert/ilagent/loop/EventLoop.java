package com.ilert.ilagent.loop;

import io.vertx.core.Future;
import io.vertx.core.Promise;

/**
 * The event loop the consumer core runs on: a monotonic clock, timers, and the way in from other
 * threads. Production backs it with a Vert.x context and {@link System#nanoTime()}; the simulation
 * with a virtual clock it advances, so every timer, budget and pacing time of the core can be
 * driven step by step. Times are monotonic milliseconds: a step of the wall clock changes none of
 * them.
 */
public interface EventLoop {
  /** Milliseconds on a monotonic clock (not the wall clock: only differences mean anything). */
  long nowMs();

  /** Runs {@code action} on the loop after {@code delayMs} (at least 1); returns the timer's id. */
  long setTimer(long delayMs, Runnable action);

  /** Cancels a timer; an id that is not (or no longer) a timer's, such as -1, is ignored. */
  void cancelTimer(long id);

  /** Runs {@code action} on the loop soon; callable from any thread. */
  void execute(Runnable action);

  /** A future completed on the loop after {@code delayMs}. */
  default Future<Void> timer(long delayMs) {
    Promise<Void> done = Promise.promise();
    setTimer(delayMs, () -> done.complete());
    return done.future();
  }
}
