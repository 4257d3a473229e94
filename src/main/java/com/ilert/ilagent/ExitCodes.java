package com.ilert.ilagent;

/**
 * The process exit codes of every {@code ilagent} command. Operators depend on them
 * (docs/operations.md, "Exit codes and restarts"; {@code RestartPreventExitStatus=2} in {@code
 * conf/ilagent.service}): change none. Besides these, the JVM ends the process with 3 on an
 * OutOfMemoryError ({@code -XX:+ExitOnOutOfMemoryError} in {@code scripts/ilagent} and the
 * Dockerfile).
 */
public final class ExitCodes {
  /**
   * The daemon stopped cleanly (SIGTERM, SIGINT), a one-shot command's request was accepted (202),
   * or help or the version was printed.
   */
  public static final int OK = 0;

  /**
   * The daemon stopped after a delivery failure (retry budget spent, dead-letter topic not
   * writable) or a start-up failure; or a one-shot command got another answer than 202, or none.
   */
  public static final int FAILURE = 1;

  /** A usage or configuration error, reported in one line: a restart cannot fix it. */
  public static final int USAGE = 2;

  private ExitCodes() {}
}
