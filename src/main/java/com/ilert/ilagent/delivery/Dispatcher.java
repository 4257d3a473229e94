package com.ilert.ilagent.delivery;

import com.ilert.ilagent.ilert.Outcome;
import com.ilert.ilagent.ilert.Reply;
import com.ilert.ilagent.ilert.RetryPolicy;
import com.ilert.ilagent.loop.EventLoop;
import com.ilert.ilagent.metrics.AgentMetrics;
import com.ilert.ilagent.pacing.Pacer;
import io.vertx.core.Future;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts deliveries in ordering-lane order, up to the in-flight limit and as the {@link Pacer}
 * allows, and routes each attempt's reply: done, rejected, retried later, or given up. A delivery
 * slot is held only while a request is on the wire: a record waiting for its retry gives its slot
 * back (its alert's lane stays blocked), and records of a key the pacer holds back (its told or
 * learned limit is used, or it answered 429) are set aside under that key until it may send again,
 * so other keys keep flowing whatever some keys wait for. Runs on one event loop.
 */
public final class Dispatcher<W extends Work> {
  private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

  /** What becomes of a record once the dispatcher is done with it. */
  public interface Listener<W> {
    void delivered(W work, Reply reply);

    /** ilert refused it for good (4xx other than 408/429). */
    void rejected(W work, Reply reply);

    /** The retry budget is spent. */
    void failed(W work, Reply reply);

    /** Dropped unfinished (revoked, rewound or stopping): it stays uncommitted. */
    void dropped(W work);
  }

  private final EventLoop loop;
  private final OrderingLanes<W> lanes;
  private final Function<W, Future<Reply>> send;
  private final RetryPolicy eventPolicy;
  private final RetryPolicy pingPolicy;
  private final Pacer pacer;
  private final Listener<W> listener;
  private final AgentMetrics metrics;
  private final Map<Object, Long> gateTimers = new HashMap<>();
  // Work has identity equality; insertion order keeps a drop's order the same from run to run.
  private final Set<W> suspended = Collections.newSetFromMap(new LinkedHashMap<>());
  private boolean halted;
  private boolean dispatching;

  public Dispatcher(
      EventLoop loop,
      int maxInFlight,
      Function<W, Future<Reply>> send,
      Pacer pacer,
      RetryPolicy eventPolicy,
      RetryPolicy pingPolicy,
      Listener<W> listener,
      AgentMetrics metrics) {
    this.loop = loop;
    this.pacer = pacer;
    this.lanes = new OrderingLanes<>(maxInFlight);
    this.send = send;
    this.eventPolicy = eventPolicy;
    this.pingPolicy = pingPolicy;
    this.listener = listener;
    this.metrics = metrics;
  }

  public void submit(W work) {
    pacer.waiting(work.requestKind(), work.pacedKey(), 1);
    lanes.submit(work.orderingKey(), work);
  }

  /** Starts whatever may start now. */
  public void dispatch() {
    if (halted || dispatching) {
      return; // called again from a reply that came at once: the loop below goes on by itself
    }
    dispatching = true;
    try {
      startReady();
    } finally {
      dispatching = false;
    }
    metrics.inFlight(lanes.inFlight() + lanes.waiting());
  }

  private void startReady() {
    long now = loop.nowMs();
    W work;
    while (!halted && (work = lanes.peek()) != null) {
      long wait = pacer.delayMs(work.requestKind(), work.pacedKey(), now);
      if (wait > 0) {
        if (work.heldSince < 0) {
          work.heldSince = now;
        }
        lanes.holdFirst(work.key());
        releaseLater(work.key(), wait);
        continue;
      }
      start(lanes.next(), now);
    }
  }

  /**
   * Drops unfinished records that match: queued ones and those waiting for a retry (their timers
   * are cancelled). Requests on the wire finish, and their outcome is dropped if the record is
   * stale by then.
   */
  public void drop(Predicate<? super W> which) {
    for (W w : lanes.removeQueued(which)) {
      pacer.waiting(w.requestKind(), w.pacedKey(), -1);
      listener.dropped(w);
    }
    for (W w : List.copyOf(suspended)) {
      if (which.test(w)) {
        suspended.remove(w);
        loop.cancelTimer(w.retryTimer);
        complete(w);
        listener.dropped(w);
      }
    }
    metrics.inFlight(lanes.inFlight() + lanes.waiting());
  }

