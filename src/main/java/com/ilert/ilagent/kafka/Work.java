package com.ilert.ilagent.kafka;

import com.ilert.ilagent.mapping.MappingResult;
import com.ilert.ilagent.util.RecordRef;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** One record on its way to ilert. */
final class Work {
  final PartitionState partition;
  final long offset;
  final MappingResult result;
  final Object orderingKey;
  final int bytes;
  final long receivedNanos;
  /** The Kafka record, kept only when a dead letter may be written from it; else null. */
  final ConsumerRecord<byte[], byte[]> record;

  Work(PartitionState partition, long offset, MappingResult result, Object orderingKey, int bytes,
      ConsumerRecord<byte[], byte[]> record) {
    this.partition = partition;
    this.offset = offset;
    this.result = result;
    this.orderingKey = orderingKey;
    this.bytes = bytes;
    this.receivedNanos = System.nanoTime();
    this.record = record;
  }

  /** Names the record in log lines: topic, partition and offset. Built only when something is logged. */
  RecordRef where() {
    return RecordRef.of(partition.tp.topic(), partition.tp.partition(), offset);
  }
}
