package com.ilert.ilagent.bench;

import static com.ilert.ilagent.testkit.Ports.freePort;

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
import java.util.concurrent.TimeUnit;

/**
 * The agent as an operator runs it: {@code scripts/ilagent daemon ...}, so the JVM flags are
 * exactly those of the script (which execs java: the process id is the JVM's). {@code
 * -Dbench.agentJavaOpts} becomes JAVA_OPTS, e.g. for a JFR recording.
 */
final class BenchAgent implements AutoCloseable {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  private final Process process;
  private final long startedNanos;
  final int port;
  final Path log;
  private long readyMs = -1;

  private BenchAgent(Process process, long startedNanos, int port, Path log) {
    this.process = process;
    this.startedNanos = startedNanos;
    this.port = port;
    this.log = log;
  }

  static BenchAgent start(Path root, String name, List<String> args) {
    return start(root, name, args, "");
  }

  /** As {@link #start(Path, String, List)}, with {@code javaOpts} added to JAVA_OPTS. */
  static BenchAgent start(Path root, String name, List<String> args, String javaOpts) {
    int port = freePort();
    List<String> cmd = new ArrayList<>();
    cmd.add(root.resolve("scripts/ilagent").toString());
    cmd.add("daemon");
    cmd.addAll(args);
    cmd.add("-p");
    cmd.add(Integer.toString(port));
    try {
      Path logDir = root.resolve("target/bench/agent-logs");
      Files.createDirectories(logDir);
      Path log = logDir.resolve(name + ".log");
      ProcessBuilder pb =
          new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
      pb.environment()
          .put(
              "JAVA_OPTS", (System.getProperty("bench.agentJavaOpts", "") + " " + javaOpts).trim());
      pb.environment().keySet().removeIf(k -> k.startsWith("ILAGENT_") || k.startsWith("ILERT_"));
      long t0 = System.nanoTime();
      Process p = pb.start();
      return new BenchAgent(p, t0, port, log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits for /ready 204; returns milliseconds from process start. */
  long awaitReady(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    HttpRequest req =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ready"))
            .timeout(Duration.ofSeconds(1))
            .GET()
            .build();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "agent exited with " + process.exitValue() + "; log " + log);
      }
      try {
        if (HTTP.send(req, HttpResponse.BodyHandlers.discarding()).statusCode() == 204) {
          readyMs = (System.nanoTime() - startedNanos) / 1_000_000;
          return readyMs;
        }
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      sleep(10);
    }
    throw new IllegalStateException("agent not ready within " + timeout + "; log " + log);
  }

  long readyMs() {
    return readyMs;
  }

  long pid() {
    return process.pid();
  }

  boolean alive() {
    return process.isAlive();
  }

  /** VmRSS of the agent JVM in KiB, from /proc/<pid>/status; -1 if unreadable. */
  long rssKb() {
    try {
      for (String line :
          Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | NumberFormatException e) {
      // gone
    }
    return -1;
  }

  /**
   * CPU time (user + system) the agent JVM used so far, in ms, from /proc/<pid>/stat; -1 if
   * unreadable.
   */
  long cpuMs() {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // fields 14 and 15 of stat (utime, stime) are 11 and 12 after the command name; clock ticks
      // of 10 ms
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** CPU ms per thread name (digits folded), from /proc/<pid>/task/<tid>/stat. */
  java.util.Map<String, Long> threadCpuMs() {
    java.util.Map<String, Long> out = new java.util.TreeMap<>();
    try (var tasks = Files.list(Path.of("/proc", Long.toString(process.pid()), "task"))) {
      for (Path t : (Iterable<Path>) tasks::iterator) {
        try {
          String stat = Files.readString(t.resolve("stat"));
          String name =
              stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
                  .replaceAll("[0-9]+", "N");
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          out.merge(name, (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10, Long::sum);
        } catch (IOException | RuntimeException e) {
          // thread ended
        }
      }
    } catch (IOException e) {
      // gone
    }
    return out;
  }

  /** SIGTERM, then waits for the exit code. */
  int stop() {
    process.destroy();
    try {
      if (!process.waitFor(40, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return process.isAlive() ? -1 : process.exitValue();
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      stop();
    }
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
