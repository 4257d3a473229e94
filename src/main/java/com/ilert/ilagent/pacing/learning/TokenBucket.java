package com.ilert.ilagent.pacing.learning;

/**
 * A token bucket learned from a 429: the server let {@link #burst} requests through at once and
 * refills at the allowance's rate. It paces beside the rolling log only while its burst is below
 * the allowance in force. Pure: times are epoch ms passed in; used from one thread.
 */
public final class TokenBucket {
  private int burst;
  private double tokens;
  private long tokensAt = Long.MIN_VALUE;

  /** The learned burst, 0 if none. */
  public int burst() {
    return burst;
  }

  /** True if the bucket, not only the allowance {@code a}, limits how many go at once. */
  public boolean paces(int a) {
    return burst > 0 && burst < a;
  }

  /** Ms until a token is back at {@code now}, refilled at {@code a} per {@code w}; 0 if one is. */
  public long waitMs(long now, int a, long w) {
    refill(now, a, w);
    return tokens < 1 ? (long) Math.ceil((1 - tokens) * w / a) : 0;
  }

  /** A request went at {@code now}: it took a token. */
  public void take(long now, int a, long w) {
    refill(now, a, w);
    tokens -= 1;
  }

  /** Refused at {@code now} after {@code got} went through: that is the burst, and it is empty. */
  public void emptiedAfter(int got, long now) {
    burst = got;
    tokens = 0;
    tokensAt = now;
  }

  /** Takes on another scope's burst, full (this scope has used none of it). */
  public void takeOn(TokenBucket other) {
    if (other.burst > 0 && burst != other.burst) {
      burst = other.burst;
      tokensAt = Long.MIN_VALUE;
    }
  }

  /** Scales the burst with this agent's part of a limit shared with other agents. */
  public void scale(double ratio) {
    if (burst > 0) {
      burst = Math.max(1, (int) Math.floor(burst * ratio));
    }
  }

  /** Puts back the burst a 429 that turned out to be another limit's changed. */
  void restoreBurst(int burst) {
    this.burst = burst;
  }

  private void refill(long now, int a, long w) {
    if (tokensAt == Long.MIN_VALUE) {
      tokens = burst;
    } else if (now > tokensAt) {
      tokens = Math.min(burst, tokens + (now - tokensAt) * (double) a / w);
    }
    tokensAt = Math.max(tokensAt, now);
  }
}
