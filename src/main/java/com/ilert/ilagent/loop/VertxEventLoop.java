package com.ilert.ilagent.loop;

import io.vertx.core.Context;

/**
 * The consumer core's {@link EventLoop} on a Vert.x context, timed by {@link System#nanoTime()}.
 */
public final class VertxEventLoop implements EventLoop {
  private final Context context;

  public VertxEventLoop(Context context) {
    this.context = context;
  }

  @Override
  public long nowMs() {
    return System.nanoTime() / 1_000_000;
  }

  @Override
  public long setTimer(long delayMs, Runnable action) {
    return context.owner().setTimer(Math.max(1, delayMs), id -> action.run());
  }

  @Override
  public void cancelTimer(long id) {
    if (id >= 0) {
      context.owner().cancelTimer(id);
    }
  }

  @Override
  public void execute(Runnable action) {
    context.runOnContext(v -> action.run());
  }
}
