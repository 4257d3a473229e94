package com.ilert.ilagent.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The YARDSTICK of the benchmark: what the original Rust ilagent does with a Kafka topic, written
 * with nothing but kafka-clients and java.net.http. One consumer, one record at a time: take the
 * next record, read its integrationKey, POST it to ilert, wait for the answer, commit its offset,
 * then the next record. No concurrency, no retries (the Rust program exits on a failed delivery;
 * here a non-202 is only counted, the benchmark checks that none happens).
 *
 * <p>Choices that favour the yardstick, so the comparison is not flattered: the records of a poll
 * are prefetched (as librdkafka prefetches behind {@code recv()}), the commit is asynchronous (as
 * the Rust program's {@code CommitMode::Async}), the HTTP connection is kept alive, and the event
 * body is the record value itself (no mapping work).
 *
 * <p>Not a test and not part of the agent: only {@link Bench} uses it.
 */
public final class RustLoopYardstick implements AutoCloseable {
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final HttpClient http;
  private final ObjectMapper json = new ObjectMapper();
  private final String apiUrl;
  private final Thread thread;
  private final AtomicLong delivered = new AtomicLong();
  private final AtomicLong notAccepted = new AtomicLong();
  private volatile boolean running = true;
  private volatile Throwable error;

  /** Starts consuming {@code topic} in {@code groupId} (from the earliest offset) at once. */
  public RustLoopYardstick(String bootstrapServers, String groupId, String topic, String apiUrl) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    // The benchmark makes each backlog visible at one instant with a Kafka transaction.
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    this.consumer =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    this.apiUrl = apiUrl.endsWith("/") ? apiUrl.substring(0, apiUrl.length() - 1) : apiUrl;
    consumer.subscribe(List.of(topic));
    this.thread = new Thread(this::loop, "rust-loop-yardstick");
    thread.setDaemon(true);
    thread.start();
  }

  private void loop() {
    try {
      while (running) {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(100));
        for (ConsumerRecord<byte[], byte[]> record : records) {
          if (!running) {
            return;
          }
          forward(record);
          TopicPartition tp = new TopicPartition(record.topic(), record.partition());
          consumer.commitAsync(Map.of(tp, new OffsetAndMetadata(record.offset() + 1)), null);
        }
      }
    } catch (WakeupException e) {
      // closing
    } catch (Throwable e) {
      error = e;
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  private void forward(ConsumerRecord<byte[], byte[]> record) throws Exception {
    JsonNode payload = json.readTree(record.value());
    String key = payload.path("integrationKey").asText();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(apiUrl + "/v1/events/kafka/" + key))
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(record.value()))
            .build();
    HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
    if (response.statusCode() == 202) {
      delivered.incrementAndGet();
    } else {
      notAccepted.incrementAndGet();
    }
  }

  public long delivered() {
    return delivered.get();
  }

  public long notAccepted() {
    return notAccepted.get();
  }

  /** The exception that ended the loop, or null. */
  public Throwable error() {
    return error;
  }

  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
