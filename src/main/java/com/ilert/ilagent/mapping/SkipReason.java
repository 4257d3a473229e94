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
  /** An escalation-policy record without an e-mail at --map_key_email. */
  MISSING_EMAIL("missing_email"),
  /** An escalation-policy record whose --policy_routing_keys fields give no routing key. */
  MISSING_ROUTING_KEY("missing_routing_key"),
  /** ilert answered with a 4xx other than 429 (for a policy record: in any of its requests). */
  REJECTED("rejected");

  private final String label;

  SkipReason(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }
}
