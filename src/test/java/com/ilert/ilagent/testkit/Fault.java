package com.ilert.ilagent.testkit;

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
 * }</pre>
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
    /** 429 for a key once it sent more than N requests in the current window. */
    RATE_LIMIT
  }

  /** Unlimited {@link #times(int)}. */
  public static final int ALWAYS = -1;

  private final Kind kind;
  private final int status;
  private final Map<String, String> headers;
  private final JsonObject body;
  private final long delayMs;
  private final int times;
  private final String integrationKey;
  private final Predicate<Received> predicate;
  private final int limit;
  private final Duration window;

  private Fault(Kind kind, int status, Map<String, String> headers, JsonObject body, long delayMs,
      int times, String integrationKey, Predicate<Received> predicate, int limit, Duration window) {
    this.kind = kind;
    this.status = status;
    this.headers = Map.copyOf(headers);
    this.body = body;
    this.delayMs = delayMs;
    this.times = times;
    this.integrationKey = integrationKey;
    this.predicate = predicate;
    this.limit = limit;
    this.window = window;
  }

  private static Fault of(Kind kind) {
    return new Fault(kind, 0, Map.of(), null, 0, ALWAYS, null, null, 0, null);
  }

  /** Answer this status; the body is ilert's error shape {@code {"status":N,"message":..,"code":..}}. */
  public static Fault status(int status) {
    return new Fault(Kind.STATUS, status, Map.of(), null, 0, ALWAYS, null, null, 0, null);
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

  /** 429 for an integration key after {@code requestsPerMinute} requests in a minute, as ilert does. */
  public static Fault rateLimit(int requestsPerMinute) {
    return rateLimit(requestsPerMinute, Duration.ofMinutes(1));
  }

  /**
   * 429 for an integration key once it sent more than {@code requests} in a fixed window that starts
   * at its first request; a shorter window keeps tests fast.
   */
  public static Fault rateLimit(int requests, Duration window) {
    return new Fault(Kind.RATE_LIMIT, 429, Map.of(), null, 0, ALWAYS, null, null, requests, window);
  }

  /** Adds an answer header, e.g. {@code Retry-After}. */
  public Fault header(String name, String value) {
    Map<String, String> h = new LinkedHashMap<>(headers);
    h.put(name, value);
    return new Fault(kind, status, h, body, delayMs, times, integrationKey, predicate, limit, window);
  }

  /** Replaces the answer body. */
  public Fault body(JsonObject body) {
    return new Fault(kind, status, headers, body.copy(), delayMs, times, integrationKey, predicate, limit, window);
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
    return new Fault(kind, status, headers, body, millis, times, integrationKey, predicate, limit, window);
  }

  /** Applies to the next {@code n} matching requests only, then the stand-in answers normally again. */
  public Fault times(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("times must be at least 1: " + n);
    }
    return new Fault(kind, status, headers, body, delayMs, n, integrationKey, predicate, limit, window);
  }

  /** Applies only to requests for this integration (or heartbeat) key. */
  public Fault forKey(String integrationKey) {
    return new Fault(kind, status, headers, body, delayMs, times, Objects.requireNonNull(integrationKey),
        predicate, limit, window);
  }

  /** Applies only to requests that satisfy the predicate (and the key, if one is set). */
  public Fault matching(Predicate<Received> predicate) {
    Predicate<Received> p = this.predicate == null ? predicate : this.predicate.and(predicate);
    return new Fault(kind, status, headers, body, delayMs, times, integrationKey, p, limit, window);
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
    return new JsonObject().put("status", status).put("message", defaultMessage()).put("code", defaultCode());
  }

  public long delayMs() {
    return delayMs;
  }

  /** How many requests this fault applies to, or {@link #ALWAYS}. */
  public int times() {
    return times;
  }

  int limit() {
    return limit;
  }

  Duration window() {
    return window;
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
      s.append(' ').append(limit).append('/').append(window);
    }
    if (delayMs > 0) {
      s.append(" after ").append(delayMs).append(" ms");
    }
    if (integrationKey != null) {
      s.append(" for key ").append(com.ilert.ilagent.util.Mask.key(integrationKey));
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
