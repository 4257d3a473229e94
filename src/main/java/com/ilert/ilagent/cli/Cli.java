package com.ilert.ilagent.cli;

import com.ilert.ilagent.ExitCodes;
import com.ilert.ilagent.config.AgentConfig;
import com.ilert.ilagent.config.ConfigException;
import java.io.PrintWriter;
import java.util.Map;
import java.util.function.ToIntFunction;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Assembles the {@code ilagent} command line. {@code Main} runs it; tests inject env and runner.
 */
public final class Cli {
  static final String PREFIX = "ilagent: ";

  private Cli() {}

  /**
   * @param env the environment to read ILAGENT_* settings (and, for the one-shot commands,
   *     ILERT_INTEGRATION_KEY, ILERT_API_URL, ILERT_HEARTBEAT_URL) from ({@code System.getenv()} in
   *     production, a plain map in tests)
   * @param daemonRunner runs the daemon with the validated config and returns the exit code ({@code
   *     Agent::run} in production)
   */
  public static CommandLine commandLine(
      Map<String, String> env, ToIntFunction<AgentConfig> daemonRunner) {
    CommandLine root = new CommandLine(new IlagentCommand());
    root.addSubcommand(DaemonCommand.commandLine(env, daemonRunner));
    root.addSubcommand(new CommandLine(new EventCommand(env)));
    root.addSubcommand(new CommandLine(new HeartbeatCommand(env)));
    // Set after adding subcommands: picocli copies these settings only to existing subcommands.
    // "@file" expansion would read arguments from a file nobody expects to be read.
    root.setExpandAtFiles(false);
    root.setParameterExceptionHandler(new UsageErrorHandler());
    return root;
  }

  /**
   * Prints a configuration error of {@code spec}'s command and returns the exit code for it. The
   * error is the operator's to fix: one line, no stack trace.
   */
  static int configError(CommandSpec spec, ConfigException e) {
    PrintWriter err = spec.commandLine().getErr();
    err.println(PREFIX + e.getMessage());
    err.flush();
    return ExitCodes.USAGE;
  }
}
