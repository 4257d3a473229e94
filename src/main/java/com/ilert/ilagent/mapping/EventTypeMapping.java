package com.ilert.ilagent.mapping;

import static com.ilert.ilagent.mapping.EventMapper.ACCEPT;
import static com.ilert.ilagent.mapping.EventMapper.ALERT;
import static com.ilert.ilagent.mapping.EventMapper.COMMENT;
import static com.ilert.ilagent.mapping.EventMapper.RESOLVE;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;

/**
 * Finds an event's type, as ilert spells it, in an event-topic payload: the string at
 * --map_key_etype if there is one, else the eventType field; a value equal to one of the
 * --map_val_etype_* options means the type it stands for, any other is matched case-insensitively
 * against ALERT, ACCEPT, RESOLVE and COMMENT. Absent, null or blank means ALERT. Immutable.
 */
final class EventTypeMapping {
  private static final String CHOICES = "ALERT, ACCEPT, RESOLVE or COMMENT";

  private final String[] etypePath;
  private final String valAlert;
  private final String valAccept;
  private final String valResolve;

  /** Each argument may be null: not given. */
  EventTypeMapping(String[] etypePath, String valAlert, String valAccept, String valResolve) {
    this.etypePath = etypePath;
    this.valAlert = valAlert;
    this.valAccept = valAccept;
    this.valResolve = valResolve;
  }

  /** The event type; a value that is none of them skips the record with UNKNOWN_EVENT_TYPE. */
  String of(ObjectNode payload) {
    String raw = EventFields.stringAt(payload, etypePath);
    if (raw == null) {
      raw = EventFields.choiceText(payload, "eventType", SkipReason.UNKNOWN_EVENT_TYPE, CHOICES);
      if (raw == null) {
        return ALERT;
      }
    }
    if (raw.equals(valAlert)) {
      return ALERT;
    }
    if (raw.equals(valAccept)) {
      return ACCEPT;
    }
    if (raw.equals(valResolve)) {
      return RESOLVE;
    }
    if (raw.isBlank()) {
      return ALERT;
    }
    switch (raw.toUpperCase(Locale.ROOT)) {
      case ALERT:
        return ALERT;
      case ACCEPT:
        return ACCEPT;
      case RESOLVE:
        return RESOLVE;
      case COMMENT:
        return COMMENT;
      default:
        throw new Rejection(
            SkipReason.UNKNOWN_EVENT_TYPE,
            "eventType " + JsonRecords.quote(raw) + " is not " + CHOICES);
    }
  }
}
