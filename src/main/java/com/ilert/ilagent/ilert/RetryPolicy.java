package com.ilert.ilagent.ilert;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.function.DoubleSupplier;

/**
 * Decides how long to wait before the next attempt to deliver a record, or that it is time to give
 * up. Immutable and pure: the caller passes the elapsed time and the answer; the only input from
 * outside is the injected random source for jitter.
 *
 * <ul>
 *   <li>DELIVERED and PERMANENT: give up (-1), there is nothing to retry.
 *   <li>A Retry-After (>= 0) lengthens the delay, for 429 and for any retryable answer (e.g. a 503
 *       with Retry-After), but never shortens it below the exponential backoff of that attempt:
 *       "Retry-After: 0" or a date in the past from a struggling server must not turn the retries
 *       into a tight loop.
 *   <li>RATE_LIMITED without Retry-After: a random delay in [rateLimitMinMs, rateLimitMaxMs] (ilert
 *       suggests backing off 10-30 s; the spread keeps keys from coming back in lockstep).
 *   <li>RETRYABLE without Retry-After: exponential backoff with "full jitter above a floor": a
 *       random delay in [initial, min(max, initial * 2^(failedAttempts-1))].
 *   <li>Budget: the delay is capped to the budget still left, so the last attempt happens right at
 *       the end of the budget instead of giving up early; this holds for a Retry-After beyond the
 *       budget too (wait what is left, try once more). No budget left (or budget 0, the original
 *       program's one attempt): give up.
 * </ul>
 */
public final class RetryPolicy {
  public static final long DEFAULT_INITIAL_DELAY_MS = 250;
  public static final long DEFAULT_MAX_DELAY_MS = 10_000;
  public static final long DEFAULT_RATE_LIMIT_MIN_MS = 10_000;
  public static final long DEFAULT_RATE_LIMIT_MAX_MS = 30_000;

  /**
   * How long a failing heartbeat ping is retried, the agent's own (-b) and those of heartbeat
   * topics alike: well inside one coalescing interval (about 12 s) and the own heartbeat's 30 s
   * period, since the key's next ping carries its liveness anyway.
   */
  public static final long PING_RETRY_BUDGET_MS = 5_000;

  /** Returned by {@link #nextDelayMs}: do not try again. */
  public static final long GIVE_UP = -1;

  /** Returned by {@link #parseRetryAfter}, and passed to {@link #nextDelayMs}: no Retry-After. */
  public static final long NO_RETRY_AFTER = -1;

  /**
   * The longest Retry-After honoured: ilert's rate-limit window, a minute. A longer one comes from
   * a proxy or a WAF (or a date far ahead): it would hold the key's alerts for that long (waiting
   * for a rate limit spends no retry budget, so nothing else ends the wait) and teach the pacer a
   * window longer than ilert's; a shorter cap would teach it a window shorter than the real one.
   */
  public static final long MAX_RETRY_AFTER_MS = 60_000;

  private final long budgetMs;
  private final long initialDelayMs;
  private final long maxDelayMs;
  private final long rateLimitMinMs;
  private final long rateLimitMaxMs;
  private final DoubleSupplier random;

  /**
   * @param budgetMs total time from the first attempt's start after which no attempt is started any
   *     more; 0 means one attempt only
   * @param initialDelayMs delay after the first failure, and the floor of every backoff delay
   * @param maxDelayMs cap of the exponential backoff (not of Retry-After)
   * @param rateLimitMinMs lower bound of the 429 delay without Retry-After
   * @param rateLimitMaxMs upper bound of the 429 delay without Retry-After
   * @param random values in [0, 1), e.g. {@code () -> ThreadLocalRandom.current().nextDouble()};
   *     values outside are clamped
   */
  public RetryPolicy(
      long budgetMs,
      long initialDelayMs,
      long maxDelayMs,
      long rateLimitMinMs,
      long rateLimitMaxMs,
      DoubleSupplier random) {
    if (budgetMs < 0) {
      throw new IllegalArgumentException("budgetMs must be >= 0: " + budgetMs);
    }
    if (initialDelayMs < 0 || maxDelayMs < initialDelayMs) {
      throw new IllegalArgumentException(
          "need 0 <= initialDelayMs <= maxDelayMs: " + initialDelayMs + ", " + maxDelayMs);
    }
    if (rateLimitMinMs < 0 || rateLimitMaxMs < rateLimitMinMs) {
      throw new IllegalArgumentException(
          "need 0 <= rateLimitMinMs <= rateLimitMaxMs: " + rateLimitMinMs + ", " + rateLimitMaxMs);
    }
    this.budgetMs = budgetMs;
    this.initialDelayMs = initialDelayMs;
    this.maxDelayMs = maxDelayMs;
    this.rateLimitMinMs = rateLimitMinMs;
    this.rateLimitMaxMs = rateLimitMaxMs;
    this.random = Objects.requireNonNull(random, "random");
  }

