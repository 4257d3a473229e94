package com.ilert.ilagent.kafka;

import com.ilert.ilagent.mapping.MappingResult;

/** One record on its way to ilert. */
final class Work {
  final PartitionState partition;
  final long offset;
  final MappingResult result;
  final Object orderingKey;
  final int bytes;
  final long receivedNanos;

  Work(PartitionState partition, long offset, MappingResult result, Object orderingKey, int bytes) {
    this.partition = partition;
    this.offset = offset;
    this.result = result;
    this.orderingKey = orderingKey;
    this.bytes = bytes;
    this.receivedNanos = System.nanoTime();
  }

  /** Names the record in log lines: topic, partition and offset. */
  String where() {
    return "topic=" + partition.tp.topic() + " partition=" + partition.tp.partition() + " offset=" + offset;
  }
}
