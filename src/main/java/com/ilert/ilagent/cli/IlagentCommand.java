package com.ilert.ilagent.cli;

import com.ilert.ilagent.ExitCodes;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
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

  // Global, as in the Rust program: `ilagent -v -v daemon ...`. The commands accept it too, after
  // their name; the counts add up.
  @Option(
      names = {"-v", "--verbose"},
      description =
          "More log output, for every command; repeat for more (-v warn, -vv info, -vvv debug).")
  boolean[] verbose = new boolean[0];

  // Global in the Rust program too; see RustFileOption.
  @Mixin RustFileOption rustFile;

  /**
   * How often -v/--verbose was given before the command of {@code command}, 0 if it has no parent.
   */
  static int verbosity(CommandSpec command) {
    CommandSpec parent = command.parent();
    return parent != null && parent.userObject() instanceof IlagentCommand root
        ? root.verbose.length
        : 0;
  }

  /** Runs when no subcommand was given: that is a usage error, not a reason to do nothing. */
  @Override
  public Integer call() {
    UsageErrorHandler.print(
        spec.commandLine(),
        "missing command; one of: " + String.join(", ", spec.subcommands().keySet()));
    return ExitCodes.USAGE;
  }
}
