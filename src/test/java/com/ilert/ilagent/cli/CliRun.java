package com.ilert.ilagent.cli;

import com.ilert.ilagent.config.AgentConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine;

/** Runs the real command line with a fake environment and a fake daemon runner. */
final class CliRun {
  /** What one run produced; {@code config} is what the runner received, or null if not called. */
  record Result(int code, String out, String err, AgentConfig config) {
    List<String> errLines() {
      return err.lines().toList();
    }
  }

  static final int RUNNER_EXIT = 7;

  private CliRun() {}

  static Result run(Map<String, String> env, String... args) {
    AtomicReference<AgentConfig> received = new AtomicReference<>();
    CommandLine cmd =
        Cli.commandLine(
            env,
            config -> {
              received.set(config);
              return RUNNER_EXIT;
            });
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    int code = cmd.execute(args);
    return new Result(code, out.toString(), err.toString(), received.get());
  }

  static Result run(String... args) {
    return run(Map.of(), args);
  }
}
