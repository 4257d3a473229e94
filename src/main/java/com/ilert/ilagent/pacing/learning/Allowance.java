package com.ilert.ilagent.pacing.learning;

/**
 * How many requests one scope may send per window: the told number (this agent's part of it in a
 * group), or what 429s taught if that is less. A learned allowance is <i>tentative</i> until a 429
 * confirms it; while tentative, requests go one at a time ({@link #serial}) and one above it after
 * another, each that gets through raising it. A learned allowance may instead be a <i>rate</i>
 * ({@link #learnRate}): so many per a window of its own. A token bucket's burst ({@link #bucket})
 * is learned beside a told allowance. Pure; used from one thread.
 */
public final class Allowance {
  /** How much slower a measured rate gets after a 429 says it was measured a little high. */
  static final double RATE_BACKOFF = 0.92;

  /** What {@link #restore} puts back. */
  public record Snapshot(
      int learned, boolean confirmed, long rateWindowMs, int burst, boolean serial) {}

  private final TokenBucket bucket = new TokenBucket();
  private int told;
  private int learned;
  private boolean confirmed;
  private boolean adopted;
  private long rateWindowMs;
  private boolean learnedInEpisode;
  private boolean serial;

  /**
   * @param told the told allowance per window, 0 = none
   */
  public Allowance(int told) {
    this.told = told;
  }

  /** The allowance in force, 0 = none. */
  public int inForce() {
    if (told > 0 && learned > 0) {
      return Math.min(told, learned);
    }
    return told > 0 ? told : learned;
  }

  public int told() {
    return told;
  }

  /** The learned allowance, confirmed or tentative; 0 if none. */
  public int learned() {
    return learned;
  }

  public boolean confirmed() {
    return confirmed;
  }

  /** True if the learned allowance, not the told one, is in force. */
  public boolean learnedBinds() {
    return learned > 0 && (told == 0 || learned < told);
  }

  /** True if a measured rate paces: {@link #rateWindowMs} is the window to pace by. */
  public boolean rateBinds() {
    return rateWindowMs > 0 && learnedBinds();
  }

  /** True if a rate was measured, whether or not it is in force. */
  public boolean hasRate() {
    return rateWindowMs > 0;
  }

  /** The window of a measured rate, 0 if none. */
  public long rateWindowMs() {
    return rateWindowMs;
  }

  /** True if a rate measured by this scope itself (not taken on) paces. */
  public boolean ownRateBinds() {
    return rateBinds() && !adopted;
  }

  public TokenBucket bucket() {
    return bucket;
  }

  /** True while requests go one at a time, climbing above a tentative allowance. */
  public boolean serial() {
    return serial;
  }

  /** True if another scope may take on what this one learned. */
  public boolean teaches() {
    return learned > 0 || bucket.burst() > 0;
  }

  /**
   * True if the next request may go one above the tentative allowance ({@code streak} in a row).
   */
  public boolean climbing(int streak, boolean whole) {
    // In a group, the members' climbs would race for the same room: spare room is tried instead.
    return serial && !confirmed && learnedBinds() && streak >= learned && whole;
  }

  // ---- what answers teach ----

  /** A 429 after {@code n} got through in the window: that is the allowance, tentatively. */
  public void learn(int n) {
    learned = n;
    rateWindowMs = 0;
    confirmed = false;
    learnedInEpisode = true;
    adopted = false;
  }

  /**
   * Paces by the rate at which requests got through between two 429s ({@code got} in {@code
   * overMs}, the bucket empty at both ends, so at most the server's rate): {@code n} requests per
   * {@code n / rate}, {@code n} about what the window {@code w} holds. Confirmed (a measured rate
   * is a lower bound), and kept whatever the kind later learns about windows.
   */
  public void learnRate(int got, long overMs, long w) {
    // The bucket held part of a token at the first 429, half of one on average.
    double perMs = Math.max(0.5, got - 0.5) / (double) overMs;
    int n = (int) Math.max(1, Math.round(perMs * w));
    learned = n;
    rateWindowMs = Math.max(1, (long) Math.ceil(n / perMs));
    confirmed = true;
    learnedInEpisode = false;
    adopted = false;
  }

