package com.ilert.ilagent.it;

import static org.awaitility.Awaitility.await;

import com.ilert.ilagent.testkit.AgentProcess;
import com.ilert.ilagent.testkit.IlertStandIn;
import com.ilert.ilagent.testkit.KafkaBroker;
import com.ilert.ilagent.testkit.Ports;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.awaitility.core.ConditionTimeoutException;

/** What the integration tests share: unique names, the agent's command line, probes, payloads. */
final class Agents {
  private Agents() {}

  static KafkaBroker kafka() {
    return KafkaBroker.shared();
  }

  static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  static int freePort() {
    return Ports.freePort();
  }


  /** The seed's sample command, pointed at the test broker and the ilert stand-in. */
  static List<String> daemon(String group, IlertStandIn ilert, String... extra) {
    List<String> args = new ArrayList<>(List.of(
        "daemon", "-v", "-v",
        "--kafka_brokers", kafka().bootstrapServers(),
        "--kafka_group_id", group,
        "--kafka_offset_reset", "earliest",
        "--api_url", ilert.apiUrl(),
        "--heartbeat_url", ilert.heartbeatUrl()));
    args.addAll(Arrays.asList(extra));
    return args;
  }

  /** Starts the agent and waits until /ready answers 204. */
  static AgentProcess startReady(String name, List<String> args, int port) {
    AgentProcess agent = AgentProcess.start(name, args, Map.of());
    awaitStatus(agent, port, "/ready", 204, Duration.ofSeconds(45));
    return agent;
  }

  static void awaitStatus(AgentProcess agent, int port, String path, int status, Duration timeout) {
    try {
      await().atMost(timeout).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
          .until(() -> !agent.isAlive() || AgentProcess.httpGet(port, path).status() == status);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("expected " + path + " to answer " + status + " within " + timeout
          + "; agent log:\n" + agent.log());
    }
    if (!agent.isAlive()) {
      throw new AssertionError("the agent exited before " + path + " answered " + status + "; log:\n" + agent.log());
    }
  }

  static String event(String key, String type, String summary, String alertKey) {
    StringBuilder json = new StringBuilder("{\"integrationKey\":\"").append(key).append('"');
    if (type != null) {
      json.append(",\"eventType\":\"").append(type).append('"');
    }
    if (summary != null) {
      json.append(",\"summary\":\"").append(summary).append('"');
    }
    if (alertKey != null) {
      json.append(",\"alertKey\":\"").append(alertKey).append('"');
    }
    return json.append('}').toString();
  }

  /** Produces many records quickly (one flush at the end) and returns their metadata in order. */
  static List<RecordMetadata> produce(String topic, List<ProducerRecord<String, String>> records) {
    try (KafkaProducer<String, String> producer = kafka().producer()) {
      List<Future<RecordMetadata>> sent = new ArrayList<>();
      for (ProducerRecord<String, String> r : records) {
        sent.add(producer.send(r));
      }
      producer.flush();
      List<RecordMetadata> result = new ArrayList<>();
      for (Future<RecordMetadata> f : sent) {
        result.add(f.get());
      }
      return result;
    } catch (Exception e) {
      throw new IllegalStateException("producing to " + topic + " failed", e);
    }
  }
}
