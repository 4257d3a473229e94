package com.ilert.ilagent.kafka;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * How code on the Kafka consumer's thread waits for the event loop. Production blocks the thread;
 * the simulation, which runs both on one thread, runs the other actors (event loop, timers, ilert)
 * until the future completes or the virtual clock passes the bound.
 */
public interface ConsumerThread {
  /** A real thread that blocks. */
  ConsumerThread BLOCKING =
      new ConsumerThread() {
        @Override
        public <T> T await(CompletableFuture<T> future, long timeoutMs)
            throws InterruptedException, ExecutionException, TimeoutException {
          return future.get(timeoutMs, TimeUnit.MILLISECONDS);
        }
      };

  /** The future's value, waiting at most {@code timeoutMs}. */
  <T> T await(CompletableFuture<T> future, long timeoutMs)
      throws InterruptedException, ExecutionException, TimeoutException;
}
