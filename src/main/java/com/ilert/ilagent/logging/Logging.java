package com.ilert.ilagent.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import com.ilert.ilagent.config.AgentConfig.LogFormat;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import net.logstash.logback.composite.loggingevent.mdc.LongMdcEntryWriter;
import net.logstash.logback.composite.loggingevent.mdc.RegexFilteringMdcEntryWriter;
import net.logstash.logback.encoder.LogstashEncoder;
import net.logstash.logback.fieldnames.LogstashFieldNames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Logging set-up and helpers.
 *
 * <p>Levels (-v): 0-1 warn, 2 info, 3+ debug (libraries stay at warn below 4); {@code RUST_LOG},
 * when set, decides instead ({@link RustLog}).
 *
 * <p>Formats: {@code text} (the default) keeps the pattern of {@link LogConfigurator}. {@code json}
 * writes one JSON object per line:
 *
 * <pre>{@code
 * {"timestamp":"2025-01-31T12:00:00.123+01:00","message":"...","logger":"com.ilert...",
 *  "thread":"vert.x-eventloop-thread-0","level":"WARN","topic":"events","partition":3,
 *  "offset":42,"exception":"java.io.IOException: ...\n\tat ..."}
 * }</pre>
 *
 * {@code topic}, {@code partition} and {@code offset} are there when the line was logged inside
 * {@link #withRecord}; partition and offset are JSON numbers. Any other MDC entry appears as a
 * string field of the same name. {@code exception} holds the stack trace when one was logged.
 */
public final class Logging {
  /** MDC keys of the record a log line is about; see {@link #withRecord}. */
  public static final String MDC_TOPIC = "topic";

  public static final String MDC_PARTITION = "partition";
  public static final String MDC_OFFSET = "offset";

  /**
   * The encoders that {@link LogConfigurator} configured, so that switching back to text restores
   * them.
   */
  private static final Map<ConsoleAppender<ILoggingEvent>, Encoder<ILoggingEvent>> ORIGINAL =
      new IdentityHashMap<>();

  private static final String AGENT_LOGGERS = "com.ilert.ilagent";
  static final String KAFKA_LOGGERS = "org.apache.kafka";

  private static final String STDOUT = "System.out";
  private static final String STDERR = "System.err";

  private Logging() {}

  /**
   * Applies the -v level and the log format to every console appender of the root logger; they
   * write to stdout. Call it once, at start-up, before other threads log: the appenders restart to
   * take the new encoder.
   */
  public static void configure(int verbosity, LogFormat format) {
    configure(verbosity, null, format);
  }

  /**
   * As {@link #configure(int, LogFormat)}, with {@code RUST_LOG}'s value (or null), which decides
   * the levels instead of -v when set, as in the Rust program (see {@link RustLog}).
   */
  public static void configure(int verbosity, String rustLog, LogFormat format) {
    RustLog spec = RustLog.parse(rustLog);
    apply(verbosity, spec, format, STDOUT);
    report(spec, verbosity);
  }

  /**
   * For the one-shot commands: -v levels (or RUST_LOG's), text format, and the console on stderr,
   * so that stdout holds only the command's own result line.
   */
  public static void configureCommand(int verbosity, String rustLog) {
    RustLog spec = RustLog.parse(rustLog);
    apply(verbosity, spec, LogFormat.TEXT, STDERR);
    report(spec, verbosity);
  }

  /** What of RUST_LOG could not be used, and that -v counts for nothing beside it. */
  private static void report(RustLog spec, int verbosity) {
    if (spec == null) {
      return;
    }
    Logger log = LoggerFactory.getLogger(Logging.class);
    spec.warnings().forEach(w -> log.warn("{}", w));
    if (verbosity > 0) {
      log.warn("{} is set: it decides the log levels, -v is ignored", RustLog.ENV);
    }
  }

  private static synchronized void apply(
      int verbosity, RustLog spec, LogFormat format, String target) {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return;
    }
    applyLevels(context, verbosity, spec);
    if (context.getTurboFilterList().stream().noneMatch(f -> f instanceof MissingTopicNoise)) {
      MissingTopicNoise noise = new MissingTopicNoise();
      noise.setContext(context);
      noise.start();
      context.addTurboFilter(noise);
    }
    for (ConsoleAppender<ILoggingEvent> appender : consoleAppenders(context)) {
      ORIGINAL.putIfAbsent(appender, appender.getEncoder());
      Encoder<ILoggingEvent> encoder =
          format == LogFormat.JSON ? jsonEncoder(context) : ORIGINAL.get(appender);
      if (encoder == appender.getEncoder() && target.equals(appender.getTarget())) {
        continue;
      }
      appender.stop(); // a console appender's stream ignores close(): System.out stays open
      appender.setEncoder(encoder);
      appender.setTarget(target);
      if (!encoder.isStarted()) {
        encoder.start();
      }
      appender.start();
    }
  }

  /**
   * The encoder of {@code --log_format json}: one JSON object per line with the fields described
   * above. Public so that tests (and any future file appender) use exactly the same one.
   */
  public static Encoder<ILoggingEvent> jsonEncoder(LoggerContext context) {
    LogstashEncoder encoder = new LogstashEncoder();
    encoder.setContext(context);
    LogstashFieldNames names = encoder.getFieldNames();
    names.setTimestamp("timestamp");
    names.setLogger("logger");
    names.setThread("thread");
    names.setStackTrace("exception");
    // Logstash-specific fields nobody reading these logs asks for.
    names.setVersion(LogstashFieldNames.IGNORE_FIELD_INDICATOR);
    names.setLevelValue(LogstashFieldNames.IGNORE_FIELD_INDICATOR);
    encoder.setIncludeContext(false);
    // partition and offset as numbers, so that a log query can compare them; other MDC entries
    // (e.g. a topic named "123") stay strings.
    RegexFilteringMdcEntryWriter numbers = new RegexFilteringMdcEntryWriter();
    numbers.setIncludeMdcKeyPattern(MDC_PARTITION + "|" + MDC_OFFSET);
    numbers.addMdcEntryWriter(new LongMdcEntryWriter());
    encoder.addMdcEntryWriter(numbers);
    encoder.start();
    return encoder;
  }

  /**
   * Runs {@code action} with the record's topic, partition and offset in the MDC, so that every
   * line it logs carries them (as fields in json format; the text pattern does not show them), and
   * restores the MDC as it was afterwards. The MDC belongs to the calling thread: wrap the
   * synchronous log call itself, not code that logs later in a callback.
   *
   * <pre>{@code
   * Logging.withRecord(record.topic(), record.partition(), record.offset(),
   *     () -> LOG.warn("Skipped record: {}", reason));
   * }</pre>
   */
  public static void withRecord(String topic, int partition, long offset, Runnable action) {
    String oldTopic = MDC.get(MDC_TOPIC);
    String oldPartition = MDC.get(MDC_PARTITION);
    String oldOffset = MDC.get(MDC_OFFSET);
    try {
      put(MDC_TOPIC, topic);
      MDC.put(MDC_PARTITION, Integer.toString(partition));
      MDC.put(MDC_OFFSET, Long.toString(offset));
      action.run();
    } finally {
      put(MDC_TOPIC, oldTopic);
      put(MDC_PARTITION, oldPartition);
      put(MDC_OFFSET, oldOffset);
    }
  }

  /** Writes out what is buffered; called right before the process ends. */
  public static void flush() {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
      context.stop();
    }
  }

  private static void put(String key, String value) {
    if (value == null) {
      MDC.remove(key);
    } else {
      MDC.put(key, value);
    }
  }

  private static void applyLevels(LoggerContext context, int verbosity, RustLog spec) {
    if (spec != null) {
      context.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(spec.others());
      context.getLogger(AGENT_LOGGERS).setLevel(spec.agent());
      context.getLogger(KAFKA_LOGGERS).setLevel(spec.kafka());
      return;
    }
    Level own = verbosity >= 3 ? Level.DEBUG : verbosity == 2 ? Level.INFO : Level.WARN;
    Level libraries = verbosity >= 4 ? Level.INFO : Level.WARN;
    context.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(libraries);
    context.getLogger(AGENT_LOGGERS).setLevel(own);
    context.getLogger(KAFKA_LOGGERS).setLevel(null); // as every library
  }

  private static List<ConsoleAppender<ILoggingEvent>> consoleAppenders(LoggerContext context) {
    List<ConsoleAppender<ILoggingEvent>> found = new ArrayList<>();
    Iterator<Appender<ILoggingEvent>> it =
        context.getLogger(Logger.ROOT_LOGGER_NAME).iteratorForAppenders();
    while (it.hasNext()) {
      if (it.next() instanceof ConsoleAppender<ILoggingEvent> console) {
        found.add(console);
      }
    }
    return found;
  }
}
