package com.ilert.ilagent.util;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Applies the -v levels: 0-1 warn, 2 info, 3+ debug (libraries stay at warn below 4). */
public final class Logging {
  private Logging() {}

  public static void configure(int verbosity) {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return;
    }
    Level own = verbosity >= 3 ? Level.DEBUG : verbosity == 2 ? Level.INFO : Level.WARN;
    Level libraries = verbosity >= 4 ? Level.INFO : Level.WARN;
    context.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(libraries);
    context.getLogger("com.ilert.ilagent").setLevel(own);
  }

  /** Writes out what is buffered; called right before the process ends. */
  public static void flush() {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
      context.stop();
    }
  }
}
