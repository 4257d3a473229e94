package com.ilert.ilagent.ilert;

/**
 * How a delivery ended.
 *
 * @param answer ilert's last answer, or null when the last attempt got none (network error)
 * @param error the last network error, masked, or null
 */
public record DeliveryResult(Kind kind, int attempts, IlertAnswer answer, String error) {

  public enum Kind {
    /** ilert accepted it. */
    DELIVERED,
    /** ilert answered with a permanent error (4xx other than 429): retrying cannot help. */
    REJECTED,
    /** The retry budget is spent: the record must stay uncommitted. */
    FAILED,
    /** The agent is stopping: the record was given up, not finished, and stays uncommitted. */
    ABANDONED
  }

  public boolean done() {
    return kind == Kind.DELIVERED || kind == Kind.REJECTED;
  }

  /** The answer or error of the last attempt, for a log line. */
  public String describe() {
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
}
