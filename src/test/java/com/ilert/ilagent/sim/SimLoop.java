package com.ilert.ilagent.sim;

import com.ilert.ilagent.loop.EventLoop;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * One agent's event loop under the {@link Scheduler}: tasks in order, timers on the virtual clock.
 * Like Netty's loop, timers that fell due join the end of the task queue, behind what was queued
 * before them. A killed agent's loop drops everything.
 */
final class SimLoop implements EventLoop {
  private static final class Timer {
    final long due;
    final long seq;
    final long id;
    final Runnable action;
    boolean cancelled;

    Timer(long due, long seq, long id, Runnable action) {
      this.due = due;
      this.seq = seq;
      this.id = id;
      this.action = action;
    }
  }

  private final Scheduler scheduler;
  private final Trace trace;
  private final String name;
  private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
  private final PriorityQueue<Timer> timers =
      new PriorityQueue<>(
          (a, b) -> a.due != b.due ? Long.compare(a.due, b.due) : Long.compare(a.seq, b.seq));
  private final Map<Long, Timer> byId = new HashMap<>();
  private long nextId;
  private boolean dead;

  SimLoop(Scheduler scheduler, Trace trace, String name) {
    this.scheduler = scheduler;
    this.trace = trace;
    this.name = name;
  }

  @Override
  public long nowMs() {
    return scheduler.now();
  }

  @Override
  public long setTimer(long delayMs, Runnable action) {
    long id = nextId++;
    if (dead) {
      return id;
    }
    Timer t = new Timer(scheduler.now() + Math.max(1, delayMs), scheduler.nextSeq(), id, action);
    timers.add(t);
    byId.put(id, t);
    return id;
  }

  @Override
  public void cancelTimer(long id) {
    Timer t = byId.remove(id);
    if (t != null) {
      t.cancelled = true;
    }
  }

  @Override
  public void execute(Runnable action) {
    if (!dead) {
      tasks.add(action);
    }
  }

  /** The agent was killed: nothing of it runs any more. */
  void kill() {
    dead = true;
    tasks.clear();
    timers.clear();
    byId.clear();
  }

  boolean runnable(long now) {
    dropCancelled();
    return !tasks.isEmpty() || (!timers.isEmpty() && timers.peek().due <= now);
  }

  boolean idle() {
    return tasks.isEmpty();
  }

  long nextDue() {
    dropCancelled();
    return timers.isEmpty() ? Long.MAX_VALUE : timers.peek().due;
  }

  /** Runs one task, after queueing the timers that fell due. */
  void runOne(long now) {
    dropCancelled();
    while (!timers.isEmpty() && timers.peek().due <= now) {
      Timer t = timers.poll();
      if (!t.cancelled) {
        byId.remove(t.id);
        tasks.add(t.action);
      }
    }
    Runnable task = tasks.poll();
    if (task != null) {
      trace.add(now, name, "task");
      task.run();
    }
  }

  private void dropCancelled() {
    while (!timers.isEmpty() && timers.peek().cancelled) {
      timers.poll();
    }
  }
}
