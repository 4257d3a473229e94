package com.ilert.ilagent.chaos;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Runs fault injections on a schedule while a scenario runs; close() stops them. */
final class Injector implements AutoCloseable {
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "chaos-injector");
    t.setDaemon(true);
    return t;
  });

  /** {@code action} every {@code period}, the first time after one period. */
  Injector every(Duration period, Runnable action) {
    timer.scheduleAtFixedRate(() -> {
      try {
        action.run();
      } catch (RuntimeException e) {
        System.err.println("chaos injector: " + e);
      }
    }, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    return this;
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
