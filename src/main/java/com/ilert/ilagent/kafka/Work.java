package com.ilert.ilagent.kafka;

import com.ilert.ilagent.mapping.MappingResult;
import com.ilert.ilagent.pacing.Pacer;
import com.ilert.ilagent.pacing.RequestKind;
import com.ilert.ilagent.redaction.Redaction;
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

  /** When the first attempt started ({@link EventLoop#nowMs()}), or 0. */
  long firstAttemptMs;

  /** The retry timer while waiting for the next attempt, or -1. */
  long retryTimer = -1;

  /** Since when the pacer holds it back ({@link EventLoop#nowMs()}), or -1. */
  long heldSince = -1;

  /** The pacer's record of the attempt on the wire. */
  Pacer.Sent paced;

  Work(
      PartitionState partition,
      long offset,
      MappingResult result,
      Object orderingKey,
      int bytes,
      ConsumerRecord<byte[], byte[]> record) {
    this.partition = partition;
    this.epoch = partition.epoch();
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

  /** What 429s of escalation-policy requests back off: they share the one API token. */
  static final String POLICY_GATE = "ilert API";

  boolean heartbeat() {
    return result instanceof MappingResult.Heartbeat;
  }

  boolean policy() {
    return result instanceof MappingResult.PolicyUpdate;
  }

  /** The integration (or heartbeat) key the request is for: what a 429 backs off. */
  String key() {
    if (result instanceof MappingResult.Event e) {
      return e.integrationKey();
    }
    if (result instanceof MappingResult.GenericEvent e) {
      return e.integrationKey();
    }
    return result instanceof MappingResult.Heartbeat h ? h.integrationKey() : POLICY_GATE;
  }

  /** Which of ilert's limits the request counts against. */
  RequestKind requestKind() {
    if (result instanceof MappingResult.Event || result instanceof MappingResult.GenericEvent) {
      return RequestKind.EVENT;
    }
    return heartbeat() ? RequestKind.PING : RequestKind.OTHER_API;
  }

  /**
   * The key the pacer limits it by; null for API calls, which only the process-wide limit covers.
   */
  String pacedKey() {
    return policy() ? null : key();
  }

  /** What is sent, for a log line; keys masked. */
  String what() {
    if (result instanceof MappingResult.PolicyUpdate u) {
      return "policy update (routing key "
          + u.routingKey()
          + ", level "
          + u.level()
          + ", user "
          + Redaction.email(u.email())
          + ")";
    }
    return (heartbeat() ? "ping for key " : "event for key ") + Redaction.key(key());
  }

  /**
   * Names the record in log lines: topic, partition and offset. Built only when something is
   * logged.
   */
  RecordRef where() {
    return RecordRef.of(partition.topic(), partition.partition(), offset);
  }
}
