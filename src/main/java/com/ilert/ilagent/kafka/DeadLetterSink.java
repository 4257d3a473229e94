package com.ilert.ilagent.kafka;

import com.ilert.ilagent.ilert.IlertAnswer;
import io.vertx.core.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Where records given up on (bad input, rejected by ilert) are written before their offsets
 * complete: the dead-letter topic ({@link DeadLetters}).
 */
public interface DeadLetterSink {
  String topic();

  /** Completes once the record is written for sure; fails if it cannot be. */
  Future<Void> send(
      ConsumerRecord<byte[], byte[]> record, String reason, String detail, IlertAnswer answer);
}
