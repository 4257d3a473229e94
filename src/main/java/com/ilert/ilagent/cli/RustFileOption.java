package com.ilert.ilagent.cli;

import com.ilert.ilagent.config.RustCompat;
import org.slf4j.Logger;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * {@code -f/--file}: the Rust program's SQLite database file, a global flag there (before or after
 * the command). Accepted so that its command lines start; the agent keeps no database.
 */
final class RustFileOption {
  @Option(
      names = {"-f", "--file"},
      paramLabel = "FILE",
      description =
          "Accepted for the Rust ilagent's database file and ignored (with a warning): this agent"
              + " keeps no database.")
  String file;

  /** The file given after the command {@code command}, else before it, else null. */
  static String given(CommandSpec command, RustFileOption own) {
    if (own.file != null) {
      return own.file;
    }
    CommandSpec parent = command.parent();
    return parent != null && parent.userObject() instanceof IlagentCommand root
        ? root.rustFile.file
        : null;
  }

  /** For the one-shot commands: the warning, once logging is set up. */
  static void warnIfGiven(CommandSpec command, RustFileOption own, Logger log) {
    String file = given(command, own);
    if (file != null) {
      log.warn("{}", RustCompat.fileIgnored(file));
    }
  }
}
