package com.ilert.ilagent.testkit;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * A rate limiter as ilert might run one: nobody outside ilert knows which, only its numbers (N
 * requests per window W) are documented. Three models, each counting per key (a {@code null} key is
 * one more key, e.g. the whole process):
 *
 * <ul>
 *   <li>{@link Model#FIXED_WINDOW}: a window starts with the first request after the previous one
 *       ran out (or, {@link #clockAligned}, at multiples of W) and admits N; then 429 until it
 *       ends.
 *   <li>{@link Model#SLIDING_WINDOW} (a rolling log): a request is admitted when fewer than N were
 *       admitted in the last W; a 429 lasts until the oldest of them leaves the window.
 *   <li>{@link Model#TOKEN_BUCKET}: a bucket of {@code burst} tokens (B, may be less than N),
 *       refilled steadily at N per W; a request takes a token or is refused until one is back.
 * </ul>
 *
 * Pure: times are nanos passed in, no clock; thread-safe (synchronized), as the stand-in calls it
 * from its event loop and tests read it from theirs.
 */
public abstract class RateLimiter {

  /** Which limiter. */
  public enum Model {
    FIXED_WINDOW("fixed window"),
    SLIDING_WINDOW("sliding window"),
    TOKEN_BUCKET("token bucket");

    private final String label;

    Model(String label) {
      this.label = label;
    }

    @Override
    public String toString() {
      return label;
    }
  }

  /** What {@link #admit} returns for an admitted request. */
  public static final long ADMITTED = -1;

  protected final int limit;
  protected final long windowNanos;

  private RateLimiter(int limit, long windowNanos) {
    if (limit < 1 || windowNanos < 1) {
      throw new IllegalArgumentException("need limit >= 1 and window >= 1 ns: " + limit);
    }
    this.limit = limit;
    this.windowNanos = windowNanos;
  }

  /** A limiter of the given model; {@code burst} matters only to the token bucket. */
  public static RateLimiter of(Model model, int limit, long windowNanos, int burst) {
    return switch (model) {
      case FIXED_WINDOW -> new FixedWindow(limit, windowNanos, false, 0);
      case SLIDING_WINDOW -> new SlidingWindow(limit, windowNanos);
      case TOKEN_BUCKET -> new TokenBucket(limit, windowNanos, burst);
    };
  }

  /** Fixed windows at {@code phaseNanos + k * window}, as a limiter that follows the clock. */
  public static RateLimiter clockAligned(int limit, long windowNanos, long phaseNanos) {
    return new FixedWindow(limit, windowNanos, true, phaseNanos);
  }

  /**
   * Counts a request for {@code key} arriving at {@code nowNanos}: {@link #ADMITTED}, or the nanos
   * until a request of that key would be admitted (what a Retry-After says).
   */
  public abstract long admit(String key, long nowNanos);

  /** Fixed windows, each admitting {@code limit}. */
  private static final class FixedWindow extends RateLimiter {
    private final boolean aligned;
    private final long phase;
    private final Map<String, long[]> windows = new HashMap<>();

    FixedWindow(int limit, long windowNanos, boolean aligned, long phase) {
      super(limit, windowNanos);
      this.aligned = aligned;
      this.phase = phase;
    }

    @Override
    public synchronized long admit(String key, long now) {
      long[] w = windows.get(key); // {start, count}
      if (aligned) {
        long start = Math.floorDiv(now - phase, windowNanos) * windowNanos + phase;
        if (w == null || w[0] != start) {
          w = new long[] {start, 0};
        }
      } else if (w == null || now - w[0] >= windowNanos) {
        w = new long[] {now, 0};
      }
      windows.put(key, w);
      if (++w[1] > limit) {
        return Math.max(0, w[0] + windowNanos - now);
      }
      return ADMITTED;
    }
  }

  /** A rolling log of the admitted requests' arrival times. */
  private static final class SlidingWindow extends RateLimiter {
    private final Map<String, ArrayDeque<Long>> logs = new HashMap<>();

    SlidingWindow(int limit, long windowNanos) {
      super(limit, windowNanos);
    }

    @Override
    public synchronized long admit(String key, long now) {
      ArrayDeque<Long> log = logs.computeIfAbsent(key, k -> new ArrayDeque<>());
      while (!log.isEmpty() && log.peekFirst() <= now - windowNanos) {
        log.pollFirst();
      }
      if (log.size() >= limit) {
        return Math.max(0, log.peekFirst() + windowNanos - now);
      }
      log.addLast(now);
      return ADMITTED;
    }
  }

  /** A bucket of {@code burst} tokens refilled at {@code limit} per window. */
  private static final class TokenBucket extends RateLimiter {
    private final int burst;
    private final Map<String, double[]> buckets = new HashMap<>();

    TokenBucket(int limit, long windowNanos, int burst) {
      super(limit, windowNanos);
      if (burst < 1) {
        throw new IllegalArgumentException("a token bucket needs a burst >= 1: " + burst);
      }
      this.burst = burst;
    }

    @Override
    public synchronized long admit(String key, long now) {
      double[] b = buckets.get(key); // {tokens, at}
      if (b == null) {
        b = new double[] {burst, now};
        buckets.put(key, b);
      }
      double perNano = limit / (double) windowNanos;
      b[0] = Math.min(burst, b[0] + (now - b[1]) * perNano);
      b[1] = now;
      if (b[0] >= 1) {
        b[0] -= 1;
        return ADMITTED;
      }
      return (long) Math.ceil((1 - b[0]) / perNano);
    }
  }
}
