package com.ilert.ilagent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.ilert.ilagent.ExitCodes;
import com.ilert.ilagent.cli.CliRun.Result;
import com.ilert.ilagent.config.AgentConfig.LogFormat;
import com.ilert.ilagent.logging.Logging;
import com.ilert.ilagent.redaction.Redaction;
import com.ilert.ilagent.testkit.Fault;
import com.ilert.ilagent.testkit.ForwardProxy;
import com.ilert.ilagent.testkit.IlertStandIn;
import com.ilert.ilagent.testkit.Received;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code ilagent event} and {@code ilagent heartbeat} against a local ilert stand-in. */
class OneShotCommandsTest {
  private static final String KEY = "il1api0123456789abcdef";
  private static final String HB_KEY = "hbk0123456789abcdef";
  private static final String LEGACY_HB_KEY = "il1hbt0123456789abcdef";

  private IlertStandIn ilert;

  @BeforeEach
  void start() {
    ilert = new IlertStandIn().start();
  }

  @AfterEach
  void stop() {
    ilert.close();
  }

  /** Runs {@code event} against the stand-in, unless the arguments name another --api_url. */
  private Result event(Map<String, String> env, String... args) {
    List<String> all = new ArrayList<>(List.of("event"));
    if (!Arrays.asList(args).contains("--api_url")) {
      all.addAll(List.of("--api_url", ilert.apiUrl()));
    }
    all.addAll(Arrays.asList(args));
    return CliRun.run(env, all.toArray(String[]::new));
  }

  private Result event(String... args) {
    return event(Map.of(), args);
  }

  private Result heartbeat(Map<String, String> env, String... args) {
    List<String> all =
        new ArrayList<>(
            List.of(
                "heartbeat", "--api_url", ilert.apiUrl(), "--heartbeat_url", ilert.heartbeatUrl()));
    all.addAll(Arrays.asList(args));
    return CliRun.run(env, all.toArray(String[]::new));
  }

  private static void assertNoKeyInClear(Result r, String key) {
    assertThat(r.out()).doesNotContain(key);
    assertThat(r.err()).doesNotContain(key);
  }

  // ---- event: success ----

  @Test
  void sendsAllFieldsToTheGenericEndpointAndPrintsTheCorrelationId() {
    Result r =
        event(
            "-k",
            KEY,
            "-t",
            "ALERT",
            "-s",
            "disk full",
            "-i",
            "host-1",
            "-o",
            "HIGH",
            "-d",
            "95% used",
            "-g",
            "https://img.example/a.png",
            "--image",
            "http://img.example/b.png",
            "-l",
            "https://runbook.example/disk",
            "--link",
            "https://wiki.example/x");

    assertThat(r.code()).as(r.err()).isEqualTo(ExitCodes.OK);
    List<Received> events = ilert.events();
    assertThat(events).hasSize(1);
    Received e = events.get(0);
    assertThat(e.method()).isEqualTo("POST");
    assertThat(e.path()).isEqualTo("/api/events");
    assertThat(e.headers().get("content-type")).isEqualTo("application/json");
    assertThat(e.body())
        .isEqualTo(
            new JsonObject()
                .put("integrationKey", KEY)
                .put("eventType", "ALERT")
                .put("summary", "disk full")
                .put("details", "95% used")
                .put("alertKey", "host-1")
                .put("priority", "HIGH")
                .put(
                    "images",
                    new JsonArray()
                        .add(new JsonObject().put("src", "https://img.example/a.png"))
                        .add(new JsonObject().put("src", "http://img.example/b.png")))
                .put(
                    "links",
                    new JsonArray()
                        .add(new JsonObject().put("href", "https://runbook.example/disk"))
                        .add(new JsonObject().put("href", "https://wiki.example/x"))));
    assertThat(r.out())
        .isEqualTo("ilert accepted the event (correlation-id " + e.correlationId() + ")\n");
    assertThat(r.err()).isEmpty();
    assertNoKeyInClear(r, KEY);
  }

  @Test
  void eventTypeDefaultsToAlertAndOnlyGivenFieldsAreSent() {
    Result r = event("--integration_key", KEY, "--summary", "disk full");

    assertThat(r.code()).as(r.err()).isEqualTo(ExitCodes.OK);
    assertThat(ilert.events().get(0).body())
        .isEqualTo(
            new JsonObject()
                .put("integrationKey", KEY)
                .put("eventType", "ALERT")
                .put("summary", "disk full"));
  }

