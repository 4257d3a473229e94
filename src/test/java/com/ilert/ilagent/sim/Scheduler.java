package com.ilert.ilagent.sim;

import com.ilert.ilagent.kafka.PollLoop;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;

/**
 * The seeded scheduler: one virtual clock, and the actors it interleaves one step at a time on the
 * test's one thread. The actors: the agent's event loop ({@link SimLoop}), the Kafka consumer's
 * thread (the agent's real {@link PollLoop}), and the world (producers, the group coordinator, the
 * broker's answers, ilert, faults), whose events are due at virtual times. Which runnable actor
 * goes next is drawn from the seeded generator, so a seed replays exactly.
 *
 * <p>The consumer's thread blocks inside Kafka's calls and in the rebalance bridge; there the model
 * calls {@link #yieldPoint} or {@link #runUntil}, which run the other actors meanwhile (the thread
 * itself cannot be picked: it is blocked). Nothing here uses a real thread or the wall clock.
 */
final class Scheduler {
  /** A world event: due at {@code at}, ties broken by the order of scheduling. */
  private record Event(long at, long seq, Runnable action) {}

  /**
   * Thrown on the consumer's thread of an agent killed while that thread waited: it unwinds the
   * dead process's stack (an Error, so the agent's handlers of exceptions let it pass).
   */
  static final class Killed extends Error {
    Killed() {
      super("the agent was killed", null, false, false);
    }
  }

  final SplittableRandom random;
  final Trace trace;
  private long now;
  private long seq;
  private final PriorityQueue<Event> world =
      new PriorityQueue<>(
          (a, b) -> a.at != b.at ? Long.compare(a.at, b.at) : Long.compare(a.seq, b.seq));
  private SimLoop loop;
  private PollLoop consumer;
  private int blocked;
  private PollLoop blockedConsumer;
  private long steps;
  private Runnable afterStep = () -> {};

  Scheduler(long seed, Trace trace) {
    this.random = new SplittableRandom(seed);
    this.trace = trace;
  }

  long now() {
    return now;
  }

  long steps() {
    return steps;
  }

  /** The agent now running (or none): its event loop and consumer thread become actors. */
  void agent(SimLoop loop, PollLoop consumer) {
    this.loop = loop;
    this.consumer = consumer;
  }

  /** Run after every top-level step: the invariants. */
  void afterStep(Runnable check) {
    this.afterStep = check;
  }

  /** A world event at {@code at} (not before now). */
  void at(long at, Runnable action) {
    world.add(new Event(Math.max(at, now), seq++, action));
  }

  void after(long delayMs, Runnable action) {
    at(now + Math.max(0, delayMs), action);
  }

  /** Sequence numbers for the event loops' timers, so all ties break the same way every run. */
  long nextSeq() {
    return seq++;
  }

  /** One top-level step; false when nothing is left to do at all. */
  boolean step() {
    boolean progressed = stepOnce(true, Long.MAX_VALUE);
    if (progressed) {
      afterStep.run();
    }
    return progressed;
  }

  /**
   * Inside a blocking call of the consumer's thread: maybe let the others run a few steps first
   * (the thread was descheduled right there).
   */
  void yieldPoint() {
    int k = 0;
    while (random.nextInt(3) == 0 && k < 8) {
      k++;
    }
    enterBlocked();
    try {
      for (int i = 0; i < k; i++) {
        if (!stepOnce(false, now)) {
          break;
        }
        stillAlive();
      }
    } finally {
      blocked--;
    }
  }

  /**
   * The consumer's thread is descheduled for up to {@code maxMs}: the others run, and time may pass
   * (answers arrive, records complete).
   */
  void descheduled(long maxMs) {
    long until = now + random.nextLong(maxMs + 1);
    runUntil(() -> false, until);
  }

  /**
   * The consumer's thread blocks until {@code done} or until the clock reaches {@code deadline};
   * the others run meanwhile. True if {@code done}.
   */
  boolean runUntil(BooleanSupplier done, long deadline) {
    enterBlocked();
    try {
      while (!done.getAsBoolean()) {
        if (now >= deadline && !othersRunnableNow()) {
          return false;
        }
        if (!stepOnce(false, deadline)) {
          now = Math.max(now, deadline);
          return done.getAsBoolean();
        }
        stillAlive();
      }
      return true;
    } finally {
      blocked--;
    }
  }

  private void enterBlocked() {
    if (blocked++ == 0) {
      blockedConsumer = consumer;
    }
  }

  /** The agent whose thread waits here was killed meanwhile: nothing of it runs on. */
  private void stillAlive() {
    if (blockedConsumer != consumer) {
      throw new Killed();
    }
  }

  private boolean othersRunnableNow() {
    return (loop != null && loop.runnable(now)) || (!world.isEmpty() && world.peek().at <= now);
  }

  /**
   * Runs one actor's step. With {@code withConsumer} false the consumer's thread is blocked. Time
   * moves only when no actor can run now, or now and then as if an actor was slow; never past
   * {@code until}.
   */
  private boolean stepOnce(boolean withConsumer, long until) {
    steps++;
    boolean loopReady = loop != null && loop.runnable(now);
    boolean worldReady = !world.isEmpty() && world.peek().at <= now;
    boolean consumerReady = withConsumer && blocked == 0 && consumer != null && consumer.ready();
    int choices = (loopReady ? 1 : 0) + (worldReady ? 1 : 0) + (consumerReady ? 1 : 0);
    boolean slowDown = choices > 0 && random.nextInt(40) == 0;
    if (choices == 0 || slowDown) {
      long next = nextDue();
      if (next == Long.MAX_VALUE || next > until) {
        if (choices == 0) {
          return false;
        }
      } else if (next > now) {
        now = next;
        trace.add(now, "time", null);
        return true;
      } else if (choices == 0) {
        return false;
      }
    }
    int pick = random.nextInt(Math.max(1, choices));
    if (loopReady && pick-- == 0) {
      loop.runOne(now);
      return true;
    }
    if (worldReady && pick-- == 0) {
      Event e = world.poll();
      e.action.run();
      return true;
    }
    if (consumerReady) {
      trace.add(now, "consumer", "turn");
      try {
        consumer.runOnce();
      } catch (Killed e) {
        // the process died while its thread waited
      }
      return true;
    }
    return false;
  }

  private long nextDue() {
    long next = world.isEmpty() ? Long.MAX_VALUE : world.peek().at;
    if (loop != null) {
      next = Math.min(next, loop.nextDue());
    }
    return next;
  }
}
