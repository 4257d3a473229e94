package com.ilert.ilagent;

import com.ilert.ilagent.cli.Cli;

/** Entry point: runs the {@code ilagent} command line and exits with its code. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(Cli.commandLine(System.getenv(), Agent::run).execute(args));
  }
}
