package com.ilert.ilagent.pacing.learning;

/**
 * A scope's 429s of its own, each beginning an <i>episode</i>, and what got through since the last
 * one: the streak in a row (which proves a told allowance, and after which a tentative one is
 * climbed), and the count a second 429 measures a rate by. Pure; used from one thread.
 */
public final class Episodes {
  /** What {@link #restore} puts back. */
  public record Snapshot(int number, long startedAt, int acceptedSince) {}

  private int number;
  private long startedAt = Long.MIN_VALUE;
  private int acceptedSince;
  private int streak;
  private boolean toldProven;

  /** The current episode's number, 0 before the first 429. */
  public int number() {
    return number;
  }

  /** True if a request sent at {@code sentAt} went before the last 429 was known: that limit's. */
  public boolean sentBefore(long sentAt) {
    return sentAt < startedAt;
  }

  /** Requests that got through in a row since the last 429. */
  public int streak() {
    return streak;
  }

  /** Requests that got through since the last 429. */
  public int acceptedSince() {
    return acceptedSince;
  }

  /** Ms since the last 429 at {@code now}, -1 before the first. */
  public long sinceLastMs(long now) {
    return startedAt == Long.MIN_VALUE ? -1 : now - startedAt;
  }

  /** True once a whole told allowance ({@code told}) got through in a row. */
  public boolean toldProven() {
    return toldProven;
  }

  /** A request sent in this episode got through; {@code told} is the told allowance, 0 = none. */
  public void accepted(int told) {
    streak++;
    acceptedSince++;
    if (told > 0 && streak >= told) {
      toldProven = true;
    }
  }

  /** A 429 of the scope's own at {@code now} begins the next episode. */
  public void begin(long now) {
    number++;
    startedAt = now;
    acceptedSince = 0;
    streak = 0;
  }

  public Snapshot snapshot() {
    return new Snapshot(number, startedAt, acceptedSince);
  }

  /** Takes back the last {@link #begin}: its 429 turned out to be another limit's. */
  public void restore(Snapshot s) {
    number = s.number();
    startedAt = s.startedAt();
    acceptedSince = s.acceptedSince();
  }
}