  @Test
  void resolveNeedsNoSummaryAndValuesAreCaseInsensitive() {
    Result r = event("-k", KEY, "-t", "resolve", "-i", "host-1", "-o", "low");

    assertThat(r.code()).as(r.err()).isEqualTo(ExitCodes.OK);
    JsonObject body = ilert.events().get(0).body();
    assertThat(body.getString("eventType")).isEqualTo("RESOLVE");
    assertThat(body.getString("priority")).isEqualTo("LOW");
    assertThat(body.containsKey("summary")).isFalse();
  }

  @Test
  void keyFallsBackToTheEnvironmentAndTheFlagWins() {
    Map<String, String> env = Map.of("ILERT_INTEGRATION_KEY", KEY, "ILERT_API_URL", ilert.apiUrl());
    Result fromEnv = CliRun.run(env, "event", "-s", "from env");
    assertThat(fromEnv.code()).as(fromEnv.err()).isEqualTo(ExitCodes.OK);
    assertThat(ilert.events().get(0).integrationKey()).isEqualTo(KEY);

    String other = "il1api9876543210fedcba";
    Result fromFlag = CliRun.run(env, "event", "-k", other, "-s", "from flag");
    assertThat(fromFlag.code()).as(fromFlag.err()).isEqualTo(ExitCodes.OK);
    assertThat(ilert.events().get(1).integrationKey()).isEqualTo(other);
  }

  @Test
  void ilagentApiUrlWinsOverIlertApiUrlAsInTheDaemon() {
    Map<String, String> env =
        Map.of("ILERT_API_URL", "http://127.0.0.1:1/api", "ILAGENT_API_URL", ilert.apiUrl());
    Result r = CliRun.run(env, "event", "-k", KEY, "-s", "x");
    assertThat(r.code()).as(r.err()).isEqualTo(ExitCodes.OK);
  }

  // ---- event: failures ----

  @Test
  void clientErrorExitsOneWithStatusAndBody() {
    ilert.fault(Fault.status(400).message("summary is too long", "BAD_EVENT"));

    Result r = event("-k", KEY, "-s", "disk full");

    assertThat(r.code()).isEqualTo(ExitCodes.FAILURE);
    assertThat(r.out()).isEmpty();
    assertThat(r.errLines()).hasSize(1);
    assertThat(r.err())
        .startsWith("ilagent: POST " + ilert.apiUrl() + "/events: ilert answered 400")
        .contains("summary is too long")
        .contains("BAD_EVENT");
    assertThat(ilert.attempts()).as("no retry").hasSize(1);
  }

  @Test
  void answerThatQuotesTheKeyIsPrintedMasked() {
    ilert.fault(Fault.status(404).message("No alert source with key " + KEY, "NOT_FOUND"));

    Result r = event("-k", KEY, "-s", "disk full");

    assertThat(r.code()).isEqualTo(ExitCodes.FAILURE);
    assertThat(r.err())
        .contains("ilert answered 404")
        .contains(Redaction.key(KEY))
        .contains("NOT_FOUND");
    assertNoKeyInClear(r, KEY);
  }

  @Test
  void serverErrorIsNotRetried() {
    ilert.fault(Fault.status(503));

    Result r = event("-k", KEY, "-s", "disk full");

    assertThat(r.code()).isEqualTo(ExitCodes.FAILURE);
    assertThat(r.err()).contains("ilert answered 503");
    assertThat(ilert.attempts()).hasSize(1);
  }

  @Test
  void unreachableUrlExitsOneWithAClearMessage() throws IOException {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    String api = "http://127.0.0.1:" + closedPort + "/api";

    Result r = CliRun.run("event", "-k", KEY, "-s", "disk full", "--api_url", api);

    assertThat(r.code()).isEqualTo(ExitCodes.FAILURE);
    assertThat(r.out()).isEmpty();
    assertThat(r.errLines()).hasSize(1);
    assertThat(r.err()).startsWith("ilagent: POST " + api + "/events: cannot reach ilert: ");
    assertThat(r.err()).doesNotContain("\tat ");
  }

