package com.ilert.ilagent.ilert;

/** What one request to ilert amounts to, and so what happens to the record next. */
public enum Outcome {
  /** Accepted: the record is done. */
  DELIVERED,
  /** Rejected for good (bad event, unknown key): log it, skip the record, commit it. */
  PERMANENT,
  /** Network error, timeout, 5xx, ...: try again within the retry budget. */
  RETRYABLE,
  /** 429: try again later, and hold back the other records of the same integration key. */
  RATE_LIMITED;

  /** Whether another attempt may help (RETRYABLE or RATE_LIMITED). */
  public boolean retryable() {
    return this == RETRYABLE || this == RATE_LIMITED;
  }
}
