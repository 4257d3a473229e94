package com.ilert.ilagent.testkit;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The built agent ({@code java -jar ilagent.jar}) as a real process, so tests see what an operator
 * sees: log lines, exit codes, signals, HTTP endpoints.
 *
 * <pre>{@code
 * try (AgentProcess agent = AgentProcess.start(List.of("daemon", "--kafka_brokers", kafka.bootstrapServers(),
 *     "-e", topic, "-p", "8977"), Map.of())) {
 *   agent.awaitLog("consumer started", Duration.ofSeconds(30));    // whatever line the agent logs
 *   agent.sigterm();
 *   assertThat(agent.awaitExit(Duration.ofSeconds(30))).isEqualTo(0);
 * }
 * }</pre>
 *
 * <p>The jar comes from system property {@code ilagent.jar} (failsafe sets it), default {@code
 * target/ilagent.jar}; stdout and stderr go to {@code target/agent-logs/<name>.log}. Processes
 * still running at JVM exit are killed by a shutdown hook; a test JVM killed with SIGKILL leaves
 * them running, as nothing inside the agent watches its parent.
 *
 * <p>Integration tests do not start it by hand: {@link AgentTest} gives them {@link TestAgents},
 * which fills in the command line and the probe port and stops and checks every agent at the end.
 */
public final class AgentProcess implements AutoCloseable {

  private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();
  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(() -> RUNNING.forEach(Process::destroyForcibly), "agent-process-shutdown"));
  }

  /** Status and body of an HTTP answer. */
  public record HttpResult(int status, String body) {}

  private final Process process;
  private final Path logFile;
  private final List<String> command;

  private AgentProcess(Process process, Path logFile, List<String> command) {
    this.process = process;
    this.logFile = logFile;
    this.command = command;
  }

  /** Starts {@code java -Xmx256m -jar <ilagent.jar> <args>} with extra environment variables. */
  public static AgentProcess start(List<String> args, Map<String, String> env) {
    return start("agent", args, env);
  }

  /**
   * Like {@link #start(List, Map)}; {@code name} starts the log file name so a test's log is easy
   * to find. An env value of null removes that variable.
   */
  public static AgentProcess start(String name, List<String> args, Map<String, String> env) {
    return start(name, List.of(), args, env);
  }

  /**
   * Like {@link #start(String, List, Map)} with extra JVM options before {@code -jar}, e.g. a trust
   * store for a test CA ({@code -Djavax.net.ssl.trustStore=...}), as an operator would give them in
   * JAVA_OPTS of scripts/ilagent.
   */
  public static AgentProcess start(
      String name, List<String> jvmOptions, List<String> args, Map<String, String> env) {
    Path jar = Path.of(System.getProperty("ilagent.jar", "target/ilagent.jar")).toAbsolutePath();
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          "agent jar not found: " + jar + "; run `mvn -B package` first");
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.addAll(jvmOptions);
    command.add("-jar");
    command.add(jar.toString());
    command.addAll(args);
    try {
      Path logDir = Path.of("target", "agent-logs").toAbsolutePath();
      Files.createDirectories(logDir);
      String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
      Path logFile = logDir.resolve(name + "-" + stamp + "-" + COUNTER.incrementAndGet() + ".log");
      ProcessBuilder builder =
          new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(logFile.toFile());
      env.forEach(
          (k, v) -> {
            if (v == null) {
              builder.environment().remove(k);
            } else {
              builder.environment().put(k, v);
            }
          });
      Process process = builder.start();
      RUNNING.add(process);
      process.onExit().thenRun(() -> RUNNING.remove(process));
      return new AgentProcess(process, logFile, command);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command, e);
    }
  }

  /**
   * Starts another process of the test kit (e.g. a stand-in group member), handled as an agent is.
   */
  static AgentProcess wrap(ProcessBuilder builder, List<String> command) throws IOException {
    Process process = builder.start();
    RUNNING.add(process);
    process.onExit().thenRun(() -> RUNNING.remove(process));
    return new AgentProcess(process, builder.redirectOutput().file().toPath(), command);
  }

  /**
   * Waits until the log has a match for {@code regex} (multi-line mode: {@code ^}/{@code $} match
   * at line ends) and returns the matched text. Fails at the timeout, or at once if the process
   * exits without the match.
   */
  public String awaitLog(String regex, Duration timeout) {
    Pattern pattern = Pattern.compile(regex, Pattern.MULTILINE);
    try {
      await()
          .atMost(timeout)
          .pollDelay(Duration.ZERO)
          .pollInterval(Duration.ofMillis(50))
          .until(() -> pattern.matcher(log()).find() || !process.isAlive());
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(
          "expected the agent log to match /" + regex + "/ within " + timeout + describeState());
    }
    // The process may have written the line just before exiting.
    Matcher m = pattern.matcher(log());
    if (!m.find()) {
      throw new AssertionError(
          "expected the agent log to match /"
              + regex
              + "/, but the agent exited with "
              + process.exitValue()
              + describeState());
    }
    return m.group();
  }

  /** Everything the agent wrote so far. */
  public String log() {
    try {
      // Decoding leniently: a log line with bad bytes must not break the test that reads it.
      return new String(Files.readAllBytes(logFile), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Path logFile() {
    return logFile;
  }

  /** The last {@code n} lines of the log (fewer if it has fewer). */
  public String tail(int n) {
    List<String> lines = log().lines().collect(Collectors.toList());
    return String.join("\n", lines.subList(Math.max(0, lines.size() - n), lines.size()));
  }

  /** The command line the process was started with. */
  public List<String> command() {
    return command;
  }

  /**
   * Waits for the process to end and returns its exit code; fails if it still runs at the timeout.
   */
  public int awaitExit(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError("expected the agent to exit within " + timeout + describeState());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for the agent to exit", e);
    }
    return process.exitValue();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public long pid() {
    return process.pid();
  }

  /** SIGTERM on Unix: the agent's graceful shutdown. */
  public void sigterm() {
    process.destroy();
  }

  /** SIGKILL: no shutdown hook runs, nothing is committed. */
  public void sigkill() {
    process.destroyForcibly();
  }

  /** Kills the agent if it still runs. */
  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    RUNNING.remove(process);
  }

  /**
   * GET {@code http://127.0.0.1:<port><path>} with a short timeout. Throws UncheckedIOException
   * when nothing answers (e.g. the agent is not listening yet).
   */
  public static HttpResult httpGet(int port, String path) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(5))
            .GET()
            .build();
    try {
      HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
      return new HttpResult(response.statusCode(), response.body());
    } catch (IOException e) {
      throw new UncheckedIOException("GET " + request.uri() + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private String describeState() {
    return "; process "
        + (process.isAlive() ? "still running" : "exited with " + process.exitValue())
        + "; command: "
        + String.join(" ", command)
        + "\nlog "
        + logFile
        + " (last 40 lines):\n"
        + tail(40);
  }
}
