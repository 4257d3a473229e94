package com.ilert.ilagent.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import java.nio.charset.StandardCharsets;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class LogConfiguratorTest {

  @Test
  void plainTextLinesOnStdoutEverythingAtWarn() {
    LoggerContext context = new LoggerContext();
    LogConfigurator.apply(context);

    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    assertThat(root.getLevel()).isEqualTo(Level.WARN);
    assertThat(context.getLogger("com.ilert.ilagent").getLevel()).isEqualTo(Level.WARN);
    Appender<ILoggingEvent> appender = root.getAppender("STDOUT");
    assertThat(appender).isInstanceOf(ConsoleAppender.class);
    ConsoleAppender<ILoggingEvent> console = (ConsoleAppender<ILoggingEvent>) appender;
    assertThat(console.getTarget()).isEqualTo("System.out");
    assertThat(console.isStarted()).isTrue();
    PatternLayoutEncoder encoder = (PatternLayoutEncoder) console.getEncoder();
    LoggingEvent event =
        new LoggingEvent(
            "x",
            context.getLogger("com.ilert.ilagent.consumer.ConsumerVerticle"),
            Level.WARN,
            "partition 3 paused",
            null,
            null);
    String line = new String(encoder.encode(event), StandardCharsets.UTF_8);
    assertThat(line)
        .matches(
            "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d\\d:\\d\\d) WARN  "
                + "ConsumerVerticle - partition 3 paused\\R");
    context.stop();
  }

  @Test
  void logbackFindsItAndAConfigurationOnTheClassPathOrInAPropertyWins() {
    assertThat(
            ServiceLoader.load(ch.qos.logback.classic.spi.Configurator.class).stream()
                .map(p -> p.type().getName()))
        .contains(LogConfigurator.class.getName());
    LoggerContext context = new LoggerContext();
    LogConfigurator configurator = new LogConfigurator();
    configurator.setContext(context);

    // The tests' logback-test.xml is on the class path.
    assertThat(configurator.configure(context)).isEqualTo(ExecutionStatus.INVOKE_NEXT_IF_ANY);
    assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDOUT")).isNull();
  }
}
