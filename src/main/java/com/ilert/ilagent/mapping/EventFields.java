package com.ilert.ilagent.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * Reads the fields of an ilert event from an event-topic payload, with the type checks of {@link
 * EventMapper}: absent and JSON null give null, a value ilert would refuse ends mapping with a
 * {@link Rejection} that says why (never quoting more than the offending word).
 */
final class EventFields {
  private EventFields() {}

  /**
   * A field that takes one of a few words: its text, or null when absent; anything but a string is
   * refused with {@code reason}.
   *
   * @param choices the words allowed, for the message ("HIGH or LOW")
   */
  static String choiceText(ObjectNode payload, String field, SkipReason reason, String choices) {
    JsonNode node = payload.get(field);
    if (JsonRecords.isAbsent(node)) {
      return null;
    }
    if (!node.isTextual()) {
      throw new Rejection(reason, field + " is " + JsonTypes.name(node) + ", not " + choices);
    }
    return node.textValue();
  }

  static String priority(ObjectNode payload) {
    String raw = choiceText(payload, "priority", SkipReason.UNKNOWN_PRIORITY, "HIGH or LOW");
    if (raw == null || raw.isBlank()) {
      return null;
    }
    String upper = raw.toUpperCase(Locale.ROOT);
    if (upper.equals("HIGH") || upper.equals("LOW")) {
      return upper;
    }
    throw new Rejection(
        SkipReason.UNKNOWN_PRIORITY, "priority " + JsonRecords.quote(raw) + " is not HIGH or LOW");
  }

  static JsonNode severity(ObjectNode payload) {
    JsonNode node = payload.get("severity");
    if (JsonRecords.isAbsent(node)) {
      return null;
    }
    if (node.isIntegralNumber() && node.canConvertToInt()) {
      int s = node.intValue();
      if (s >= 1 && s <= 5) {
        return JsonRecords.NODES.numberNode(s);
      }
    }
    throw new Rejection(SkipReason.INVALID_FIELD, "severity must be an integer from 1 to 5");
  }

  /** The string at {@code path} if it is one, else the top-level field (see {@link #text}). */
  static String pick(ObjectNode payload, String[] path, String field) {
    String mapped = stringAt(payload, path);
    return mapped != null ? mapped : text(payload, field);
  }

  /** Walks nested objects; anything but a string at the end counts as not found. */
  static String stringAt(ObjectNode payload, String[] path) {
    JsonNode node = JsonRecords.at(payload, path);
    return node != null && node.isTextual() ? node.textValue() : null;
  }

  /** A string field; numbers and booleans become their text, objects and arrays are refused. */
  static String text(ObjectNode payload, String field) {
    JsonNode node = payload.get(field);
    if (JsonRecords.isAbsent(node)) {
      return null;
    }
    if (node.isTextual()) {
      return node.textValue();
    }
    if (node.isNumber() || node.isBoolean()) {
      return node.asText();
    }
    throw invalidType(field, "a string", node);
  }

  /** An array field, such as images; null when absent. */
  static JsonNode array(ObjectNode payload, String field) {
    return container(payload, field, JsonNode::isArray, "an array");
  }

  /** An object field, such as labels; null when absent. */
  static JsonNode object(ObjectNode payload, String field) {
    return container(payload, field, JsonNode::isObject, "an object");
  }

  private static JsonNode container(
      ObjectNode payload, String field, Predicate<JsonNode> is, String expected) {
    JsonNode node = payload.get(field);
    if (JsonRecords.isAbsent(node)) {
      return null;
    }
    if (!is.test(node)) {
      throw invalidType(field, expected, node);
    }
    return node;
  }

  static Rejection invalidType(String field, String expected, JsonNode node) {
    return new Rejection(
        SkipReason.INVALID_FIELD, field + " must be " + expected + ", not " + JsonTypes.name(node));
  }
}
