package com.ilert.ilagent.offsets;

/**
 * When a partition must be paused because the agent holds too much, and when it may resume. Two
 * bounds apply: one per partition (records and bytes waiting; records tracked behind a pending one,
 * whose completion a crash keeps only while a commit's metadata can list them all) and one for the
 * whole process, so that many partitions together cannot fill the heap while ilert is down. A
 * partition resumes below half of every bound (hysteresis, so it does not flap). Pure: the caller
 * passes the counts.
 *
 * @param partitionRecords records waiting or in flight in one partition
 * @param partitionBytes bytes of those records
 * @param uncommittable records of one partition from its lowest pending one up
 * @param totalRecords records waiting or in flight in all partitions together
 * @param totalBytes bytes of those
 */
public record Backpressure(
    int partitionRecords,
    long partitionBytes,
    int uncommittable,
    int totalRecords,
    long totalBytes) {

  /**
   * The agent's bounds: 2,000 records / 16 MiB waiting per partition, 20,000 tracked behind a
   * pending record, 10,000 records / 48 MiB waiting in all.
   */
  public static final Backpressure DEFAULT =
      new Backpressure(2_000, 16L << 20, 20_000, 10_000, 48L << 20);

  /**
   * Whether {@code ps} must be paused with {@code records}/{@code bytes} held in all partitions.
   */
  boolean full(PartitionState ps, long records, long bytes) {
    return ps.buffered() >= partitionRecords
        || ps.bufferedBytes() >= partitionBytes
        || ps.uncommittable() >= uncommittable
        || ps.metadataFull()
        || processFull(records, bytes);
  }

  /** Whether the process-wide bound alone is reached. */
  boolean processFull(long records, long bytes) {
    return records >= totalRecords || bytes >= totalBytes;
  }

  /** Whether the process holds little enough for partitions it paused to resume. */
  boolean processRelieved(long records, long bytes) {
    return records <= totalRecords / 2 && bytes <= totalBytes / 2;
  }

  /** Whether a paused {@code ps} may resume. */
  boolean relieved(PartitionState ps, long records, long bytes) {
    return ps.buffered() <= partitionRecords / 2
        && ps.bufferedBytes() <= partitionBytes / 2
        && ps.uncommittable() <= uncommittable / 2
        && !ps.metadataFull()
        && processRelieved(records, bytes);
  }
}
