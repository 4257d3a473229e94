package com.ilert.ilagent.chaos;

/**
 * The documented bound of what a crash redelivers (docs/reliability.md, "Duplicates").
 *
 * <p>After {@code kill -9} the group restarts at the committed offsets and skips the offsets the
 * commit's metadata lists as completed. What is delivered again: the requests in flight at the kill
 * that ilert still accepted (at most {@code --max_in_flight}), and the records completed since the
 * last commit started: commits follow completions one at a time, at most every 25 ms, so that is
 * the delivery rate times one commit's round trip plus 25 ms. The round trip is the agent's own
 * figure ({@code ilagent_kafka_commit_duration_seconds_max}): a few ms on a quiet machine, hundreds
 * when the broker, the agent and the test share two busy cores.
 */
final class DuplicateBound {
  /** The committer's least gap between two commits (kafka.Committer.MIN_GAP_MS). */
  static final long COMMIT_GAP_MS = 25;

  private DuplicateBound() {}

  /**
   * What a crash may deliver again at {@code ratePerSecond} deliveries and commits of {@code
   * commitMs}.
   */
  static long afterCrash(int maxInFlight, double ratePerSecond, double commitMs) {
    return maxInFlight + (long) Math.ceil(ratePerSecond * (commitMs + COMMIT_GAP_MS) / 1000.0);
  }
}
