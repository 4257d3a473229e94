package com.ilert.ilagent.chaos;

/**
 * The documented bound of what a crash redelivers (docs/reliability.md, "Duplicates").
 *
 * <p>After {@code kill -9} the group restarts at the committed offsets, so the duplicates are the
 * records delivered at or above a partition's committed offset: (a) records completed since the
 * last commit, at most the delivery rate times ({@code --commit_interval_ms} plus the commit's round
 * trip), and (b) records completed above the partition's lowest pending record, which the agent
 * tracks and pauses the partition for at {@link #WINDOW_RECORDS}, plus one poll of records already on
 * their way. Requests in flight at the kill that ilert still accepted add at most {@code
 * --max_in_flight}.
 */
final class DuplicateBound {
  /** The agent pauses a partition with this many records it has not committed (ConsumerVerticle). */
  static final int WINDOW_RECORDS = 2_000;
  /** Kafka's max.poll.records default: one poll may still arrive after the pause. */
  static final int POLL_RECORDS = 500;
  /** A commit's round trip on a busy machine, generously. */
  static final long COMMIT_LATENCY_MS = 1_000;

  private DuplicateBound() {}

  /** The hard bound for an agent owning {@code partitions} partitions. */
  static long afterCrash(int partitions, int maxInFlight, long commitIntervalMs, double ratePerSecond) {
    return (long) partitions * (WINDOW_RECORDS + POLL_RECORDS) + maxInFlight
        + (long) Math.ceil(ratePerSecond * (commitIntervalMs + COMMIT_LATENCY_MS) / 1000.0);
  }
}
