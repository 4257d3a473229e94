package com.ilert.ilagent.ilert;

import com.ilert.ilagent.metrics.AgentMetrics;
import com.ilert.ilagent.util.Mask;
import com.ilert.ilagent.util.RecordRef;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers one event or ping to ilert with in-process retries: exponential backoff with jitter,
 * Retry-After honoured, and a 429 backing off every record of the same integration key. Delays are
 * Vert.x timers; no thread ever sleeps. Used from one event loop only.
 */
public final class Deliverer {
  private static final Logger LOG = LoggerFactory.getLogger(Deliverer.class);

  private final Vertx vertx;
  private final AgentMetrics metrics;
  private final IlertClient client;
  private final RetryPolicy eventPolicy;
  private final RetryPolicy pingPolicy;
  private final KeyBackoff keyBackoff = new KeyBackoff();
  private final Set<Attempt> waiting = new HashSet<>();

  public Deliverer(Vertx vertx, IlertClient client, long eventBudgetMs, long pingBudgetMs, AgentMetrics metrics) {
    this.vertx = vertx;
    this.metrics = metrics;
    this.client = client;
    this.eventPolicy = RetryPolicy.withDefaults(eventBudgetMs, () -> ThreadLocalRandom.current().nextDouble());
    this.pingPolicy = RetryPolicy.withDefaults(pingBudgetMs, () -> ThreadLocalRandom.current().nextDouble());
  }

  /** Delivers an event, retrying until it is accepted, rejected or the budget is spent. */
  public Future<DeliveryResult> deliverEvent(String integrationKey, byte[] body, Supplier<RecordRef> where) {
    Attempt a = new Attempt(integrationKey, where, eventPolicy, k -> client.sendEvent(k, body));
    a.run();
    return a.promise.future();
  }

  /** How long requests for this key must still wait after a 429, 0 if they may be sent now. */
  public long backedOffMs(String key) {
    return keyBackoff.remainingMs(key, System.currentTimeMillis());
  }

  /** Pings a heartbeat, retrying briefly. */
  public Future<DeliveryResult> ping(String key, Supplier<RecordRef> where) {
    Attempt a = new Attempt(key, where, pingPolicy, client::ping);
    a.run();
    return a.promise.future();
  }

  /**
   * Ends every delivery that waits for its next attempt with {@link DeliveryResult.Kind#ABANDONED};
   * requests on the wire finish or time out on their own. Used at the end of a shutdown bound.
   */
  public void abandonWaiting() {
    for (Attempt a : Set.copyOf(waiting)) {
      vertx.cancelTimer(a.timerId);
      a.finish(DeliveryResult.Kind.ABANDONED, null, "abandoned while stopping");
    }
    waiting.clear();
  }

  private final class Attempt {
    final String key;
    final Supplier<RecordRef> where;
    final RetryPolicy policy;
    final Function<String, Future<IlertAnswer>> send;
    final Promise<DeliveryResult> promise = Promise.promise();
    final long startedAt = System.currentTimeMillis();
    int attempts;
    long timerId = -1;

    Attempt(String key, Supplier<RecordRef> where, RetryPolicy policy, Function<String, Future<IlertAnswer>> send) {
      this.key = key;
      this.where = where;
      this.policy = policy;
      this.send = send;
    }

    void run() {
      long now = System.currentTimeMillis();
      long backedOff = keyBackoff.remainingMs(key, now);
      long remainingBudget = policy.budgetMs() - (now - startedAt);
      if (backedOff > 0 && remainingBudget > 0) {
        // Another record of this key hit 429: wait with it, but never past this record's budget.
        later(Math.min(backedOff, remainingBudget));
        return;
      }
      // Budget spent while waiting: one last attempt, as at the end of any budget (waiting with a
      // zero delay here would spin the event loop until the back-off ends).
      attempts++;
      send.apply(key)
          .onSuccess(this::answered)
          .onFailure(err -> failed(null, describe(err)));
    }

    void answered(IlertAnswer answer) {
      Outcome outcome = ResponseClassifier.classify(answer.status());
      switch (outcome) {
        case DELIVERED -> finish(DeliveryResult.Kind.DELIVERED, answer, null);
        case PERMANENT -> finish(DeliveryResult.Kind.REJECTED, answer, null);
        default -> failed(answer, null);
      }
    }

    void failed(IlertAnswer answer, String error) {
      long now = System.currentTimeMillis();
      Outcome outcome = answer == null ? Outcome.RETRYABLE : ResponseClassifier.classify(answer.status());
      long retryAfter =
          answer == null ? -1 : RetryPolicy.parseRetryAfter(answer.retryAfter(), now);
      long delay = policy.nextDelayMs(attempts, now - startedAt, outcome, retryAfter);
      if (outcome == Outcome.RATE_LIMITED) {
        keyBackoff.backOff(key, now + Math.max(delay, Math.max(retryAfter, 0)));
      }
      String last = answer != null ? "ilert answered " + answer.status() : error;
      if (delay < 0) {
        finish(DeliveryResult.Kind.FAILED, answer, error);
        return;
      }
      if (LOG.isInfoEnabled()) {
        RecordRef ref = where.get();
        ref.log(() -> LOG.info("{}: attempt {} failed ({}), retrying in {} ms", ref, attempts, last, delay));
      }
      metrics.retry();
      later(delay);
    }

    void later(long delayMs) {
      if (delayMs <= 0) {
        vertx.runOnContext(v -> run());
        return;
      }
      waiting.add(this);
      timerId =
          vertx.setTimer(
              delayMs,
              id -> {
                waiting.remove(this);
                run();
              });
    }

    void finish(DeliveryResult.Kind kind, IlertAnswer answer, String error) {
      if (answer != null && answer.body().contains(key)) {
        // ilert's error text may quote the request path: the answer is logged, the key must not be.
        answer = new IlertAnswer(answer.status(), answer.retryAfter(), answer.correlationId(),
            answer.body().replace(key, Mask.key(key)));
      }
      promise.tryComplete(new DeliveryResult(kind, attempts, answer, error));
    }

    /** Client errors may quote the request URI, which holds the key: never log it in clear. */
    String describe(Throwable err) {
      String msg = err.getMessage() == null ? err.getClass().getSimpleName() : err.getMessage();
      return msg.replace(key, Mask.key(key));
    }
  }
}