  @Test
  void noAnswerWithinTheTimeoutExitsOne() {
    ilert.fault(Fault.hang());

    Result r = event("-k", KEY, "-s", "disk full", "--request_timeout_ms", "300");

    assertThat(r.code()).isEqualTo(ExitCodes.FAILURE);
    assertThat(r.errLines()).hasSize(1);
    assertThat(r.err())
        .startsWith(
            "ilagent: POST " + ilert.apiUrl() + "/events: no answer from ilert within 300 ms");
  }

  // ---- usage errors ----

  static Stream<Arguments> usageErrors() {
    return Stream.of(
        Arguments.of(
            Map.of(),
            List.of("-k", KEY, "-t", "PANIC", "-s", "x"),
            "ilagent: --event_type: expected one of ALERT, ACCEPT, RESOLVE, COMMENT, got \"PANIC\""),
        Arguments.of(
            Map.of(),
            List.of("-k", KEY, "-s", "x", "-o", "MEDIUM"),
            "ilagent: --priority: expected one of HIGH, LOW, got \"MEDIUM\""),
        Arguments.of(Map.of(), List.of("-k", KEY), "ilagent: --summary: required for ALERT events"),
        Arguments.of(
            Map.of(),
            List.of("-k", KEY, "-t", "ALERT", "-s", "  "),
            "ilagent: --summary: required for ALERT events"),
        Arguments.of(
            Map.of(),
            List.of("-s", "x"),
            "ilagent: --integration_key: missing; give -k KEY or set ILERT_INTEGRATION_KEY"),
        Arguments.of(
            Map.of(),
            List.of("-k", " ", "-s", "x"),
            "ilagent: --integration_key: must not be empty"),
        Arguments.of(
            Map.of("ILERT_INTEGRATION_KEY", ""),
            List.of("-s", "x"),
            "ilagent: ILERT_INTEGRATION_KEY: must not be empty"),
        Arguments.of(
            Map.of(),
            List.of("-k", "il1api/../x", "-s", "x"),
            "ilagent: --integration_key: the key has characters other than letters, digits and - . _ ~"),
        Arguments.of(
            Map.of(),
            List.of("-k", "..", "-s", "x"),
            "ilagent: --integration_key: the key is only dots"),
        Arguments.of(
            Map.of(),
            List.of("-k", KEY, "-s", "x", "-g", "ftp://img.example/a.png"),
            "ilagent: --image: expected an absolute http or https URL, got \"ftp://img.example/a.png\""),
        Arguments.of(
            Map.of(),
            List.of("-k", KEY, "-s", "x", "-l", "https://ok.example", "-l", "javascript:alert(1)"),
            "ilagent: --link: expected an absolute http or https URL, got \"javascript:alert(1)\""),
        Arguments.of(
            Map.of(),
            List.of("-k", KEY, "-s", "x", "--api_url", "ftp://example.com"),
            "ilagent: --api_url: expected an absolute http or https URL, got \"ftp://example.com\""),
        Arguments.of(
            Map.of(),
            List.of("-k", KEY, "-s", "x", "--api_url", "https://api.example/api?x=1"),
            "ilagent: --api_url: expected a base URL without query or fragment, got \"https://api.example/api?x=1\""),
        Arguments.of(
            Map.of(),
            List.of("-k", KEY, "-s", "x", "--heartbeat_url", "not a url"),
            "ilagent: --heartbeat_url: expected an absolute http or https URL, got \"not a url\""),
        Arguments.of(
            Map.of("ILERT_HEARTBEAT_URL", "beat.example"),
            List.of("-k", KEY, "-s", "x"),
            "ilagent: ILERT_HEARTBEAT_URL: expected an absolute http or https URL, got \"beat.example\""),
        Arguments.of(
            Map.of(),
            List.of("-k", KEY, "-s", "x", "--request_timeout_ms", "0"),
            "ilagent: --request_timeout_ms: expected an integer from 1 to 600000, got \"0\""),
        Arguments.of(
            Map.of(),
            List.of("-k", KEY, "-s", "x", "--request_timeout_ms", "10s"),
            "ilagent: --request_timeout_ms: expected an integer from 1 to 600000, got \"10s\""));
  }

  @ParameterizedTest
  @MethodSource("usageErrors")
  void usageErrorIsOneLineNamingTheOptionAndExitsTwo(
      Map<String, String> env, List<String> args, String line) {
    Result r = event(env, args.toArray(String[]::new));

    assertThat(r.code()).as("exit code of %s", args).isEqualTo(ExitCodes.USAGE);
    assertThat(r.errLines()).as("stderr of %s", args).containsExactly(line);
    assertThat(r.out()).isEmpty();
    assertThat(ilert.attempts()).as("nothing sent").isEmpty();
  }

