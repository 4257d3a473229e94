package com.ilert.ilagent.logging;

import ch.qos.logback.classic.Level;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code RUST_LOG} as the Rust program's env_logger reads it, mapped onto this agent's loggers. As
 * there, it wins over {@code -v}. A spec is a comma-separated list of directives: a plain level
 * ({@code debug}) for everything, {@code module=level}, or {@code module} alone (every level of
 * that module). Two modules have a counterpart here: {@code ilagent} is the agent's own loggers,
 * {@code rdkafka} the Kafka client's ({@code org.apache.kafka}); a name that starts with either
 * ({@code ilagent::poll}) counts as it, and of several the shorter name wins. Other modules and a
 * {@code /filter} suffix are ignored with one warning. Levels: off, error, warn, info, debug,
 * trace, in any case.
 *
 * <p>What env_logger does not log (a logger no directive covers) stays at error here: a library's
 * error is rare and worth seeing. A plain level lets the Kafka client log at most info: librdkafka
 * logs debug lines only for the contexts its {@code debug} property enables, which the Rust program
 * never sets, while the Java client at debug writes several lines per fetch; {@code rdkafka=debug}
 * still gets them.
 *
 * @param agent the level of the agent's loggers ({@code com.ilert.ilagent})
 * @param kafka the level of the Kafka client's loggers
 * @param others the level of every other logger (Vert.x, Netty, ...)
 * @param warnings what could not be used, one line each, for the log once it is set up
 */
public record RustLog(Level agent, Level kafka, Level others, List<String> warnings) {
  /** The environment variable. */
  public static final String ENV = "RUST_LOG";

  static final String AGENT_MODULE = "ilagent";
  static final String KAFKA_MODULE = "rdkafka";

  public RustLog {
    warnings = List.copyOf(warnings);
  }

  /**
   * The levels {@code spec} asks for; null when it is null or blank (env_logger would log errors
   * only for an empty spec, but an empty variable in a manifest means "not set" to whoever wrote
   * it).
   */
  public static RustLog parse(String spec) {
    if (spec == null || spec.isBlank()) {
      return null;
    }
    List<String> warnings = new ArrayList<>();
    String directives = spec;
    int slash = spec.indexOf('/');
    if (slash >= 0) {
      directives = spec.substring(0, slash);
      warnings.add(
          ENV + ": the filter after '/' is ignored (this agent does not filter log lines by text)");
    }
    Level global = null;
    Directive agent = null;
    Directive kafka = null;
    Set<String> ignored = new LinkedHashSet<>();
    for (String raw : directives.split(",")) {
      String d = raw.trim();
      if (d.isEmpty()) {
        continue;
      }
      String[] parts = d.split("=", -1);
      if (parts.length > 2) {
        warnings.add(ENV + ": invalid directive \"" + clean(d) + "\", ignored");
        continue;
      }
      String name = parts[0].trim();
      if (name.isEmpty() && parts.length == 2 && level(parts[1].trim()) != null) {
        global = level(parts[1].trim()); // "=debug": a name every module starts with
        continue;
      }
      Level level;
      if (parts.length == 1) {
        level = level(name);
        if (level != null) {
          global = level;
          continue;
        }
        level = Level.TRACE; // a module alone: all of its levels
      } else {
        String levelText = parts[1].trim();
        level = levelText.isEmpty() ? Level.TRACE : level(levelText);
        if (level == null) {
          warnings.add(ENV + ": invalid level \"" + clean(levelText) + "\", ignored");
          continue;
        }
      }
      if (is(name, AGENT_MODULE)) {
        agent = Directive.shorter(agent, new Directive(name, level));
      } else if (is(name, KAFKA_MODULE)) {
        kafka = Directive.shorter(kafka, new Directive(name, level));
      } else {
        ignored.add(clean(name));
      }
    }
    if (!ignored.isEmpty()) {
      warnings.add(
          ENV
              + ": "
              + String.join(", ", ignored)
              + (ignored.size() == 1 ? " is" : " are")
              + " ignored: this agent's loggers are "
              + AGENT_MODULE
              + " (its own) and "
              + KAFKA_MODULE
              + " (the Kafka client)");
    }
    Level fallback = global == null ? Level.ERROR : global;
    Level kafkaLevel =
        kafka != null
            ? kafka.level
            : global != null && global.levelInt < Level.INFO.levelInt ? Level.INFO : fallback;
    return new RustLog(agent != null ? agent.level : fallback, kafkaLevel, fallback, warnings);
  }

  private record Directive(String name, Level level) {
    /** Of two directives for one target, the one with the shorter name covers the whole module. */
    static Directive shorter(Directive before, Directive now) {
      return before == null || now.name.length() <= before.name.length() ? now : before;
    }
  }

  /** The module itself or one of its submodules ({@code ilagent::poll}). */
  private static boolean is(String name, String module) {
    return name.equals(module) || name.startsWith(module + "::");
  }

  private static Level level(String text) {
    return switch (text.toLowerCase(Locale.ROOT)) {
      case "off" -> Level.OFF;
      case "error" -> Level.ERROR;
      case "warn" -> Level.WARN;
      case "info" -> Level.INFO;
      case "debug" -> Level.DEBUG;
      case "trace" -> Level.TRACE;
      default -> null;
    };
  }

  /** A piece of the variable in a log line: short, without control characters. */
  private static String clean(String s) {
    String t = s.replaceAll("\\p{Cntrl}", "?");
    return t.length() > 60 ? t.substring(0, 60) + "..." : t;
  }
}