  /** As the full constructor, with a fixed 429 delay {@code rateLimitDefaultMs} (no spread). */
  public RetryPolicy(
      long budgetMs,
      long initialDelayMs,
      long maxDelayMs,
      long rateLimitDefaultMs,
      DoubleSupplier random) {
    this(budgetMs, initialDelayMs, maxDelayMs, rateLimitDefaultMs, rateLimitDefaultMs, random);
  }

  /**
   * The application's policy: 250 ms initial, 10 s cap, 10-30 s after a 429 without Retry-After.
   */
  public static RetryPolicy withDefaults(long budgetMs, DoubleSupplier random) {
    return new RetryPolicy(
        budgetMs,
        DEFAULT_INITIAL_DELAY_MS,
        DEFAULT_MAX_DELAY_MS,
        DEFAULT_RATE_LIMIT_MIN_MS,
        DEFAULT_RATE_LIMIT_MAX_MS,
        random);
  }

  /**
   * The delay before the next attempt, or {@link #GIVE_UP} (-1).
   *
   * @param failedAttempts attempts made so far, all failed (1 after the first failure)
   * @param elapsedMs time since the first attempt started
   * @param outcome the last attempt's outcome
   * @param retryAfterMs the last answer's Retry-After in ms (see {@link #parseRetryAfter}), or -1
   */
  public long nextDelayMs(int failedAttempts, long elapsedMs, Outcome outcome, long retryAfterMs) {
    if (!outcome.retryable()) {
      return GIVE_UP;
    }
    long remaining = budgetMs - elapsedMs;
    if (remaining <= 0) {
      return GIVE_UP;
    }
    long delay;
    if (retryAfterMs >= 0) {
      delay = Math.max(retryAfterMs, between(initialDelayMs, backoffCeiling(failedAttempts)));
    } else if (outcome == Outcome.RATE_LIMITED) {
      delay = between(rateLimitMinMs, rateLimitMaxMs);
    } else {
      delay = between(initialDelayMs, backoffCeiling(failedAttempts));
    }
    return Math.min(delay, remaining);
  }

  /** The total retry budget in ms. */
  public long budgetMs() {
    return budgetMs;
  }

  /** initial * 2^(failedAttempts-1), capped at max, without overflowing. */
  private long backoffCeiling(int failedAttempts) {
    long ceiling = initialDelayMs;
    for (int i = 1; i < failedAttempts && ceiling > 0 && ceiling < maxDelayMs; i++) {
      ceiling = ceiling > maxDelayMs / 2 ? maxDelayMs : ceiling * 2;
    }
    return Math.min(ceiling, maxDelayMs);
  }

  /** A uniformly random value in [lo, hi]. */
  private long between(long lo, long hi) {
    double r = random.getAsDouble();
    if (!(r > 0)) { // also catches NaN
      r = 0;
    } else if (r >= 1) {
      return hi;
    }
    long v = lo + (long) (r * ((double) (hi - lo) + 1));
    return Math.min(v, hi);
  }

  /**
   * Parses a Retry-After header: delta-seconds ({@code "12"}) or an HTTP-date in RFC 1123 form
   * ({@code "Wed, 21 Oct 2015 07:28:00 GMT"}).
   *
   * @return the delay in ms, at most {@link #MAX_RETRY_AFTER_MS} (a date in the past gives 0), or
   *     -1 if absent or unparsable (including negative or fractional seconds and the obsolete RFC
   *     850 / asctime date forms)
   */
  public static long parseRetryAfter(String headerValue, long nowEpochMs) {
    if (headerValue == null) {
      return NO_RETRY_AFTER;
    }
    String v = headerValue.trim();
    if (v.isEmpty()) {
      return NO_RETRY_AFTER;
    }
    if (allAsciiDigits(v)) {
      // 16 digits or more would overflow as ms: they are over the cap anyway.
      if (v.length() > 15) {
        return MAX_RETRY_AFTER_MS;
      }
      return Math.min(MAX_RETRY_AFTER_MS, Long.parseLong(v) * 1000);
    }
    try {
      long at =
          ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli();
      return Math.max(0, Math.min(MAX_RETRY_AFTER_MS, at - nowEpochMs));
    } catch (DateTimeParseException e) {
      return NO_RETRY_AFTER;
    }
  }

  private static boolean allAsciiDigits(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }
}
