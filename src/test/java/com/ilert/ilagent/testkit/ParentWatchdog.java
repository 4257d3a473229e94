package com.ilert.ilagent.testkit;

import java.lang.reflect.Method;
import java.util.Arrays;

/**
 * Entry point of the broker JVM: ends the broker when the JVM that started it is gone, even if that
 * JVM was killed with SIGKILL and its shutdown hooks never ran, so a stray broker never survives a
 * test run. Usage: {@code ParentWatchdog <parent pid> <main class> <args...>}.
 *
 * <p>{@link KafkaBroker} copies this class file onto the broker's class path, so it must use only
 * the JDK and compile to a single class file (lambdas are fine, nested or anonymous classes not).
 */
public final class ParentWatchdog {
  private ParentWatchdog() {}

  public static void main(String[] args) throws Exception {
    long parentPid = Long.parseLong(args[0]);
    ProcessHandle.of(parentPid)
        .ifPresentOrElse(
            parent -> parent.onExit().thenRun(ParentWatchdog::parentGone),
            ParentWatchdog::parentGone);
    Method main = Class.forName(args[1]).getMethod("main", String[].class);
    main.invoke(null, (Object) Arrays.copyOfRange(args, 2, args.length));
  }

  private static void parentGone() {
    System.err.println("ParentWatchdog: the JVM that started this process is gone, halting");
    // halt, not exit: the data is throw-away and a graceful broker shutdown could take seconds.
    Runtime.getRuntime().halt(3);
  }
}