  /** Paced by its own measured rate and still refused: it was measured a little high. */
  public void backOffRate() {
    rateWindowMs = Math.max(1, (long) Math.ceil(rateWindowMs / RATE_BACKOFF));
  }

  /** A told allowance's key was refused after {@code got} went through: a token bucket's burst. */
  public void learnBurst(int got, long now) {
    bucket.emptiedAfter(got, now);
    adopted = false;
  }

  public void confirm(boolean confirmed) {
    this.confirmed = confirmed;
  }

  /** One more than the allowance got through (a probe above it): the allowance is larger. */
  public void raise() {
    learned++;
  }

  /** A request sent before the last 429 got through after it: it counted before the limit. */
  public void countedBeforeLimit() {
    if (learnedInEpisode) {
      learned++;
    }
  }

  /** A new 429 of this scope: what it teaches is the new lesson. */
  public void newEpisode() {
    learnedInEpisode = false;
  }

  /** One at a time, then one above, only alone: in a group the members' climbs would race. */
  public void goSerialIfTentative(boolean whole) {
    serial = learnedBinds() && !confirmed && whole;
  }

  // ---- what other scopes and the group change ----

  /**
   * Takes on another key's learned allowance (and burst), tentatively, while this key has none of
   * its own: ilert limits every key alike. Called again as the other key learns more; ends once
   * this key learns from a 429 of its own ({@code limitedInRun}).
   */
  public void adopt(Allowance other, boolean limitedInRun) {
    if (!adopted && learned > 0 && !confirmed && other.confirmed && other.learned == learned) {
      confirmed = true; // another key confirmed the same allowance: ilert limits keys alike
      serial = false;
      return;
    }
    if (!adopted && (learned > 0 || limitedInRun || bucket.burst() > 0)) {
      return;
    }
    if (other.learned <= 0 && other.bucket.burst() <= 0) {
      return;
    }
    adopted = true;
    learned = other.learned <= 0 ? 0 : told > 0 ? Math.min(told, other.learned) : other.learned;
    confirmed = other.confirmed;
    rateWindowMs = other.rateWindowMs;
    bucket.takeOn(other.bucket);
  }

  /**
   * The limit this was learned from may have been the process's: one taken on from another key, or
   * a measured rate, is dropped; one per window of its own becomes tentative again.
   */
  public void demote() {
    if (adopted || rateWindowMs > 0) {
      learned = 0;
      rateWindowMs = 0;
      serial = false;
      adopted = false;
    }
    confirmed = false;
  }

  /** This agent's part of a shared limit changed by {@code ratio}; {@code told} is the new one. */
  public void scale(double ratio, int told) {
    if (learned > 0) {
      learned = Math.max(1, (int) Math.floor(learned * ratio));
    }
    bucket.scale(ratio);
    this.told = told;
  }

  public Snapshot snapshot() {
    return new Snapshot(learned, confirmed, rateWindowMs, bucket.burst(), serial);
  }

  /** Takes back a 429's lesson: it turned out to be another limit's. */
  public void restore(Snapshot s) {
    learned = s.learned();
    confirmed = s.confirmed();
    rateWindowMs = s.rateWindowMs();
    bucket.restoreBurst(s.burst());
    serial = s.serial();
  }

  /** E.g. "allowance 50 (tentative), burst 10": for logs, without the window. */
  @Override
  public String toString() {
    int a = inForce();
    return "allowance "
        + a
        + (learned > 0 && learned == a ? (confirmed ? " (learned)" : " (tentative)") : "")
        + (bucket.paces(a) ? ", burst " + bucket.burst() : "")
        + (rateBinds() ? " (a rate)" : "");
  }
}
