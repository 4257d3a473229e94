package com.ilert.ilagent.consumer;

import com.ilert.ilagent.delivery.Work;
import com.ilert.ilagent.logging.RecordRef;
import com.ilert.ilagent.mapping.MappingResult;
import com.ilert.ilagent.offsets.PartitionState;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The work of one Kafka record: the assignment of the partition it came from (so a late outcome
 * after a revoke or a rewind counts for nothing), its offset, and what it holds of the bounds.
 */
final class RecordWork extends Work {
  final PartitionState partition;
  final int epoch;
  final long offset;
  final int bytes;
  final long receivedNanos;

  /** The Kafka record, kept only when a dead letter may be written from it; else null. */
  final ConsumerRecord<byte[], byte[]> record;

  RecordWork(
      PartitionState partition,
      long offset,
      MappingResult result,
      Object orderingKey,
      int bytes,
      ConsumerRecord<byte[], byte[]> record) {
    super(result, orderingKey);
    this.partition = partition;
    this.epoch = partition.epoch();
    this.offset = offset;
    this.bytes = bytes;
    this.receivedNanos = System.nanoTime();
    this.record = record;
  }

  @Override
  public boolean stale() {
    return partition.stale(epoch, offset);
  }

  @Override
  protected boolean leaving() {
    return partition.leaving();
  }

  @Override
  protected void attemptStarted() {
    partition.deliveryStarted(offset);
  }

  @Override
  protected void attemptEnded() {
    partition.deliveryEnded();
  }

  @Override
  public RecordRef where() {
    return RecordRef.of(partition.topic(), partition.partition(), offset);
  }
}
