package com.ilert.ilagent.mapping;

import com.fasterxml.jackson.databind.JsonNode;

/** How a JSON value is named in a message: "a string", "an integer", "an object", ... */
public final class JsonTypes {
  private JsonTypes() {}

  public static String name(JsonNode v) {
    if (v == null || v.isNull() || v.isMissingNode()) {
      return "null";
    }
    if (v.isTextual()) {
      return "a string";
    }
    if (v.isIntegralNumber()) {
      return "an integer";
    }
    if (v.isNumber()) {
      return "a decimal number";
    }
    if (v.isBoolean()) {
      return "a boolean";
    }
    if (v.isArray()) {
      return "an array";
    }
    return v.isObject()
        ? "an object"
        : "a " + v.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
  }
}
