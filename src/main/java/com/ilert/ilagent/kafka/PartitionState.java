package com.ilert.ilagent.kafka;

import org.apache.kafka.common.TopicPartition;

/** What the consumer knows of one partition while it is assigned. */
final class PartitionState {
  final TopicPartition tp;
  final PartitionOffsets offsets = new PartitionOffsets();
  /** Records received and not finished (queued or in flight). */
  int buffered;
  long bufferedBytes;
  boolean paused;
  /** The highest offset whose delivery started, or -1. */
  long maxStarted = -1;
  boolean positionKnown;
  /** Where consumption started (committed offset or reset), once known; -1 before. */
  long startPosition = -1;
  /** Set once the partition is revoked: its records may finish but are never committed again. */
  boolean revoked;

  PartitionState(TopicPartition tp) {
    this.tp = tp;
  }

  /** A record of this partition is queued for delivery. */
  void hold(int bytes) {
    buffered++;
    bufferedBytes += bytes;
  }

  /** A held record finished, or was dropped from the queue. */
  void release(int bytes) {
    buffered--;
    bufferedBytes -= bytes;
  }
}
