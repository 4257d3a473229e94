package com.ilert.ilagent.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.ilert.ilagent.mapping.JsonTypes;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks that a JSON value has the type its setting needs and turns it into the raw text the other
 * sources give. Type errors name the JSON type found, never the value, which may be a secret.
 */
final class JsonValues {
  private JsonValues() {}

  static String text(Setting s, JsonNode v, String source) throws ConfigException {
    switch (s.kind()) {
      case STRING:
        return require(v.isTextual(), v, source, "a string").asText();
      case NUMBER:
      case COUNT:
        return require(v.isIntegralNumber(), v, source, "an integer").asText();
      case FLAG:
        return require(v.isBoolean(), v, source, "true or false").asText();
      case LIST:
        return list(v, source);
      default:
        throw new IllegalStateException("no JSON conversion for " + s);
    }
  }

  /** A list may be a comma-separated string or an array of strings. */
  private static String list(JsonNode v, String source) throws ConfigException {
    if (v.isTextual()) {
      return v.asText();
    }
    require(v.isArray(), v, source, "a string or an array of strings");
    List<String> parts = new ArrayList<>();
    for (JsonNode item : v) {
      require(item.isTextual(), item, source, "an array of strings");
      parts.add(item.asText());
    }
    return String.join(",", parts);
  }

  private static JsonNode require(boolean ok, JsonNode v, String source, String expected)
      throws ConfigException {
    if (!ok) {
      throw new ConfigException(source + ": expected " + expected + ", got " + JsonTypes.name(v));
    }
    return v;
  }
}
