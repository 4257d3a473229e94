package com.ilert.ilagent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.ilert.ilagent.ExitCodes;
import com.ilert.ilagent.cli.CliRun.Result;
import com.ilert.ilagent.config.ConfigNote;
import com.ilert.ilagent.config.RustCompat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CliTest {
  private static final String[] MINIMAL = {
    "daemon", "--kafka_brokers", "localhost:9092", "-e", "events"
  };

  @Test
  void versionPrintsNameAndVersion() {
    Result r = CliRun.run("--version");
    assertThat(r.code()).isEqualTo(ExitCodes.OK);
    assertThat(r.out().trim()).isEqualTo("ilagent " + VersionProvider.version());
    // Maven filters the resource, so tests see the project version, not the fallback.
    assertThat(VersionProvider.version()).isNotEqualTo("dev").doesNotContain("${");
    assertThat(CliRun.run("daemon", "--version").out().trim()).isEqualTo(r.out().trim());
  }

  @Test
  void helpWorksForRootAndDaemon() {
    Result root = CliRun.run("--help");
    assertThat(root.code()).isEqualTo(ExitCodes.OK);
    assertThat(root.out()).contains("daemon");
    Result daemon = CliRun.run("daemon", "--help");
    assertThat(daemon.code()).isEqualTo(ExitCodes.OK);
    assertThat(daemon.out())
        .contains("--kafka_brokers", "-e, --event_topic", "--config=FILE", "ILAGENT_");
  }

  @Test
  void validConfigIsHandedToTheRunnerWhoseCodeIsTheExitCode() {
    Result r = CliRun.run(MINIMAL);
    assertThat(r.code()).isEqualTo(CliRun.RUNNER_EXIT);
    assertThat(r.err()).isEmpty();
    assertThat(r.config().kafka().brokers()).containsExactly("localhost:9092");
    assertThat(r.config().kafka().eventTopics()).containsExactly("events");
  }

  @Test
  void missingCommandIsAUsageError() {
    Result r = CliRun.run();
    assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.errLines())
        .containsExactly(
            "ilagent: missing command; one of: daemon, event, heartbeat", "Try 'ilagent --help'.");
  }

  @Test
  void unknownCommandIsAUsageError() {
    Result r = CliRun.run("deamon");
    assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.errLines().get(0)).isEqualTo("ilagent: unknown command \"deamon\"");
  }

  @Test
  void unknownOptionIsOneLinePlusHelpHint() {
    Result r = CliRun.run("daemon", "--kafka_broker", "localhost:9092", "-e", "t");
    assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.errLines()).hasSize(2);
    assertThat(r.errLines().get(0)).startsWith("ilagent: unknown option --kafka_broker");
    assertThat(r.errLines().get(1)).isEqualTo("Try 'ilagent daemon --help'.");
    assertThat(r.config()).isNull();
  }

  @Test
  void missingOptionValueIsAUsageError() {
    Result r = CliRun.run("daemon", "--kafka_brokers", "localhost:9092", "-e", "t", "--port");
    assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.errLines()).hasSize(2);
    assertThat(r.errLines().get(0)).startsWith("ilagent: ").contains("--port");
  }

  @Test
  void singleValuedOptionGivenTwiceIsAUsageError() {
    Result r = CliRun.run("daemon", "--kafka_brokers", "h:1", "-e", "t", "-p", "1", "-p", "2");
    assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.errLines().get(0)).startsWith("ilagent: ").contains("--port");
  }

  @Test
  void atFilesAreNotExpanded() {
    Result r = CliRun.run("daemon", "@/etc/hostname");
    assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.errLines().get(0)).contains("unexpected argument");
  }

  @Test
  void verbosityCountsRepeatedAndClusteredFlags() {
    assertThat(CliRun.run(append(MINIMAL, "-v", "-v")).config().verbosity()).isEqualTo(2);
    assertThat(CliRun.run(append(MINIMAL, "-vvv")).config().verbosity()).isEqualTo(3);
    assertThat(CliRun.run(MINIMAL).config().verbosity()).isZero();
  }

  @Test
  void verboseIsGlobalLongOrShortBeforeOrAfterTheCommandAndCountsAddUp() {
    String[] tail = {"--kafka_brokers", "localhost:9092", "-e", "events"};
    assertThat(CliRun.run(prepend(new String[] {"-v", "-v", "daemon"}, tail)).config().verbosity())
        .isEqualTo(2);
    assertThat(CliRun.run(prepend(new String[] {"--verbose", "daemon"}, tail)).config().verbosity())
        .isEqualTo(1);
    assertThat(CliRun.run(prepend(new String[] {"-vv", "daemon", "-v"}, tail)).config().verbosity())
        .isEqualTo(3);
    assertThat(CliRun.run(append(MINIMAL, "--verbose", "--verbose")).config().verbosity())
        .isEqualTo(2);
    assertThat(CliRun.run(append(MINIMAL, "-v", "--verbose")).config().verbosity()).isEqualTo(2);
  }

  @Test
  void globalVerboseOverridesTheEnvironmentLikeAnyFlag() {
    Map<String, String> env = Map.of("ILAGENT_VERBOSE", "4");
    assertThat(CliRun.run(env, MINIMAL).config().verbosity()).isEqualTo(4);
    assertThat(CliRun.run(env, prepend(new String[] {"-v"}, MINIMAL)).config().verbosity())
        .isEqualTo(1);
  }

  @Test
  void helpShowsTheNewOptions() {
    assertThat(CliRun.run("--help").out()).contains("-v, --verbose");
    assertThat(CliRun.run("daemon", "--help").out())
        .contains(
            "-v, --verbose",
            "--proxy=URL",
            "--policy_topic=TOPIC",
            "--policy_routing_keys=FIELD[,...]",
            "--map_key_email=PATH",
            "Default: data.email",
            "--map_key_shift=PATH",
            "Default: data.shift",
            "--shift_offset=N",
            "ILERT_API_KEY",
            "HTTPS_PROXY");
    assertThat(CliRun.run("event", "--help").out()).contains("-v, --verbose", "--proxy=URL");
    assertThat(CliRun.run("heartbeat", "--help").out()).contains("-v, --verbose", "--proxy=URL");
  }

  @Test
  void repeatedTopicFlagsConcatenateWithCommaLists() {
    Result r =
        CliRun.run(
            "daemon", "--kafka_brokers", "h:1", "-e", "a,b", "--event_topic", "c", "-r", "hb");
    assertThat(r.config().kafka().eventTopics()).containsExactly("a", "b", "c");
    assertThat(r.config().kafka().heartbeatTopics()).containsExactly("hb");
  }

  @Test
  void flagsOverrideEnvironment() {
    Map<String, String> env = Map.of("ILAGENT_PORT", "8000", "ILAGENT_KAFKA_GROUP_ID", "from-env");
    Result r = CliRun.run(env, append(MINIMAL, "--port", "9000"));
    assertThat(r.config().port()).isEqualTo(9000);
    assertThat(r.config().kafka().groupId()).isEqualTo("from-env");
  }

  @Test
  void forwardMessagePayloadIsASwitch() {
    assertThat(
            CliRun.run(append(MINIMAL, "--forward_message_payload"))
                .config()
                .mapping()
                .forwardMessagePayload())
        .isTrue();
    assertThat(CliRun.run(MINIMAL).config().mapping().forwardMessagePayload()).isFalse();
  }

  @Test
  void configErrorIsExactlyOneLineWithoutStackTrace() {
    Result r = CliRun.run("daemon", "--kafka_brokers", "h:1", "-e", "t", "--max_in_flight", "abc");
    assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.errLines())
        .containsExactly(
            "ilagent: --max_in_flight: expected an integer from 1 to 10000, got \"abc\"");
    assertThat(r.config()).isNull();
  }

  static String[] prepend(String[] first, String... rest) {
    return append(first, rest);
  }

  static String[] append(String[] base, String... more) {
    String[] all = new String[base.length + more.length];
    System.arraycopy(base, 0, all, 0, base.length);
    System.arraycopy(more, 0, all, base.length, more.length);
    return all;
  }

  @Test
  void theRustProgramsDatabaseFileAndRetryCountAreAcceptedWithAWarningEach() {
    Result before =
        CliRun.run(
            "-f", "x.db3", "daemon", "--max_retries", "3", MINIMAL[1], MINIMAL[2], "-e", "t");
    assertThat(before.code()).isEqualTo(CliRun.RUNNER_EXIT);
    assertThat(before.err()).isEmpty();
    assertThat(before.config().notes())
        .extracting(ConfigNote::level, ConfigNote::message)
        .contains(
            tuple(ConfigNote.Level.WARN, RustCompat.fileIgnored("x.db3")),
            tuple(
                ConfigNote.Level.WARN,
                "--max_retries 3 is ignored: a failed delivery is retried for --retry_max_ms, then"
                    + " the agent exits 1 and delivers it after the restart; nothing is dropped after"
                    + " a number of retries"));
    assertThat(RustCompat.fileIgnored("x.db3"))
        .startsWith("-f/--file \"x.db3\" is ignored: this agent keeps no database");

    Result after =
        CliRun.run(
            "daemon", "--file", "y.db3", "--max_retries", "0", MINIMAL[1], MINIMAL[2], "-e", "t");
    assertThat(after.code()).isEqualTo(CliRun.RUNNER_EXIT);
    assertThat(after.config().notes())
        .extracting(ConfigNote::message)
        .contains(RustCompat.fileIgnored("y.db3"));
    assertThat(CliRun.run(MINIMAL).config().notes())
        .extracting(ConfigNote::message)
        .noneMatch(m -> m.contains("is ignored"));
  }

  @Test
  void aMaxRetriesThatIsNoCountIsAUsageErrorAsInTheRustProgram() {
    Result r = CliRun.run("daemon", "--max_retries", "many", MINIMAL[1], MINIMAL[2], "-e", "t");
    assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.errLines())
        .containsExactly(
            "ilagent: --max_retries: expected an integer from 0 to 4294967295, got \"many\"");
    assertThat(
            CliRun.run("daemon", "--max_retries", "-1", MINIMAL[1], MINIMAL[2], "-e", "t").code())
        .isEqualTo(ExitCodes.USAGE);
  }

  @Test
  void theOneShotCommandsAcceptTheDatabaseFileBeforeOrAfterTheCommand() {
    // Parsed: what fails is the missing key, not an unknown option.
    for (String[] args :
        List.of(
            new String[] {"-f", "x.db3", "heartbeat"},
            new String[] {"heartbeat", "--file", "x.db3"},
            new String[] {"event", "-f", "x.db3", "-s", "disk full"})) {
      Result r = CliRun.run(args);
      assertThat(r.code()).as(String.join(" ", args)).isEqualTo(ExitCodes.USAGE);
      assertThat(r.err())
          .as(String.join(" ", args))
          .contains("integration_key")
          .doesNotContain("unknown option");
    }
  }
}
