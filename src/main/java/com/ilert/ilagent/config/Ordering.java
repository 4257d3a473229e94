package com.ilert.ilagent.config;

/** How records are grouped into lanes that are delivered strictly one after another. */
public enum Ordering {
  /** integrationKey + alertKey: the events of one alert keep their order. */
  ALERT_KEY("alert_key"),
  /** The Kafka record key, per partition. */
  KEY("key"),
  /** Strict partition order: one record in flight per partition. */
  PARTITION("partition");

  private final String cliName;

  Ordering(String cliName) {
    this.cliName = cliName;
  }

  public String cliName() {
    return cliName;
  }

  public static Ordering fromCliName(String value) {
    for (Ordering o : values()) {
      if (o.cliName.equals(value)) {
        return o;
      }
    }
    throw new IllegalArgumentException(value);
  }
}
