package com.ilert.ilagent.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.spi.FilterReply;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

class MissingTopicNoiseTest {
  private final LoggerContext context = new LoggerContext();
  private final Logger network = context.getLogger(MissingTopicNoise.LOGGER);
  private final MissingTopicNoise filter = new MissingTopicNoise();

  // As the client's LogContext hands it over: its prefix, the message, the errors by topic.
  private static final String FORMAT =
      "[Consumer clientId=ilagent, groupId=g] Error while fetching metadata with correlation id {} : {}";

  private FilterReply decide(Level level, Map<String, Errors> errors) {
    return filter.decide(null, network, level, FORMAT, new Object[] {21, errors}, null);
  }

  @Test
  void theLineAsTheClientFormatsItItselfIsReadToo() {
    network.setLevel(Level.WARN);
    String formatted =
        "[Consumer clientId=ilagent, groupId=g] Error while fetching metadata with correlation id"
            + " 12 : {evnets=UNKNOWN_TOPIC_OR_PARTITION, other=UNKNOWN_TOPIC_OR_PARTITION}";
    assertThat(filter.decide(null, network, Level.WARN, formatted, null, null))
        .isEqualTo(FilterReply.DENY);
    assertThat(
            filter.decide(
                null,
                network,
                Level.WARN,
                formatted.replace("other=UNKNOWN_TOPIC_OR_PARTITION", "other=LEADER_NOT_AVAILABLE"),
                null,
                null))
        .isEqualTo(FilterReply.NEUTRAL);
  }

  @Test
  void theRepeatedWarningAboutAMissingTopicIsDropped() {
    network.setLevel(Level.WARN);
    assertThat(decide(Level.WARN, Map.of("evnets", Errors.UNKNOWN_TOPIC_OR_PARTITION)))
        .isEqualTo(FilterReply.DENY);
  }

  @Test
  void otherErrorsOtherLinesAndADebuggingOperatorStillSeeIt() {
    network.setLevel(Level.WARN);
    Map<String, Errors> mixed = new LinkedHashMap<>();
    mixed.put("evnets", Errors.UNKNOWN_TOPIC_OR_PARTITION);
    mixed.put("events", Errors.TOPIC_AUTHORIZATION_FAILED);
    assertThat(decide(Level.WARN, mixed)).isEqualTo(FilterReply.NEUTRAL);
    assertThat(decide(Level.WARN, Map.of("events", Errors.LEADER_NOT_AVAILABLE)))
        .isEqualTo(FilterReply.NEUTRAL);
    assertThat(
            filter.decide(
                null,
                network,
                Level.WARN,
                "Connection to node {} could not be established",
                new Object[] {1},
                null))
        .isEqualTo(FilterReply.NEUTRAL);
    assertThat(
            filter.decide(
                null,
                context.getLogger("com.ilert.ilagent.Other"),
                Level.WARN,
                FORMAT,
                new Object[] {1, Map.of("t", Errors.UNKNOWN_TOPIC_OR_PARTITION)},
                null))
        .isEqualTo(FilterReply.NEUTRAL);
    network.setLevel(Level.DEBUG);
    assertThat(decide(Level.WARN, Map.of("evnets", Errors.UNKNOWN_TOPIC_OR_PARTITION)))
        .isEqualTo(FilterReply.NEUTRAL);
  }
}
