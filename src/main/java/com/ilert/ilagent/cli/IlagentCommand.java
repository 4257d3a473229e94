package com.ilert.ilagent.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The root command. It only holds subcommands (added in {@link Cli#commandLine}): {@code daemon},
 * and the one-shot {@code event} and {@code heartbeat} commands.
 */
@Command(
    name = "ilagent",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Forwards Apache Kafka records to ilert as alert events and heartbeat pings.")
final class IlagentCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  /** Runs when no subcommand was given: that is a usage error, not a reason to do nothing. */
  @Override
  public Integer call() {
    UsageErrorHandler.print(spec.commandLine(), "missing command; one of: "
        + String.join(", ", spec.subcommands().keySet()));
    return Cli.EXIT_USAGE;
  }
}
