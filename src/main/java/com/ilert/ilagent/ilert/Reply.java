package com.ilert.ilagent.ilert;

import com.ilert.ilagent.Errors;
import com.ilert.ilagent.redaction.Redaction;
import io.vertx.core.Future;

/**
 * What one attempt to reach ilert amounted to: its {@link Outcome}, ilert's answer (null when there
 * was none) and, for a network error or timeout, the error text (for an escalation-policy update,
 * which step ended it). Never holds a key or token in clear.
 */
public record Reply(Outcome outcome, IlertAnswer answer, String error) {

  /** The outcome of an HTTP answer, whatever its status. */
  public static Reply of(IlertAnswer answer) {
    return new Reply(ResponseClassifier.classify(answer.status()), answer, null);
  }

  /** No answer at all (connection refused or reset, DNS, TLS, timeout): worth another attempt. */
  public static Reply networkError(String error) {
    return new Reply(ResponseClassifier.networkError(), null, error);
  }

  /**
   * Whether ilert took the request with another 2xx than the one it documents: worth a warning (a
   * proxy, or an endpoint that is not ilert's), though the record counts as delivered.
   */
  public boolean unexpectedSuccess() {
    return outcome == Outcome.DELIVERED
        && answer != null
        && !ResponseClassifier.isExpectedSuccess(answer.status());
  }

  /**
   * Turns one request to ilert into a reply that never fails. {@code key} (an integration or
   * heartbeat key, which is part of the request path) is masked wherever the error or ilert's
   * answer quotes it.
   */
  public static Future<Reply> of(Future<IlertAnswer> request, String key) {
    return request.transform(
        ar -> {
          if (ar.succeeded()) {
            return Future.succeededFuture(of(maskIn(ar.result(), key)));
          }
          String msg = Errors.describe(ar.cause());
          return Future.succeededFuture(networkError(Redaction.keyIn(msg, key)));
        });
  }

  /**
   * The answer's Retry-After in ms (see {@link RetryPolicy#parseRetryAfter}), or -1. An HTTP-date
   * is turned into a delay against the wall clock, the only clock it can be compared with.
   */
  public long retryAfterMs() {
    if (answer == null || answer.retryAfter() == null) {
      return RetryPolicy.NO_RETRY_AFTER;
    }
    return RetryPolicy.parseRetryAfter(answer.retryAfter(), System.currentTimeMillis());
  }

  /**
   * The error (or, for an escalation-policy update, the step that ended it) or the answer, for a
   * log line.
   */
  public String describe() {
    if (error != null && answer != null) {
      return error
          + (answer.correlationId() == null
              ? ""
              : " (correlation-id " + answer.correlationId() + ")");
    }
    if (answer != null) {
      String text = "ilert answered " + answer.status();
      if (answer.correlationId() != null) {
        text += " (correlation-id " + answer.correlationId() + ")";
      }
      if (!answer.body().isEmpty()) {
        text += ": " + answer.body();
      }
      return text;
    }
    return error == null ? "no answer" : error;
  }

  private static IlertAnswer maskIn(IlertAnswer answer, String key) {
    if (key == null || !answer.body().contains(key)) {
      return answer;
    }
    // ilert's error text may quote the request path: the answer is logged, the key must not be.
    return new IlertAnswer(
        answer.status(),
        answer.retryAfter(),
        answer.correlationId(),
        Redaction.keyIn(answer.body(), key));
  }
}