  /** Nothing starts any more; everything queued or waiting is dropped (the stop's bound passed). */
  public void halt() {
    halted = true;
    drop(w -> true);
    gateTimers.values().forEach(loop::cancelTimer);
    gateTimers.clear();
  }

  /** Records on the wire. */
  public int inFlight() {
    return lanes.inFlight();
  }

  /** Records started and waiting for their next attempt. */
  public int waiting() {
    return lanes.waiting();
  }

  public int queued() {
    return lanes.queued();
  }

  /** Keys whose records the pacer holds back. */
  public int heldKeys() {
    return lanes.heldGates();
  }

  public boolean idle() {
    return lanes.inFlight() == 0 && lanes.waiting() == 0 && lanes.queued() == 0;
  }

  private void start(W work, long now) {
    suspended.remove(work);
    work.attemptStarted();
    if (work.heldSince >= 0) {
      // Waiting for its key's rate limit is no failure: it does not spend the retry budget.
      work.firstAttemptMs += now - work.heldSince;
      work.heldSince = -1;
    }
    if (work.attempts++ == 0) {
      work.firstAttemptMs = now;
    }
    work.paced = pacer.sent(work.requestKind(), work.pacedKey(), now);
    send.apply(work)
        .onComplete(
            (reply, err) ->
                answered(
                    work,
                    err == null ? reply : Reply.networkError(String.valueOf(err.getMessage()))));
  }

  private void answered(W work, Reply reply) {
    work.attemptEnded();
    long now = loop.nowMs();
    long retryAfter = reply.retryAfterMs();
    int status = reply.answer() == null ? 0 : reply.answer().status();
    metrics.answered(status);
    pacer.answered(work.paced, status, retryAfter, now);
    releaseNow(work.key()); // what waits for this key is asked again after each of its answers
    if (halted || work.stale()) {
      complete(work);
      listener.dropped(work);
    } else if (reply.outcome() == Outcome.DELIVERED) {
      complete(work);
      listener.delivered(work, reply);
    } else if (reply.outcome() == Outcome.PERMANENT) {
      complete(work);
      listener.rejected(work, reply);
    } else if (work.leaving()) {
      complete(work); // no retry for a partition on its way to another member
      listener.dropped(work);
    } else {
      retryOrGiveUp(work, reply, now, retryAfter);
    }
    dispatch();
  }

  private void retryOrGiveUp(W work, Reply reply, long now, long retryAfter) {
    long policyDelay =
        policy(work)
            .nextDelayMs(work.attempts, now - work.firstAttemptMs, reply.outcome(), retryAfter);
    if (policyDelay < 0) {
      complete(work);
      listener.failed(work, reply);
      return;
    }
    // After a 429 the pacer holds the key back until its window resets (it heard the 429 too).
    long delay = reply.outcome() == Outcome.RATE_LIMITED ? 0 : policyDelay;
    if (LOG.isInfoEnabled()) {
      var ref = work.where();
      String why =
          reply.answer() != null ? "ilert answered " + reply.answer().status() : reply.error();
      ref.log(
          () ->
              LOG.info(
                  "{}: attempt {} failed ({}), {}",
                  ref,
                  work.attempts,
                  why,
                  delay == 0
                      ? "retrying when its key may send again"
                      : "retrying in " + delay + " ms"));
    }
    metrics.retry();
    lanes.suspend(work);
    suspended.add(work);
    work.retryTimer =
        loop.setTimer(
            Math.max(1, delay),
            () -> {
              work.retryTimer = -1;
              if (lanes.resume(work)) {
                dispatch();
              }
            });
  }

  /** Done with {@code work}: its slot is free, and the pacer counts one record less of its key. */
  private void complete(W work) {
    lanes.complete(work);
    pacer.waiting(work.requestKind(), work.pacedKey(), -1);
  }

  private RetryPolicy policy(Work work) {
    return work.heartbeat() ? pingPolicy : eventPolicy;
  }

  private void releaseNow(Object gate) {
    Long timer = gateTimers.remove(gate);
    if (timer != null) {
      loop.cancelTimer(timer);
      lanes.releaseHeld(gate);
    }
  }

  private void releaseLater(Object gate, long waitMs) {
    if (gateTimers.containsKey(gate)) {
      return;
    }
    gateTimers.put(
        gate,
        loop.setTimer(
            Math.max(1, waitMs),
            () -> {
              gateTimers.remove(gate);
              lanes.releaseHeld(gate);
              dispatch();
            }));
  }
}
