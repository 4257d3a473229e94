package com.ilert.ilagent.api;

import com.ilert.ilagent.config.KafkaConfig;
import com.ilert.ilagent.kafka.KafkaSettings;
import com.ilert.ilagent.mapping.ApiEvent;
import com.ilert.ilagent.mapping.MappingResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.producer.KafkaWriteStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The event topic as the HTTP API's queue, where the Rust program had a local database: an event is
 * queued once the broker acknowledged it (acks=all, idempotent producer), so it survives a crash of
 * the agent right after the answer, and the consumer delivers it with every guarantee it has. The
 * producer is made on the first event: an agent that never gets one pays nothing for it. Runs on
 * one event loop.
 */
final class EventQueue {
  /** How long an event may wait for the broker's acknowledgement; 503 after it. */
  static final long ACK_TIMEOUT_MS = 5_000;

  private final Vertx vertx;
  private final KafkaConfig kafka;
  private final String topic;
  private Future<KafkaWriteStream<byte[], byte[]>> producer;

  EventQueue(Vertx vertx, KafkaConfig kafka, String topic) {
    this.vertx = vertx;
    this.kafka = kafka;
    this.topic = topic;
  }

  String topic() {
    return topic;
  }

  /**
   * Produces the event, marked for the consumer, keyed so that the events of one alert share a
   * partition (and their order); fails with a {@link TimeoutException} when the broker has not
   * acknowledged it within {@link #ACK_TIMEOUT_MS} (it may still be written later).
   */
  Future<RecordMetadata> add(MappingResult.GenericEvent event) {
    Promise<RecordMetadata> acked = Promise.promise();
    long timer =
        vertx.setTimer(
            ACK_TIMEOUT_MS,
            id ->
                acked.tryFail(
                    new TimeoutException(
                        "Kafka did not acknowledge within " + ACK_TIMEOUT_MS + " ms")));
    RecordHeaders headers = new RecordHeaders();
    headers.add(ApiEvent.MARKER_HEADER, ApiEvent.MARKER_VALUE.getBytes(StandardCharsets.UTF_8));
    ProducerRecord<byte[], byte[]> record =
        new ProducerRecord<>(topic, null, key(event), event.body(), headers);
    producer()
        .compose(p -> p.send(record))
        .onComplete(
            (metadata, err) -> {
              vertx.cancelTimer(timer);
              if (err == null) {
                acked.tryComplete(metadata);
              } else {
                acked.tryFail(err);
              }
            });
    return acked.future();
  }

  Future<Void> close() {
    if (producer == null) {
      return Future.succeededFuture();
    }
    return producer.compose(p -> p.close(ACK_TIMEOUT_MS)).otherwiseEmpty().mapEmpty();
  }

  /**
   * The producer, made off the event loop (it resolves broker names); made again after a failure.
   */
  private Future<KafkaWriteStream<byte[], byte[]>> producer() {
    if (producer == null || producer.failed()) {
      Map<String, Object> props = KafkaSettings.producerProperties(kafka, "ilagent-http-api");
      // send() waits for the topic's metadata on its worker thread: not longer than the answer.
      props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, String.valueOf(ACK_TIMEOUT_MS));
      producer =
          vertx
              .executeBlocking(
                  () ->
                      new KafkaProducer<>(
                          props, new ByteArraySerializer(), new ByteArraySerializer()))
              .map(
                  p -> {
                    KafkaWriteStream<byte[], byte[]> stream = KafkaWriteStream.create(vertx, p);
                    stream.exceptionHandler(err -> {}); // each send's future reports its failure
                    return stream;
                  });
    }
    return producer;
  }

  /**
   * The Kafka key: a digest of integration key and alertKey, so the events of one alert land in one
   * partition in order, without the integration key in clear in the key. No alertKey, no key: such
   * events have no order among themselves (as with --ordering alert_key).
   */
  static byte[] key(MappingResult.GenericEvent event) {
    if (event.alertKey() == null) {
      return null;
    }
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(
                  (event.integrationKey() + '\u0000' + event.alertKey())
                      .getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 16).getBytes(StandardCharsets.US_ASCII);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
