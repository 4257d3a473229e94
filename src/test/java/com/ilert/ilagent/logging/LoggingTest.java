package com.ilert.ilagent.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.ilert.ilagent.config.AgentConfig.LogFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/** --log_format: the json lines parse and carry the fields; text stays plain lines. */
class LoggingTest {
  private static final Logger LOG = LoggerFactory.getLogger("com.ilert.ilagent.LoggingTest");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
  private Level rootLevel;
  private Level ownLevel;
  private Level kafkaLevel;

  @BeforeEach
  void saveLevels() {
    rootLevel = context.getLogger(Logger.ROOT_LOGGER_NAME).getLevel();
    ownLevel = context.getLogger("com.ilert.ilagent").getLevel();
    kafkaLevel = context.getLogger(Logging.KAFKA_LOGGERS).getLevel();
  }

  @AfterEach
  void restore() {
    Logging.configure(0, LogFormat.TEXT);
    context.getLogger(Logging.KAFKA_LOGGERS).setLevel(kafkaLevel);
    context.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(rootLevel);
    context.getLogger("com.ilert.ilagent").setLevel(ownLevel);
    MDC.clear();
  }

  /** What the console appenders wrote to stdout while {@code action} ran. */
  private static List<String> stdoutOf(Runnable action) {
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      action.run();
    } finally {
      System.out.flush();
      System.setOut(original);
    }
    return captured.toString(StandardCharsets.UTF_8).lines().toList();
  }

  private static List<JsonNode> parse(List<String> lines) throws IOException {
    List<JsonNode> nodes = new ArrayList<>();
    for (String line : lines) {
      JsonNode node = JSON.readTree(line);
      assertThat(node.isObject()).as("one JSON object per line: %s", line).isTrue();
      nodes.add(node);
    }
    return nodes;
  }

  @Test
  void jsonLinesCarryTheFieldsAndTheRecordFromTheMdc() throws IOException {
    Logging.configure(2, LogFormat.JSON);
    List<String> lines =
        stdoutOf(
            () -> {
              Logging.withRecord(
                  "events", 3, 42L, () -> LOG.warn("Skipped record: {}", "not \"JSON\"\nat all"));
              LOG.info("no record");
              LOG.debug("below the level");
            });

    List<JsonNode> nodes = parse(lines);
    assertThat(nodes).hasSize(2);
    JsonNode withRecord = nodes.get(0);
    assertThat(withRecord.path("message").asText())
        .isEqualTo("Skipped record: not \"JSON\"\nat all");
    assertThat(withRecord.path("level").asText()).isEqualTo("WARN");
    assertThat(withRecord.path("logger").asText()).isEqualTo("com.ilert.ilagent.LoggingTest");
    assertThat(withRecord.path("thread").asText()).isEqualTo(Thread.currentThread().getName());
    assertThat(withRecord.path("timestamp").asText())
        .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}.*");
    assertThat(withRecord.path("topic").asText()).isEqualTo("events");
    assertThat(withRecord.path("partition").isIntegralNumber()).isTrue();
    assertThat(withRecord.path("partition").asInt()).isEqualTo(3);
    assertThat(withRecord.path("offset").asLong()).isEqualTo(42L);
    assertThat(withRecord.has("exception")).isFalse();
    assertThat(withRecord.has("@version")).isFalse();

    JsonNode without = nodes.get(1);
    assertThat(without.path("message").asText()).isEqualTo("no record");
    assertThat(without.has("topic")).isFalse();
    assertThat(without.has("partition")).isFalse();
    assertThat(without.has("offset")).isFalse();
  }

  @Test
  void jsonLineOfAnExceptionHoldsTheStackTrace() throws IOException {
    Logging.configure(0, LogFormat.JSON);
    List<String> lines =
        stdoutOf(() -> LOG.error("Delivery failed", new IOException("connection reset")));

    List<JsonNode> nodes = parse(lines);
    assertThat(nodes).hasSize(1);
    assertThat(nodes.get(0).path("level").asText()).isEqualTo("ERROR");
    assertThat(nodes.get(0).path("exception").asText())
        .startsWith("java.io.IOException: connection reset")
        .contains("LoggingTest");
  }

  @Test
  void textStaysPlainLinesAndJsonCanBeSwitchedBack() {
    Logging.configure(2, LogFormat.JSON);
    Logging.configure(2, LogFormat.TEXT);
    List<String> lines =
        stdoutOf(() -> Logging.withRecord("events", 0, 7L, () -> LOG.warn("plain line")));

    assertThat(lines).hasSize(1);
    assertThat(lines.get(0)).doesNotStartWith("{").contains("WARN").endsWith("plain line");
  }

  @Test
  void verbosityStillSetsTheLevels() {
    Logging.configure(0, LogFormat.TEXT);
    assertThat(stdoutOf(() -> LOG.info("hidden"))).isEmpty();
    Logging.configure(3, LogFormat.TEXT);
    assertThat(stdoutOf(() -> LOG.debug("shown"))).hasSize(1);
  }

  @Test
  void withRecordRestoresTheMdcAsItWas() {
    MDC.put(Logging.MDC_TOPIC, "outer");
    Logging.withRecord(
        "inner",
        1,
        2L,
        () -> {
          assertThat(MDC.get(Logging.MDC_TOPIC)).isEqualTo("inner");
          assertThat(MDC.get(Logging.MDC_PARTITION)).isEqualTo("1");
          assertThat(MDC.get(Logging.MDC_OFFSET)).isEqualTo("2");
        });
    assertThat(MDC.get(Logging.MDC_TOPIC)).isEqualTo("outer");
    assertThat(MDC.get(Logging.MDC_PARTITION)).isNull();
    assertThat(MDC.get(Logging.MDC_OFFSET)).isNull();
  }

  @Test
  void withRecordRestoresTheMdcWhenTheActionThrows() {
    try {
      Logging.withRecord(
          "t",
          0,
          0L,
          () -> {
            throw new IllegalStateException("boom");
          });
    } catch (IllegalStateException expected) {
      // the MDC must be clean all the same
    }
    assertThat(MDC.getCopyOfContextMap() == null || MDC.getCopyOfContextMap().isEmpty()).isTrue();
  }

  @Test
  void rustLogWinsOverVerboseAsInTheRustProgram() {
    Logging.configure(3, "warn", LogFormat.TEXT);
    assertThat(context.getLogger("com.ilert.ilagent").getEffectiveLevel()).isEqualTo(Level.WARN);
    List<String> lines =
        stdoutOf(
            () -> {
              LOG.info("not at warn");
              LOG.warn("at warn");
            });
    assertThat(String.join("\n", lines)).contains("at warn").doesNotContain("not at warn");

    Logging.configure(0, "debug", LogFormat.TEXT);
    assertThat(context.getLogger("com.ilert.ilagent.consumer.Intake").getEffectiveLevel())
        .isEqualTo(Level.DEBUG);
    assertThat(context.getLogger("org.example.SomeLibrary").getEffectiveLevel())
        .isEqualTo(Level.DEBUG);
    assertThat(context.getLogger("org.apache.kafka.clients.NetworkClient").getEffectiveLevel())
        .isEqualTo(Level.INFO);

    Logging.configure(3, null, LogFormat.TEXT);
    assertThat(context.getLogger("com.ilert.ilagent").getEffectiveLevel()).isEqualTo(Level.DEBUG);
    assertThat(context.getLogger("org.apache.kafka.clients.NetworkClient").getEffectiveLevel())
        .as("without RUST_LOG the Kafka client is a library like any other again")
        .isEqualTo(Level.WARN);
  }
}
