package com.ilert.ilagent.mapping;

/** Why a record is not forwarded. The label is used in logs and metrics. */
public enum SkipReason {
  FILTERED("filtered"),
  EMPTY("empty"),
  NOT_UTF8("not_utf8"),
  INVALID_JSON("invalid_json"),
  NOT_OBJECT("not_object"),
  TOO_LARGE("too_large"),
  MISSING_INTEGRATION_KEY("missing_integration_key"),
  UNKNOWN_EVENT_TYPE("unknown_event_type"),
  UNKNOWN_PRIORITY("unknown_priority"),
  INVALID_FIELD("invalid_field"),
  /** ilert answered with a 4xx other than 429. */
  REJECTED("rejected");

  private final String label;

  SkipReason(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }
}
