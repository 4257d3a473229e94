package com.ilert.ilagent.kafka;

import com.ilert.ilagent.config.KafkaConfig;
import com.ilert.ilagent.ilert.IlertAnswer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.producer.KafkaWriteStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes records the agent gives up on (bad input, rejected by ilert) to the dead-letter topic: the
 * original key, value and headers, plus headers naming the reason and where the record came from.
 */
public final class DeadLetters implements DeadLetterSink {
  static final String REASON = "ilagent.reason";
  static final String DETAIL = "ilagent.detail";
  static final String TOPIC = "ilagent.topic";
  static final String PARTITION = "ilagent.partition";
  static final String OFFSET = "ilagent.offset";
  static final String ILERT_STATUS = "ilagent.ilert.status";
  static final String ILERT_ANSWER = "ilagent.ilert.answer";

  private final String topic;
  private final KafkaWriteStream<byte[], byte[]> producer;

  private DeadLetters(String topic, KafkaWriteStream<byte[], byte[]> producer) {
    this.topic = topic;
    this.producer = producer;
  }

  /** Creates the producer off the event loop (it resolves broker names). */
  public static Future<DeadLetters> create(Vertx vertx, KafkaConfig config) {
    return vertx
        .executeBlocking(
            () ->
                new KafkaProducer<>(
                    producerProperties(config),
                    new ByteArraySerializer(),
                    new ByteArraySerializer()))
        .map(p -> new DeadLetters(config.deadLetterTopic(), KafkaWriteStream.create(vertx, p)));
  }

  static Map<String, Object> producerProperties(KafkaConfig config) {
    // A dead letter replaces a commit: it must be written for sure, and once.
    return KafkaSettings.producerProperties(config, "ilagent-dead-letters");
  }

  @Override
  public String topic() {
    return topic;
  }

  @Override
  public Future<Void> send(
      ConsumerRecord<byte[], byte[]> record, String reason, String detail, IlertAnswer answer) {
    Headers headers = new RecordHeaders(record.headers().toArray());
    header(headers, REASON, reason);
    header(headers, DETAIL, detail);
    header(headers, TOPIC, record.topic());
    header(headers, PARTITION, Integer.toString(record.partition()));
    header(headers, OFFSET, Long.toString(record.offset()));
    if (answer != null) {
      header(headers, ILERT_STATUS, Integer.toString(answer.status()));
      header(headers, ILERT_ANSWER, answer.body());
    }
    return producer
        .send(new ProducerRecord<>(topic, null, record.key(), record.value(), headers))
        .mapEmpty();
  }

  public Future<Void> close() {
    return producer.close(5_000);
  }

  private static void header(Headers headers, String key, String value) {
    headers.remove(key);
    headers.add(key, value == null ? null : value.getBytes(StandardCharsets.UTF_8));
  }
}
