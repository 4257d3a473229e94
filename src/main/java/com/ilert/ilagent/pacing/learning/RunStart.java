package com.ilert.ilagent.pacing.learning;

import java.util.function.LongToIntFunction;

/**
 * When the server's window can have begun, for what a first 429's Retry-After says of the window's
 * length: a <i>run</i> is the scope's requests since its log was last empty, a <i>burst</i> those
 * since the last pause of {@link #RUN_GAP_MS}. Keeps the run a 429 refused, which a reset probe is
 * measured from. Pure: times are epoch ms passed in; used from one thread.
 */
public final class RunStart {
  /** A pause this long between two requests begins a new burst. */
  static final long RUN_GAP_MS = 1_000;

  private long runStart = -1;
  private long runFirstAnswer = -1;
  private boolean runLimited;
  private long limitedRunStart = -1;
  private long limitedRunFirstAnswer = -1;
  private long lastSentAt = Long.MIN_VALUE / 2;
  private long burstStart = -1;
  private long burstFirstAnswer = -1;

  /** A request went at {@code now}; {@code logEmpty}: nothing of the scope was in the window. */
  public void sent(long now, boolean logEmpty) {
    if (logEmpty) {
      runStart = now;
      runFirstAnswer = -1;
      runLimited = false;
    }
    if (now - lastSentAt > RUN_GAP_MS) {
      // Requests begin again after a pause: the first is the one a first 429's Retry-After is
      // measured from (the server's window cannot have begun much earlier).
      burstStart = now;
      burstFirstAnswer = -1;
    }
    lastSentAt = now;
  }

  /** The request sent at {@code sentAt} got through at {@code now}. */
  public void answered(long sentAt, long now) {
    if (runFirstAnswer < 0 && sentAt >= runStart) {
      runFirstAnswer = now;
    }
    if (burstFirstAnswer < 0 && sentAt >= burstStart) {
      burstFirstAnswer = now;
    }
  }

  /** True once a 429 of the scope's own refused this run. */
  public boolean limitedInRun() {
    return runLimited;
  }

  /** True if a 429 now would be the run's first. */
  public boolean firstLimitOfRun() {
    return !runLimited && runStart >= 0;
  }

  /** A 429 of the scope's own refused this run. */
  public void limited() {
    runLimited = true;
    limitedRunStart = runStart;
    limitedRunFirstAnswer = runFirstAnswer;
  }

  /** The send time of the first request of the run a 429 last refused, -1 if none. */
  public long limitedRunStart() {
    return limitedRunStart;
  }

  /** The answer time of that run's first request that got through, -1 if none. */
  public long limitedRunFirstAnswer() {
    return limitedRunFirstAnswer;
  }

  /**
   * A run's first 429, for the request sent at {@code sentAt}, says the window resets {@code
   * retryAfterMs} after {@code now}: the window began with the run's first request, or with the
   * burst's if the requests since then are all that counted ({@code counted}; {@code answeredAfter}
   * is the log's count of requests answered after a time). A run longer than {@code longestMs}
   * (ilert's documented window, a steady stream) began no earlier than that.
   */
  public void teachRetryAfter(
      WindowEstimate bounds,
      long sentAt,
      long retryAfterMs,
      long now,
      int counted,
      LongToIntFunction answeredAfter,
      long longestMs) {
    boolean burstFilled =
        burstStart > runStart
            && burstFirstAnswer >= 0
            && answeredAfter.applyAsInt(burstFirstAnswer - 1) >= counted;
    long from = burstFilled ? burstStart : runStart;
    long fromAnswer = burstFilled ? burstFirstAnswer : runFirstAnswer;
    if (now - from > longestMs) {
      // Its first request left the server's window long ago.
      from = now - longestMs;
      fromAnswer = -1;
    }
    long hi = now + retryAfterMs - from;
    long lo =
        fromAnswer < 0
            ? 0
            : sentAt + retryAfterMs - WindowEstimate.RETRY_AFTER_RESOLUTION_MS - fromAnswer;
    bounds.resetsAfter(hi, lo);
  }
}
