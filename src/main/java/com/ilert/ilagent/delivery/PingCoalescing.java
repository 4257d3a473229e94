package com.ilert.ilagent.delivery;

import com.ilert.ilagent.loop.EventLoop;
import com.ilert.ilagent.pacing.heartbeat.HeartbeatCoalescer;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Heartbeat records on their way to the dispatcher: at most one ping per heartbeat key per interval
 * ({@link HeartbeatCoalescer}). The first record of a quiet key goes at once; later ones within the
 * interval ride on a trailing ping, the newest replacing the one before, which is then done
 * (committed, counted as coalesced). A timer hands the trailing pings to the dispatcher when their
 * interval ends. Runs on one event loop.
 */
public final class PingCoalescing<W extends Work> {
  private final EventLoop loop;
  private final HeartbeatCoalescer<W> coalescer;
  private final Dispatcher<W> dispatcher;
  private final Consumer<W> coalesced;
  private final Consumer<W> dropped;
  private long timer = -1;
  private long timerDueAt = Long.MAX_VALUE;

  /**
   * @param coalesced a record replaced on its trailing ping by a newer one: it is done
   * @param dropped a record that no longer rides on a ping (its partition was revoked): not done
   */
  public PingCoalescing(
      EventLoop loop,
      long intervalMs,
      Dispatcher<W> dispatcher,
      Consumer<W> coalesced,
      Consumer<W> dropped) {
    this.loop = loop;
    this.coalescer = new HeartbeatCoalescer<>(intervalMs);
    this.dispatcher = dispatcher;
    this.coalesced = coalesced;
    this.dropped = dropped;
  }

  /** A heartbeat record: pinged now, or riding on its key's trailing ping. */
  public void take(W work) {
    HeartbeatCoalescer.Decision<W> d = coalescer.onRecord(work.key(), work, loop.nowMs());
    if (d.sendNow()) {
      dispatcher.submit(work);
      return;
    }
    if (d.superseded() != null) {
      coalesced.accept(d.superseded());
    }
    schedule();
  }

  /** Records riding on trailing pings that match are dropped (not done): their partition left. */
  public void drop(Predicate<? super W> which) {
    coalescer.abandon(which::test).forEach(dropped);
  }

  /** Stopping: records still riding on trailing pings stay uncommitted, pinged after a restart. */
  public void stop() {
    loop.cancelTimer(timer);
    coalescer.takeAll().forEach(due -> dropped.accept(due.token()));
  }

  private void schedule() {
    long dueAt = coalescer.nextDueAt();
    if (dueAt == Long.MAX_VALUE || (timer >= 0 && timerDueAt <= dueAt)) {
      return;
    }
    loop.cancelTimer(timer);
    timerDueAt = dueAt;
    timer =
        loop.setTimer(
            Math.max(1, dueAt - loop.nowMs()),
            () -> {
              timer = -1;
              timerDueAt = Long.MAX_VALUE;
              for (HeartbeatCoalescer.Due<W> due : coalescer.due(loop.nowMs())) {
                if (due.token().stale()) {
                  dropped.accept(due.token());
                } else {
                  dispatcher.submit(due.token());
                }
              }
              dispatcher.dispatch();
              schedule();
            });
  }
}