  @Test
  void heartbeatUsageErrorsToo() {
    Result missing = heartbeat(Map.of());
    assertThat(missing.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(missing.errLines())
        .containsExactly(
            "ilagent: --integration_key: missing; give -k KEY or set ILERT_INTEGRATION_KEY");

    Result badUrl = CliRun.run("heartbeat", "-k", HB_KEY, "--heartbeat_url", "ftp://beat.example");
    assertThat(badUrl.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(badUrl.errLines())
        .containsExactly(
            "ilagent: --heartbeat_url: expected an absolute http or https URL, got \"ftp://beat.example\"");
    assertThat(ilert.attempts()).isEmpty();
  }

  @Test
  void parseErrorsGoThroughTheCommonHandler() {
    Result unknown = event("-k", KEY, "-s", "x", "--severity", "1");
    assertThat(unknown.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(unknown.errLines())
        .containsExactly("ilagent: unknown option --severity", "Try 'ilagent event --help'.");

    Result noValue = event("-s", "x", "-k");
    assertThat(noValue.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(noValue.errLines().get(0)).startsWith("ilagent: ").contains("--integration_key");

    Result stray = event("-k", "il1api0123", "456789abcdef", "-s", "x");
    assertThat(stray.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(stray.err()).doesNotContain("456789abcdef");
  }

  // ---- key never in clear ----

  @Test
  void keyIsNeverPrintedInClearEvenWithVerboseLogs() {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    PrintStream capture = new PrintStream(console, true, StandardCharsets.UTF_8);
    System.setOut(capture);
    System.setErr(capture);
    List<Result> results = new ArrayList<>();
    try {
      results.add(event("-k", KEY, "-s", "ok", "-vvvv"));
      ilert.fault(Fault.status(404).message("unknown key " + KEY, "NOT_FOUND").times(1));
      results.add(event("-k", KEY, "-s", "rejected", "-vvvv"));
      results.add(event("-k", KEY + "/x", "-s", "bad key"));
      results.add(event(Map.of("ILERT_INTEGRATION_KEY", KEY + " x"), "-s", "bad key from env"));
      results.add(heartbeat(Map.of(), "-k", HB_KEY, "-vvvv"));
      ilert.fault(Fault.hang().times(1));
      results.add(heartbeat(Map.of(), "-k", HB_KEY, "--request_timeout_ms", "200"));
      results.add(
          CliRun.run("heartbeat", "-k", HB_KEY, "--heartbeat_url", "http://127.0.0.1:1/beat"));
    } finally {
      System.setOut(out);
      System.setErr(err);
      Logging.configure(0, LogFormat.TEXT); // the commands moved the console to stderr
    }
    assertThat(results)
        .extracting(Result::code)
        .containsExactly(
            ExitCodes.OK,
            ExitCodes.FAILURE,
            ExitCodes.USAGE,
            ExitCodes.USAGE,
            ExitCodes.OK,
            ExitCodes.FAILURE,
            ExitCodes.FAILURE);
    for (Result r : results) {
      assertNoKeyInClear(r, KEY);
      assertNoKeyInClear(r, HB_KEY);
    }
    String logged = console.toString(StandardCharsets.UTF_8);
    assertThat(logged).contains(Redaction.key(KEY)).doesNotContain(KEY).doesNotContain(HB_KEY);
  }

  // ---- global options ----

  @Test
  void verboseBeforeTheCommandRaisesTheLogLevel() {
    PrintStream err = System.err;
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    System.setErr(new PrintStream(console, true, StandardCharsets.UTF_8));
    String quiet;
    String verbose;
    try {
      Result r = CliRun.run("event", "--api_url", ilert.apiUrl(), "-k", KEY, "-s", "quiet");
      assertThat(r.code()).isEqualTo(ExitCodes.OK);
      quiet = console.toString(StandardCharsets.UTF_8);
      console.reset();
      r =
          CliRun.run(
              "-v", "--verbose", "event", "--api_url", ilert.apiUrl(), "-k", KEY, "-s", "loud");
      assertThat(r.code()).isEqualTo(ExitCodes.OK);
      verbose = console.toString(StandardCharsets.UTF_8);
    } finally {
      System.setErr(err);
      Logging.configure(0, LogFormat.TEXT);
    }
    assertThat(quiet).doesNotContain("Sending ALERT event");
    assertThat(verbose).contains("Sending ALERT event for key " + Redaction.key(KEY));
  }

  @Test
  void oneShotCommandsGoThroughTheProxyFromTheOptionOrTheEnvironment() {
    try (ForwardProxy proxy = new ForwardProxy().resolve("ilert.invalid", "127.0.0.1").start()) {
      Result event =
          CliRun.run(
              Map.of("HTTP_PROXY", "http://127.0.0.1:1"),
              "event",
              "--proxy",
              proxy.url(),
              "--api_url",
              ilert.apiUrl("ilert.invalid"),
              "-k",
              KEY,
              "-s",
              "via proxy");
      Result ping =
          CliRun.run(
              Map.of("http_proxy", proxy.url()),
              "heartbeat",
              "--heartbeat_url",
              ilert.heartbeatUrl("ilert.invalid"),
              "-k",
              "hbmonitor0123456789ab");
      Result badProxy =
          CliRun.run(Map.of(), "heartbeat", "--proxy", "socks5://u:hunter2@h:1", "-k", HB_KEY);

      assertThat(event.code()).as(event.err()).isEqualTo(ExitCodes.OK);
      assertThat(ping.code()).as(ping.err()).isEqualTo(ExitCodes.OK);
      assertThat(proxy.proxied())
          .extracting(ForwardProxy.Proxied::method)
          .containsExactly("POST", "HEAD");
      assertThat(ilert.received()).hasSize(2);
      assertThat(badProxy.code()).isEqualTo(ExitCodes.USAGE);
      assertThat(badProxy.errLines())
          .containsExactly(
              "ilagent: --proxy: SOCKS proxies are not supported;"
                  + " use an HTTP proxy (http://host:port)");
    }
  }

  // ---- heartbeat ----

  @Test
  void heartbeatPingsTheMonitorWithHead() {
    Result r = heartbeat(Map.of(), "-k", HB_KEY);

    assertThat(r.code()).as(r.err()).isEqualTo(ExitCodes.OK);
    List<Received> pings = ilert.pings();
    assertThat(pings).hasSize(1);
    assertThat(pings.get(0).method()).isEqualTo("HEAD");
    assertThat(pings.get(0).path()).isEqualTo("/beat/pings/" + HB_KEY);
    assertThat(r.out())
        .isEqualTo(
            "ilert accepted the heartbeat ping (correlation-id "
                + pings.get(0).correlationId()
                + ")\n");
    assertThat(r.err()).isEmpty();
  }

  @Test
  void legacyHeartbeatKeyUsesGetOnTheApi() {
    Result r = heartbeat(Map.of(), "--integration_key", LEGACY_HB_KEY);

    assertThat(r.code()).as(r.err()).isEqualTo(ExitCodes.OK);
    Received ping = ilert.pings().get(0);
    assertThat(ping.method()).isEqualTo("GET");
    assertThat(ping.path()).isEqualTo("/api/heartbeats/" + LEGACY_HB_KEY);
  }

  @Test
  void heartbeatKeyAndUrlsFromTheEnvironment() {
    Map<String, String> env = new HashMap<>();
    env.put("ILERT_INTEGRATION_KEY", HB_KEY);
    env.put("ILERT_HEARTBEAT_URL", ilert.heartbeatUrl());
    Result r = CliRun.run(env, "heartbeat");

    assertThat(r.code()).as(r.err()).isEqualTo(ExitCodes.OK);
    assertThat(ilert.pings().get(0).integrationKey()).isEqualTo(HB_KEY);
  }

  @Test
  void heartbeatRejectedExitsOneWithTheMaskedTarget() {
    ilert.fault(Fault.status(404).message("No heartbeat with this key", "NOT_FOUND"));

    Result r = heartbeat(Map.of(), "-k", HB_KEY);

    assertThat(r.code()).isEqualTo(ExitCodes.FAILURE);
    assertThat(r.errLines()).hasSize(1);
    assertThat(r.err())
        .startsWith(
            "ilagent: HEAD "
                + ilert.heartbeatUrl()
                + "/pings/"
                + Redaction.key(HB_KEY)
                + ": ilert answered 404");
    assertNoKeyInClear(r, HB_KEY);
  }
}
