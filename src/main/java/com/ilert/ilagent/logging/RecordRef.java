package com.ilert.ilagent.logging;

/**
 * Names what a log line is about: a Kafka record (topic, partition, offset) or, for the agent's own
 * heartbeat, just a label. Lines logged through {@link #log} carry the record's coordinates in the
 * text and, in json format, as fields.
 */
public final class RecordRef {
  private final String topic;
  private final int partition;
  private final long offset;
  private final String text;

  private RecordRef(String topic, int partition, long offset, String text) {
    this.topic = topic;
    this.partition = partition;
    this.offset = offset;
    this.text = text;
  }

  public static RecordRef of(String topic, int partition, long offset) {
    return new RecordRef(
        topic,
        partition,
        offset,
        "topic=" + topic + " partition=" + partition + " offset=" + offset);
  }

  /** Something that is not a record, such as the own heartbeat. */
  static RecordRef label(String text) {
    return new RecordRef(null, -1, -1, text);
  }

  /** Runs one synchronous log call with the record in the MDC. */
  public void log(Runnable logCall) {
    if (topic == null) {
      logCall.run();
    } else {
      Logging.withRecord(topic, partition, offset, logCall);
    }
  }

  @Override
  public String toString() {
    return text;
  }
}
