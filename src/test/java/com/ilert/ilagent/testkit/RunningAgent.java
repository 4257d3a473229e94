package com.ilert.ilagent.testkit;

import static org.awaitility.Awaitility.await;

import com.ilert.ilagent.ExitCodes;
import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.core.ConditionTimeoutException;

/**
 * One agent a test started through {@link TestAgents}: its probe port, its log, signals, and its
 * exit. At the end of the test {@link AgentExtension} sends SIGTERM to it if it still runs and
 * checks that it exits 0 (or waits for the exit {@link #expectExit} announced), so a test only
 * handles the exit itself when the exit is part of its scenario.
 */
public final class RunningAgent {
  private final String name;
  private final AgentProcess process;
  private final int port;

  /** The code the agent ends with by itself, if the test said so; null: SIGTERM and 0. */
  private Integer expectedExit;

  /** The test looked at the exit code (or killed the process): the end of the test does not. */
  private boolean exitHandled;

  RunningAgent(String name, AgentProcess process, int port) {
    this.name = name;
    this.process = process;
    this.port = port;
  }

  public String name() {
    return name;
  }

  /** The process, for what this handle does not offer. */
  public AgentProcess process() {
    return process;
  }

  /** The probe port ({@code -p}). */
  public int port() {
    if (port < 0) {
      throw new IllegalStateException(name + " was started without a probe port");
    }
    return port;
  }

  /** GET on the probe port; throws UncheckedIOException when nothing answers. */
  public AgentProcess.HttpResult get(String path) {
    return AgentProcess.httpGet(port(), path);
  }

  public AgentProcess.HttpResult health() {
    return get("/health");
  }

  public AgentProcess.HttpResult ready() {
    return get("/ready");
  }

  /** The body of /metrics (Prometheus text). */
  public String metrics() {
    return get("/metrics").body();
  }

  /**
   * Waits until {@code path} answers {@code status}; fails with the log's tail at the timeout or as
   * soon as the agent exits.
   */
  public void awaitStatus(String path, int status, Duration timeout) {
    try {
      await()
          .atMost(timeout)
          .pollInterval(Duration.ofMillis(100))
          .ignoreExceptions()
          .until(() -> !process.isAlive() || get(path).status() == status);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(
          "expected "
              + path
              + " of "
              + name
              + " to answer "
              + status
              + " within "
              + timeout
              + "\n"
              + describe(40));
    }
    if (!process.isAlive()) {
      throw new AssertionError(
          name + " exited before " + path + " answered " + status + "\n" + describe(40));
    }
  }

  /** Everything the agent wrote so far. */
  public String log() {
    return process.log();
  }

  public Path logFile() {
    return process.logFile();
  }

  /** See {@link AgentProcess#awaitLog}. */
  public String awaitLog(String regex, Duration timeout) {
    return process.awaitLog(regex, timeout);
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public long pid() {
    return process.pid();
  }

  /** SIGTERM: the graceful shutdown. The end of the test still checks the exit code. */
  public void sigterm() {
    process.sigterm();
  }

  /** SIGKILL: no shutdown hook runs. The end of the test checks no exit code of a killed agent. */
  public void sigkill() {
    exitHandled = true;
    process.sigkill();
  }

  /**
   * The agent ends by itself with {@code code}: the end of the test waits up to 30 s for that exit
   * and checks its code, instead of sending SIGTERM and expecting 0.
   */
  public RunningAgent expectExit(int code) {
    this.expectedExit = code;
    return this;
  }

  /**
   * Waits for the exit and returns the code, which the test then checks itself; fails if the agent
   * still runs at the timeout.
   */
  public int awaitExit(Duration timeout) {
    int code = process.awaitExit(timeout);
    exitHandled = true;
    return code;
  }

  /** Waits up to 30 s for the exit and fails, with the log's tail, unless it is {@code code}. */
  public void assertExitCode(int code) {
    int actual = process.awaitExit(TestAgents.STOP_TIMEOUT);
    exitHandled = true;
    if (actual != code) {
      throw new AssertionError(
          "expected "
              + name
              + " to exit with "
              + code
              + ", but it exited with "
              + actual
              + "\n"
              + describe(40));
    }
  }

  /** SIGTERM, then the exit within 30 s with code 0. */
  public void stop() {
    process.sigterm();
    assertExitCode(ExitCodes.OK);
  }

  /** Name, state, log file and the last {@code lines} lines of the log. */
  public String describe(int lines) {
    String state =
        process.isAlive() ? "running" : "exited with " + process.awaitExit(Duration.ZERO);
    return "--- "
        + name
        + " (pid "
        + process.pid()
        + ", "
        + state
        + "), log "
        + process.logFile()
        + ", last "
        + lines
        + " lines:\n"
        + process.tail(lines);
  }

  /**
   * The end of the test, unless the test handled the exit: SIGTERM if it still runs and exit 0, or
   * the exit {@link #expectExit} announced; both within {@code timeout}.
   */
  void checkEnd(Duration timeout) {
    if (exitHandled) {
      return;
    }
    boolean byItself = expectedExit != null;
    int expected = byItself ? expectedExit : ExitCodes.OK;
    if (!byItself && process.isAlive()) {
      process.sigterm();
    }
    int actual;
    try {
      actual = process.awaitExit(timeout);
    } catch (AssertionError stillRunning) {
      throw new AssertionError(
          name
              + " did not exit within "
              + timeout
              + (byItself
                  ? " (expected to exit with " + expected + " by itself)"
                  : " of SIGTERM at the end of the test")
              + "\n"
              + describe(40));
    }
    if (actual != expected) {
      throw new AssertionError(
          "at the end of the test "
              + name
              + " exited with "
              + actual
              + " (expected "
              + expected
              + "; a test that expects another exit code says so with expectExit or checks it itself)\n"
              + describe(40));
    }
  }
}
