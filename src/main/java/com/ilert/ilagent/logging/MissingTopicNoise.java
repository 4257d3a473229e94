package com.ilert.ilagent.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.Marker;
import org.slf4j.helpers.MessageFormatter;

/**
 * Drops the Kafka client's warning that a topic it asked about does not exist: it repeats about
 * once a second for as long as the topic is missing, while the agent says so once itself (and in
 * /ready). A warning that also names another error passes, and so does everything once the client's
 * logger is at debug level (someone asked for the client's details).
 */
final class MissingTopicNoise extends TurboFilter {
  static final String LOGGER = "org.apache.kafka.clients.NetworkClient";
  private static final String MESSAGE = "Error while fetching metadata with correlation id";
  private static final String UNKNOWN_TOPIC = "UNKNOWN_TOPIC_OR_PARTITION";

  @Override
  public FilterReply decide(
      Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
    if (level != Level.WARN
        || format == null
        || !LOGGER.equals(logger.getName())
        || logger.isDebugEnabled()
        || !format.contains(MESSAGE)) {
      return FilterReply.NEUTRAL;
    }
    // The client formats the line itself ("... id 12 : {evnets=UNKNOWN_TOPIC_OR_PARTITION}");
    // topic names hold no '=', ',' or space, so the errors can be read back from the text.
    String text =
        params != null && params.length > 0
            ? MessageFormatter.arrayFormat(format, params).getMessage()
            : format;
    int open = text.lastIndexOf(" : {");
    if (open < 0 || !text.endsWith("}")) {
      return FilterReply.NEUTRAL;
    }
    String errors = text.substring(open + 4, text.length() - 1);
    if (errors.isEmpty()) {
      return FilterReply.NEUTRAL;
    }
    for (String entry : errors.split(", ")) {
      if (!entry.endsWith("=" + UNKNOWN_TOPIC)) {
        return FilterReply.NEUTRAL;
      }
    }
    return FilterReply.DENY;
  }
}
