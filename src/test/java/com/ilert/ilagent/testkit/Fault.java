package com.ilert.ilagent.testkit;

import com.ilert.ilagent.redaction.Redaction;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * What {@link IlertStandIn} does to a request instead of its normal answer. Immutable: every method
 * returns a new Fault, so one can be kept in a constant and installed many times; each installation
 * counts its own {@link #times(int)}.
 *
 * <pre>{@code
 * standIn.fault(Fault.status(503).times(3));                                   // 3 x 503, then normal
 * standIn.fault(Fault.status(429).header("Retry-After", "1").forKey(key).times(1));
 * standIn.fault(Fault.status(400).message("bad event", "BAD_EVENT").matching(r -> r.isEvent()));
 * standIn.fault(Fault.delay(2_000));                                           // slow, then 202
 * standIn.fault(Fault.hang().times(1));                                        // client times out
 * standIn.fault(Fault.drop());                                                 // connection closed, no answer
 * standIn.fault(Fault.rateLimit(50));                                          // ilert's 50 events/min/key
 * standIn.fault(Fault.processRateLimit(700, Duration.ofSeconds(6)).retryAfterUntilReset()); // per source IP
 * standIn.fault(Fault.pingRateLimit(5, Duration.ofSeconds(6)));                // per heartbeat key
 * standIn.fault(Fault.eventRateLimit(50, Duration.ofSeconds(6)).slidingWindow()); // a rolling log
 * standIn.fault(Fault.eventRateLimit(50, Duration.ofSeconds(6)).tokenBucket(20)
 *     .retryAfter(Fault.RetryAfter.DATE));                                    // burst 20, refill 50 per 6 s
 * }</pre>
 *
 * <p>Rate limits count requests in fixed windows unless told otherwise ({@link RateLimiter} has the
 * models): a window starts with the first request after the previous one ran out and lasts the
 * given time; once more than N requests arrived in it, each is answered 429 until it ends. Install
 * the per-process limit before the per-key ones: a request it turns away does not count for its
 * key.
 */
public final class Fault {

  /** How the stand-in reacts. */
  public enum Kind {
    /** Answer the given status, headers and body. */
    STATUS,
    /** Wait, then answer as if there were no fault. */
    DELAY,
    /** Never answer; the connection stays open until the client gives up. */
    HANG,
    /** Close the connection without answering. */
    DROP,
    /**
     * 429 for a key (or the whole process) once it sent more than N requests in the current window.
     */
    RATE_LIMIT
  }

  /** What one rate-limit window counts. */
  public enum Scope {
    /** Each integration or heartbeat key on its own (ilert: 50 events, 5 pings per key). */
    KEY,
    /** Every request together, as ilert's limit per source IP (700 per minute). */
    PROCESS
  }

  /** Unlimited {@link #times(int)}. */
  public static final int ALWAYS = -1;

  /** What a rate limit's 429 says about when to come back. */
  public enum RetryAfter {
    /** No Retry-After. */
    NONE,
    /** Whole seconds until a request would be admitted, rounded up. */
    SECONDS,
    /** An HTTP date (RFC 1123, whole seconds, rounded up) when a request would be admitted. */
    DATE
  }

  /** A rate limit's numbers and model; see {@link RateLimiter}. */
  record Limit(
      int limit,
      Duration window,
      Scope scope,
      RateLimiter.Model model,
      int burst,
      RetryAfter retryAfter) {
    Limit with(RateLimiter.Model m, int b, RetryAfter r) {
      return new Limit(limit, window, scope, m, b, r);
    }

    RateLimiter newLimiter() {
      return RateLimiter.of(model, limit, window.toNanos(), burst);
    }
  }

  private final Kind kind;
  private final int status;
  private final Map<String, String> headers;
  private final JsonObject body;
  private final long delayMs;
  private final int times;
  private final String integrationKey;
  private final Predicate<Received> predicate;
  private final Limit rateLimit;

  private Fault(
      Kind kind,
      int status,
      Map<String, String> headers,
      JsonObject body,
      long delayMs,
      int times,
      String integrationKey,
      Predicate<Received> predicate,
      Limit rateLimit) {
    this.kind = kind;
    this.status = status;
    this.headers = Map.copyOf(headers);
    this.body = body;
    this.delayMs = delayMs;
    this.times = times;
    this.integrationKey = integrationKey;
    this.predicate = predicate;
    this.rateLimit = rateLimit;
  }

  /** A copy with one thing changed; everything goes through here so no field is forgotten. */
  private Fault with(
      Map<String, String> headers,
      JsonObject body,
      long delayMs,
      int times,
      String integrationKey,
      Predicate<Received> predicate,
      Limit rateLimit) {
    return new Fault(
        kind, status, headers, body, delayMs, times, integrationKey, predicate, rateLimit);
  }

  private static Fault of(Kind kind) {
    return new Fault(kind, 0, Map.of(), null, 0, ALWAYS, null, null, null);
  }

  /**
   * Answer this status; the body is ilert's error shape {@code
   * {"status":N,"message":..,"code":..}}.
   */
  public static Fault status(int status) {
    return new Fault(Kind.STATUS, status, Map.of(), null, 0, ALWAYS, null, null, null);
  }

  /** Wait this long, then answer normally (202 for a valid event). */
  public static Fault delay(long millis) {
    return of(Kind.DELAY).delayed(millis);
  }

  /** Never answer. */
  public static Fault hang() {
    return of(Kind.HANG);
  }

  /** Close the connection without an answer (the client sees a network error). */
  public static Fault drop() {
    return of(Kind.DROP);
  }

  /**
   * 429 for an integration key after {@code requestsPerMinute} requests in a minute, as ilert does.
   */
  public static Fault rateLimit(int requestsPerMinute) {
    return rateLimit(requestsPerMinute, Duration.ofMinutes(1));
  }

  /**
   * 429 for an integration key once it sent more than {@code requests} in a fixed window that
   * starts at its first request; a shorter window keeps tests fast. {@link #slidingWindow()} and
   * {@link #tokenBucket(int)} change the model.
   */
  public static Fault rateLimit(int requests, Duration window) {
    return limit(requests, window, Scope.KEY);
  }

  /**
   * 429 for every request once more than {@code requests} of any key and kind arrived in the
   * current window: ilert's limit per source IP (700 per minute).
   */
  public static Fault processRateLimit(int requests, Duration window) {
    return limit(requests, window, Scope.PROCESS);
  }

  private static Fault limit(int requests, Duration window, Scope scope) {
    return new Fault(
        Kind.RATE_LIMIT,
        429,
        Map.of(),
        null,
        0,
        ALWAYS,
        null,
        null,
        new Limit(
            requests, window, scope, RateLimiter.Model.FIXED_WINDOW, requests, RetryAfter.NONE));
  }

  /**
   * 429 for a heartbeat key's pings once it sent more than {@code pings} in its window (ilert: 5 a
   * minute).
   */
  public static Fault pingRateLimit(int pings, Duration window) {
    return rateLimit(pings, window).matching(Received::isPing);
  }

  /**
   * 429 for an integration key's events once it sent more than {@code events} in its window (ilert:
   * 50 a minute).
   */
  public static Fault eventRateLimit(int events, Duration window) {
    return rateLimit(events, window).matching(Received::isEvent);
  }

  /** The rate limit counts in a sliding window (a rolling log) instead of fixed windows. */
  public Fault slidingWindow() {
    return model(RateLimiter.Model.SLIDING_WINDOW, limitSpec().limit());
  }

  /**
   * The rate limit is a token bucket of {@code burst} tokens (may be fewer than its number per
   * window), refilled steadily at its number per window.
   */
  public Fault tokenBucket(int burst) {
    return model(RateLimiter.Model.TOKEN_BUCKET, burst);
  }

  /** The rate limit counts with this model ({@code burst} matters only to a token bucket). */
  public Fault model(RateLimiter.Model model, int burst) {
    Limit l = limitSpec();
    return with(
        headers,
        body,
        delayMs,
        times,
        integrationKey,
        predicate,
        l.with(model, burst, l.retryAfter()));
  }

  /**
   * A rate limit's 429 carries {@code Retry-After}: the whole seconds until a request would be
   * admitted again, rounded up (without this, or a fixed {@link #header}, it carries none).
   */
  public Fault retryAfterUntilReset() {
    return retryAfter(RetryAfter.SECONDS);
  }

  /** A rate limit's 429 carries {@code Retry-After} this way. */
  public Fault retryAfter(RetryAfter how) {
    Limit l = limitSpec();
    return with(
        headers,
        body,
        delayMs,
        times,
        integrationKey,
        predicate,
        l.with(l.model(), l.burst(), how));
  }

  private Limit limitSpec() {
    if (kind != Kind.RATE_LIMIT) {
      throw new IllegalStateException("only a rate limit knows when its window resets");
    }
    return rateLimit;
  }

  /** Adds an answer header, e.g. {@code Retry-After}. */
  public Fault header(String name, String value) {
    Map<String, String> h = new LinkedHashMap<>(headers);
    h.put(name, value);
    return with(h, body, delayMs, times, integrationKey, predicate, rateLimit);
  }

  /** Replaces the answer body. */
  public Fault body(JsonObject body) {
    return with(headers, body.copy(), delayMs, times, integrationKey, predicate, rateLimit);
  }

  /** An ilert-style error body with this message and code. */
  public Fault message(String message, String code) {
    return body(new JsonObject().put("status", status).put("message", message).put("code", code));
  }

  /** Waits this long before acting (answering, dropping). */
  public Fault delayed(long millis) {
    if (millis < 0) {
      throw new IllegalArgumentException("delay must not be negative: " + millis);
    }
    return with(headers, body, millis, times, integrationKey, predicate, rateLimit);
  }

  /**
   * Applies to the next {@code n} matching requests only, then the stand-in answers normally again.
   */
  public Fault times(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("times must be at least 1: " + n);
    }
    return with(headers, body, delayMs, n, integrationKey, predicate, rateLimit);
  }

  /** Applies only to requests for this integration (or heartbeat) key. */
  public Fault forKey(String integrationKey) {
    return with(
        headers,
        body,
        delayMs,
        times,
        Objects.requireNonNull(integrationKey),
        predicate,
        rateLimit);
  }

  /** Applies only to requests that satisfy the predicate (and the key, if one is set). */
  public Fault matching(Predicate<Received> predicate) {
    Predicate<Received> p = this.predicate == null ? predicate : this.predicate.and(predicate);
    return with(headers, body, delayMs, times, integrationKey, p, rateLimit);
  }

  public Kind kind() {
    return kind;
  }

  public int status() {
    return status;
  }

  public Map<String, String> headers() {
    return headers;
  }

  /** The answer body: the one set, or ilert's error shape for the status. */
  public JsonObject body() {
    if (body != null) {
      return body.copy();
    }
    return new JsonObject()
        .put("status", status)
        .put("message", defaultMessage())
        .put("code", defaultCode());
  }

  public long delayMs() {
    return delayMs;
  }

  /** How many requests this fault applies to, or {@link #ALWAYS}. */
  public int times() {
    return times;
  }

  /** The rate limit's spec, or null for other faults. */
  Limit rateLimitSpec() {
    return rateLimit;
  }

  boolean matches(Received request) {
    return (integrationKey == null || integrationKey.equals(request.integrationKey()))
        && (predicate == null || predicate.test(request));
  }

  private String defaultMessage() {
    return switch (status) {
      case 400 -> "Bad request";
      case 404 -> "Not found";
      case 429 -> "Too many requests";
      case 500 -> "Internal server error";
      case 502 -> "Bad gateway";
      case 503 -> "Service unavailable";
      case 504 -> "Gateway timeout";
      default -> "Injected fault";
    };
  }

  private String defaultCode() {
    return switch (status) {
      case 400 -> "BAD_REQUEST";
      case 404 -> "NOT_FOUND";
      case 429 -> "RATE_LIMIT_EXCEEDED";
      default -> "INJECTED_" + status;
    };
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder(kind.name());
    if (kind == Kind.STATUS) {
      s.append(' ').append(status);
    }
    if (kind == Kind.RATE_LIMIT) {
      s.append(' ')
          .append(rateLimit.limit())
          .append('/')
          .append(rateLimit.window())
          .append(rateLimit.scope() == Scope.PROCESS ? " per process" : " per key")
          .append(", ")
          .append(rateLimit.model());
      if (rateLimit.model() == RateLimiter.Model.TOKEN_BUCKET) {
        s.append(" of ").append(rateLimit.burst());
      }
      if (rateLimit.retryAfter() != RetryAfter.NONE) {
        s.append(" with Retry-After as ").append(rateLimit.retryAfter());
      }
    }
    if (delayMs > 0) {
      s.append(" after ").append(delayMs).append(" ms");
    }
    if (integrationKey != null) {
      s.append(" for key ").append(Redaction.key(integrationKey));
    }
    if (predicate != null) {
      s.append(" matching a predicate");
    }
    if (times != ALWAYS) {
      s.append(' ').append(times).append(" time(s)");
    }
    return s.toString();
  }
}
