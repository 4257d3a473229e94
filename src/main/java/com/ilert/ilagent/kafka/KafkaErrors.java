package com.ilert.ilagent.kafka;

import com.ilert.ilagent.loop.EventLoop;
import com.ilert.ilagent.redaction.Redaction;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer's last Kafka error, as /ready reports it. Errors arrive on the Kafka client's thread
 * and are handed to the verticle's context before anything reads or changes state. A broker that is
 * down or refuses the credentials reports the same error on every reconnect: it is warned about
 * once, then again when it changes or a minute has passed. Cleared once Kafka answers again.
 */
public final class KafkaErrors {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaErrors.class);
  static final long REPEAT_MS = 60_000;

  private final EventLoop loop;
  private final Map<String, String> kafkaProperties;
  private final Runnable onChange;
  private String lastError;
  private long lastWarnedAt;

  /**
   * @param kafkaProperties the client properties, whose secrets are redacted from error text
   * @param onChange called on the context when the reported error changes
   */
  public KafkaErrors(EventLoop loop, Map<String, String> kafkaProperties, Runnable onChange) {
    this.loop = loop;
    this.kafkaProperties = kafkaProperties;
    this.onChange = onChange;
  }

  /** From any thread. */
  public void report(Throwable err) {
    loop.execute(() -> record(err));
  }

  /** Kafka answered (an assignment, records, a commit): the reported error is over. */
  public void healthy() {
    if (lastError != null) {
      LOG.info("Kafka consumer healthy again");
      lastError = null;
      lastWarnedAt = 0;
      onChange.run();
    }
  }

  /** The error /ready shows, or null. */
  public String lastError() {
    return lastError;
  }

  private void record(Throwable err) {
    String error = Redaction.secretsIn(err.toString(), kafkaProperties);
    long now = loop.nowMs();
    if (!error.equals(lastError) || now - lastWarnedAt > REPEAT_MS) {
      LOG.warn("Kafka consumer: {}", error);
      lastWarnedAt = now;
    } else {
      LOG.debug("Kafka consumer: {}", error);
    }
    boolean changed = !error.equals(lastError);
    lastError = error;
    if (changed) {
      onChange.run();
    }
  }
}
