package com.ilert.ilagent.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.apache.kafka.clients.consumer.RoundRobinAssignor;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * A member of a consumer group as the Rust ilagent is one: librdkafka's default assignors ({@code
 * range,roundrobin}, no cooperative one), a 6 s session, and one record at a time: POST it to
 * ilert, commit its offset, next. Runs as its own process ({@link #start}), so a test can kill it
 * with SIGKILL and the group notices only when its session times out, as with a crashed Rust agent.
 *
 * <p>Usage: {@code RustLikeMember <bootstrap servers> <group> <topic> <api url>}; prints "assigned
 * [...]" on every assignment and "delivered <topic>-<partition>@<offset>" per record.
 */
public final class RustLikeMember {
  private static final Pattern KEY = Pattern.compile("\"integrationKey\"\\s*:\\s*\"([^\"]+)\"");

  private RustLikeMember() {}

  /** Starts a member in a JVM of its own, with the test class path; output in target/agent-logs. */
  public static AgentProcess start(
      String name, String bootstrap, String group, String topic, String apiUrl) {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m",
                "-cp",
                System.getProperty("java.class.path"),
                ParentWatchdog.class.getName(),
                Long.toString(ProcessHandle.current().pid()),
                RustLikeMember.class.getName(),
                bootstrap,
                group,
                topic,
                apiUrl));
    try {
      Path logDir = Path.of("target", "agent-logs").toAbsolutePath();
      Files.createDirectories(logDir);
      return AgentProcess.wrap(
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(
                  logDir.resolve(name + "-" + System.currentTimeMillis() + ".log").toFile()),
          command);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static void main(String[] args) throws Exception {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, args[1]);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "6000");
    p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "1000");
    p.put(
        ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
        RangeAssignor.class.getName() + "," + RoundRobinAssignor.class.getName());
    String api = args[3].endsWith("/") ? args[3].substring(0, args[3].length() - 1) : args[3];
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(
          List.of(args[2]),
          new org.apache.kafka.clients.consumer.ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(java.util.Collection<TopicPartition> partitions) {
              System.out.println("revoked " + partitions);
            }

            @Override
            public void onPartitionsAssigned(java.util.Collection<TopicPartition> partitions) {
              System.out.println("assigned " + partitions);
            }
          });
      while (true) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
          Matcher m =
              KEY.matcher(new String(record.value(), java.nio.charset.StandardCharsets.UTF_8));
          String key = m.find() ? m.group(1) : "none";
          HttpResponse<Void> answer =
              http.send(
                  HttpRequest.newBuilder(URI.create(api + "/v1/events/kafka/" + key))
                      .timeout(Duration.ofSeconds(10))
                      .header("Content-Type", "application/json")
                      .POST(HttpRequest.BodyPublishers.ofByteArray(record.value()))
                      .build(),
                  HttpResponse.BodyHandlers.discarding());
          if (answer.statusCode() != 202) {
            System.out.println(
                "not delivered "
                    + record.topic()
                    + "-"
                    + record.partition()
                    + "@"
                    + record.offset());
            System.exit(1); // as the Rust program: exit, and the record is consumed again
          }
          consumer.commitSync(
              Map.of(
                  new TopicPartition(record.topic(), record.partition()),
                  new OffsetAndMetadata(record.offset() + 1)));
          System.out.println(
              "delivered " + record.topic() + "-" + record.partition() + "@" + record.offset());
        }
      }
    }
  }
}
