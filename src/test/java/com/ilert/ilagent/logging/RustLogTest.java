package com.ilert.ilagent.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RUST_LOG specs as env_logger reads them, onto the agent's, the Kafka client's, other loggers. */
class RustLogTest {
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        // spec                              | agent | kafka | others
        "debug                               | DEBUG | INFO  | DEBUG",
        "INFO                                | INFO  | INFO  | INFO",
        "warn                                | WARN  | WARN  | WARN",
        "trace                               | TRACE | INFO  | TRACE",
        "off                                 | OFF   | OFF   | OFF",
        "ilagent=debug                       | DEBUG | ERROR | ERROR",
        "ilagent=debug,rdkafka=debug         | DEBUG | DEBUG | ERROR",
        "warn,ilagent=info                   | INFO  | WARN  | WARN",
        "ilagent=info,warn                   | INFO  | WARN  | WARN",
        "info,rdkafka=trace                  | INFO  | TRACE | INFO",
        "ilagent                             | TRACE | ERROR | ERROR",
        "ilagent=                            | TRACE | ERROR | ERROR",
        "ilagent::consumers::kafka=debug     | DEBUG | ERROR | ERROR",
        "ilagent=info,ilagent::poll=trace    | INFO  | ERROR | ERROR",
        "ilagent::poll=trace,ilagent=info    | INFO  | ERROR | ERROR",
        "rdkafka::client=debug               | ERROR | DEBUG | ERROR",
        "' debug , ilagent = warn '          | WARN  | INFO  | DEBUG",
        "=debug                              | DEBUG | INFO  | DEBUG",
        "Ilagent=debug                       | ERROR | ERROR | ERROR",
      })
  void levelsAsEnvLoggerWouldSetThem(String spec, String agent, String kafka, String others) {
    RustLog log = RustLog.parse(spec);
    assertThat(log.agent()).as("agent").isEqualTo(Level.toLevel(agent));
    assertThat(log.kafka()).as("kafka client").isEqualTo(Level.toLevel(kafka));
    assertThat(log.others()).as("other loggers").isEqualTo(Level.toLevel(others));
  }

  @Test
  void unsetOrBlankIsNotASpec() {
    assertThat(RustLog.parse(null)).isNull();
    assertThat(RustLog.parse("")).isNull();
    assertThat(RustLog.parse("  ")).isNull();
  }

  @Test
  void otherModulesAreIgnoredWithOneWarning() {
    RustLog log = RustLog.parse("info,actix_web=debug,reqwest=trace,ilagent=debug,hyper");
    assertThat(log.agent()).isEqualTo(Level.DEBUG);
    assertThat(log.others()).isEqualTo(Level.INFO);
    assertThat(log.warnings())
        .containsExactly(
            "RUST_LOG: actix_web, reqwest, hyper are ignored: this agent's loggers are ilagent"
                + " (its own) and rdkafka (the Kafka client)");
    assertThat(RustLog.parse("actix_web=info").warnings())
        .containsExactly(
            "RUST_LOG: actix_web is ignored: this agent's loggers are ilagent (its own) and"
                + " rdkafka (the Kafka client)");
  }

  @Test
  void anInvalidLevelOrDirectiveAndAFilterAreIgnoredWithAWarning() {
    RustLog log = RustLog.parse("ilagent=loud,rdkafka=debug=x,info/some.*regex");
    assertThat(log.agent()).isEqualTo(Level.INFO);
    assertThat(log.kafka()).isEqualTo(Level.INFO);
    assertThat(log.warnings())
        .containsExactly(
            "RUST_LOG: the filter after '/' is ignored (this agent does not filter log lines by"
                + " text)",
            "RUST_LOG: invalid level \"loud\", ignored",
            "RUST_LOG: invalid directive \"rdkafka=debug=x\", ignored");
  }

  @Test
  void warningsCannotForgeLogLines() {
    assertThat(RustLog.parse("evil\nFAKE LINE=debug").warnings().get(0))
        .doesNotContain("\n")
        .contains("evil?FAKE LINE");
  }
}
