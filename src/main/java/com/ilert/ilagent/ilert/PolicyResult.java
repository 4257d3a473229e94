package com.ilert.ilagent.ilert;

/**
 * How one escalation-policy update ended.
 *
 * @param outcome DELIVERED when the level was set; PERMANENT when ilert refused a step (4xx other
 *     than 408/429, or a 2xx answer without the id the next step needs): retrying cannot help;
 *     RETRYABLE (network error, timeout, 5xx, 408) and RATE_LIMITED (429): the caller retries the
 *     whole update, honouring {@code answer.retryAfter()}
 * @param step the step that ended it: the last one for DELIVERED, the failing one otherwise
 * @param answer ilert's answer to that step, or null when there was none (network error, timeout)
 * @param detail one line for the log naming the step, e.g. {@code "resolve the escalation policy of
 *     routing key powerplantthree50: ilert answered 404"}; never holds the API token
 */
public record PolicyResult(Outcome outcome, Step step, IlertAnswer answer, String detail) {

  /** The three requests of an update, in order. */
  public enum Step {
    /** {@code POST {api}/users/search-email}. */
    FIND_USER,
    /** {@code GET {api}/escalation-policies/resolve?routing-key=...}. */
    RESOLVE_POLICY,
    /** {@code PUT {api}/escalation-policies/{id}/levels/{level}}. */
    UPDATE_LEVEL
  }

  public boolean delivered() {
    return outcome == Outcome.DELIVERED;
  }
}
