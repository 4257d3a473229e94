package com.ilert.ilagent;

import com.ilert.ilagent.cli.Cli;
import com.ilert.ilagent.startup.ClassPreload;

/** Entry point: runs the {@code ilagent} command line and exits with its code. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    ClassPreload.ifTraining(); // only in the class-data-sharing training run
    System.exit(Cli.commandLine(System.getenv(), Agent::run).execute(args));
  }
}
