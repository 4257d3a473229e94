package com.ilert.ilagent.ilert;

/**
 * Maps an ilert answer to an {@link Outcome}, for events and heartbeat pings alike.
 *
 * <ul>
 *   <li>202: DELIVERED, the only success ilert documents.
 *   <li>Any other 2xx: DELIVERED as well. ilert took the request; sending it again could open a
 *       duplicate alert. The caller should log the unexpected status.
 *   <li>429: RATE_LIMITED.
 *   <li>408 and 5xx: RETRYABLE.
 *   <li>407: RETRYABLE. ilert never asks for proxy credentials; a proxy does, when they are missing
 *       or wrong. That is the agent's configuration, not the event: dropping every event as
 *       rejected would lose alerts, retrying ends in a delivery failure an operator notices.
 *   <li>Other 4xx (400 bad event, 401/403, 404 unknown key or path, ...): PERMANENT.
 *   <li>1xx, 3xx and anything outside 100-599: RETRYABLE. These mean a proxy or a misconfigured URL
 *       (a POST is not redirected); treating them as permanent would silently drop every alert,
 *       while retrying ends in a delivery failure an operator notices.
 *   <li>No answer at all (connection refused or reset, DNS, TLS, timeout): RETRYABLE, see {@link
 *       #networkError()}.
 * </ul>
 */
public final class ResponseClassifier {
  private ResponseClassifier() {}

  /** The outcome of an HTTP answer with this status code. */
  public static Outcome classify(int httpStatus) {
    if (httpStatus >= 200 && httpStatus < 300) {
      return Outcome.DELIVERED;
    }
    if (httpStatus == 429) {
      return Outcome.RATE_LIMITED;
    }
    if (httpStatus == 408 || httpStatus == 407) {
      return Outcome.RETRYABLE;
    }
    if (httpStatus >= 400 && httpStatus < 500) {
      return Outcome.PERMANENT;
    }
    return Outcome.RETRYABLE;
  }

  /** The outcome of a request that got no HTTP answer (network error or timeout). */
  public static Outcome networkError() {
    return Outcome.RETRYABLE;
  }

  /** Whether a status is the success ilert documents (202); other 2xx are worth a log line. */
  public static boolean isExpectedSuccess(int httpStatus) {
    return httpStatus == 202;
  }
}
