package com.ilert.ilagent.cli;

import com.ilert.ilagent.ExitCodes;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Turns picocli's parse errors into the agent's format: one line naming the problem, one line
 * pointing at the help, exit code 2. picocli's own output (suggestion lists, full usage) is too
 * long for a container log, and can echo arguments that hold secrets.
 */
final class UsageErrorHandler implements IParameterExceptionHandler {

  @Override
  public int handleParseException(ParameterException ex, String[] args) {
    CommandLine cmd = ex.getCommandLine();
    String message =
        ex instanceof UnmatchedArgumentException u ? unmatched(cmd, u) : redact(ex.getMessage());
    print(cmd, message);
    return ExitCodes.USAGE;
  }

  /** Prints a usage error and the hint where help is. */
  static void print(CommandLine cmd, String message) {
    PrintWriter err = cmd.getErr();
    err.println(Cli.PREFIX + message);
    err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help'.");
    err.flush();
  }

  private static String unmatched(CommandLine cmd, UnmatchedArgumentException ex) {
    String first = ex.getUnmatched().isEmpty() ? "" : ex.getUnmatched().get(0);
    if (first.startsWith("-")) {
      String option = first.contains("=") ? first.substring(0, first.indexOf('=')) : first;
      String hint =
          ex.getSuggestions().isEmpty()
              ? ""
              : " (did you mean " + ex.getSuggestions().get(0) + "?)";
      return "unknown option " + option + hint;
    }
    if (!cmd.getSubcommands().isEmpty()) {
      return "unknown command \"" + first + "\"";
    }
    // The stray word may be the second half of a secret with a space in it: do not repeat it.
    return "unexpected argument; " + cmd.getCommandSpec().qualifiedName() + " takes options only";
  }

  /** Hides anything after '=' in a quoted argument, e.g. '--event_key=SECRET'. */
  static String redact(String message) {
    return message == null
        ? "invalid arguments"
        : message.replaceAll("'([^'=]*)=[^']*'", "'$1=...'");
  }
}
