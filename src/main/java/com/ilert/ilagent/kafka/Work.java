package com.ilert.ilagent.kafka;

import com.ilert.ilagent.mapping.MappingResult;
import com.ilert.ilagent.util.RecordRef;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** One record on its way to ilert, from intake until it is done, given up or abandoned. */
final class Work {
  final PartitionState partition;
  final int epoch;
  final long offset;
  final MappingResult result;
  final Object orderingKey;
  final int bytes;
  final long receivedNanos;
  /** The Kafka record, kept only when a dead letter may be written from it; else null. */
  final ConsumerRecord<byte[], byte[]> record;

  /** Attempts started so far. */
  int attempts;
  /** When the first attempt started (epoch ms), or 0. */
  long firstAttemptMs;
  /** The retry timer while waiting for the next attempt, or -1. */
  long retryTimer = -1;

  Work(PartitionState partition, long offset, MappingResult result, Object orderingKey, int bytes,
      ConsumerRecord<byte[], byte[]> record) {
    this.partition = partition;
    this.epoch = partition.epoch;
    this.offset = offset;
    this.result = result;
    this.orderingKey = orderingKey;
    this.bytes = bytes;
    this.receivedNanos = System.nanoTime();
    this.record = record;
  }

  /** Whether the record no longer counts: its partition was revoked or rewound over it. */
  boolean stale() {
    return partition.stale(epoch, offset);
  }

  boolean heartbeat() {
    return result instanceof MappingResult.Heartbeat;
  }

  /** The integration (or heartbeat) key the request is for: what a 429 backs off. */
  String key() {
    return result instanceof MappingResult.Event e
        ? e.integrationKey()
        : ((MappingResult.Heartbeat) result).integrationKey();
  }

  /** Names the record in log lines: topic, partition and offset. Built only when something is logged. */
  RecordRef where() {
    return RecordRef.of(partition.tp.topic(), partition.tp.partition(), offset);
  }
}
