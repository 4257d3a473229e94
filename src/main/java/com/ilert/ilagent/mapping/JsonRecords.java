package com.ilert.ilagent.mapping;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.ilert.ilagent.redaction.Redaction;
import java.io.IOException;

/** Parsing, paths and key handling shared by the mappers. */
final class JsonRecords {
  private JsonRecords() {}

  /**
   * One mapper for the whole process (thread-safe once built). Floats are read as BigDecimal and
   * trailing zeros kept so a forwarded payload reaches ilert with its numbers unchanged.
   */
  static final JsonMapper MAPPER =
      JsonMapper.builder(
              JsonFactory.builder()
                  .streamReadConstraints(
                      StreamReadConstraints.builder()
                          .maxNestingDepth(EventMapper.MAX_NESTING_DEPTH)
                          .build())
                  .build())
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false)
          .build();

  static final ObjectWriter WRITER = MAPPER.writer();
  static final JsonNodeFactory NODES = MAPPER.getNodeFactory();

  /**
   * Checks size and encoding, then parses {@code value} as exactly one JSON object.
   *
   * @throws Rejection with EMPTY, TOO_LARGE, NOT_UTF8, INVALID_JSON or NOT_OBJECT
   */
  static ObjectNode parseObject(byte[] value) {
    if (value == null) {
      throw new Rejection(SkipReason.EMPTY, "no value (tombstone)");
    }
    if (value.length == 0) {
      throw new Rejection(SkipReason.EMPTY, "empty value");
    }
    if (value.length > EventMapper.MAX_RECORD_BYTES) {
      throw new Rejection(
          SkipReason.TOO_LARGE,
          value.length + " bytes, more than the limit of " + EventMapper.MAX_RECORD_BYTES);
    }
    int bad = Utf8.firstInvalid(value);
    if (bad >= 0) {
      throw new Rejection(SkipReason.NOT_UTF8, "not valid UTF-8 at byte offset " + bad);
    }
    // Jackson guesses UTF-16/32 from zero bytes at the start; valid UTF-8 JSON never has a raw NUL,
    // so refusing it here keeps the parse strictly UTF-8.
    for (int i = 0; i < Math.min(4, value.length); i++) {
      if (value[i] == 0) {
        throw new Rejection(SkipReason.INVALID_JSON, "invalid JSON: NUL byte at offset " + i);
      }
    }
    JsonNode node;
    JsonParser parser = null;
    try {
      parser = MAPPER.createParser(value);
      node = MAPPER.readTree(parser);
      if (node != null && parser.nextToken() != null) {
        throw new Rejection(
            SkipReason.INVALID_JSON,
            "invalid JSON: data after the end of the value" + at(parser.currentTokenLocation()));
      }
    } catch (StreamConstraintsException e) {
      String msg = String.valueOf(e.getOriginalMessage());
      throw new Rejection(
          SkipReason.INVALID_JSON,
          msg.contains("nesting depth")
              ? "invalid JSON: nested too deep (more than "
                  + EventMapper.MAX_NESTING_DEPTH
                  + " levels)"
              : "invalid JSON: exceeds a parser limit" + at(e.getLocation()));
    } catch (JsonEOFException e) {
      throw new Rejection(
          SkipReason.INVALID_JSON, "invalid JSON: unexpected end of input" + at(e.getLocation()));
    } catch (JsonProcessingException e) {
      // Jackson's own message quotes payload text, which must not reach a log line.
      throw new Rejection(SkipReason.INVALID_JSON, "invalid JSON" + at(e.getLocation()));
    } catch (NumberFormatException | ArithmeticException e) {
      // BigDecimal refuses exponents beyond int range, e.g. 1e99999999999.
      throw new Rejection(SkipReason.INVALID_JSON, "invalid JSON: number out of range");
    } catch (IOException e) {
      throw new Rejection(SkipReason.INVALID_JSON, "invalid JSON: " + e.getClass().getSimpleName());
    } finally {
      closeQuietly(parser);
    }
    if (node == null || node.isMissingNode()) {
      throw new Rejection(SkipReason.EMPTY, "blank value");
    }
    if (!node.isObject()) {
      throw new Rejection(
          SkipReason.NOT_OBJECT, "JSON " + JsonTypes.name(node) + ", not an object");
    }
    return (ObjectNode) node;
  }

  private static void closeQuietly(JsonParser parser) {
    if (parser != null) {
      try {
        parser.close();
      } catch (IOException ignored) {
        // Nothing to release for a byte-array source.
      }
    }
  }

  private static String at(JsonLocation loc) {
    if (loc == null || loc.getLineNr() < 0) {
      return "";
    }
    return " at line " + loc.getLineNr() + " column " + loc.getColumnNr();
  }

  /**
   * The node at {@code path} (segments of a dotted option such as {@code data.message}), walking
   * nested objects; null when the path is null or leads nowhere.
   */
  static JsonNode at(ObjectNode payload, String[] path) {
    if (path == null) {
      return null;
    }
    JsonNode node = payload;
    for (String segment : path) {
      if (!node.isObject()) {
        return null;
      }
      node = node.get(segment);
      if (node == null) {
        return null;
      }
    }
    return node;
  }

  /**
   * The integration key from {@code integrationKey}, else from its alias {@code apiKey}. A field
   * that is present but unusable falls back to the alias: templates often fill only one of them.
   *
   * @throws Rejection with MISSING_INTEGRATION_KEY
   */
  static String integrationKey(ObjectNode payload) {
    JsonNode primary = payload.get("integrationKey");
    JsonNode alias = payload.get("apiKey");
    String key = usableKey(primary);
    if (key == null) {
      key = usableKey(alias);
    }
    if (key != null) {
      return key;
    }
    if (isAbsent(primary) && isAbsent(alias)) {
      throw new Rejection(SkipReason.MISSING_INTEGRATION_KEY, "no integrationKey or apiKey");
    }
    boolean primaryShown = !isAbsent(primary);
    JsonNode shown = primaryShown ? primary : alias;
    String name = primaryShown ? "integrationKey" : "apiKey";
    String why =
        !shown.isTextual()
            ? "is " + JsonTypes.name(shown) + ", not a string"
            : shown.textValue().isBlank()
                ? "is blank"
                : Redaction.key(shown.textValue()) + " " + keyProblem(shown.textValue());
    throw new Rejection(SkipReason.MISSING_INTEGRATION_KEY, name + " " + why);
  }

  private static String usableKey(JsonNode node) {
    if (node == null || !node.isTextual()) {
      return null;
    }
    String key = node.textValue();
    return keyProblem(key) == null ? key : null;
  }

  /**
   * Why {@code key} cannot be used, or null when it can. The key becomes a URL path segment, so
   * only URL-unreserved characters are accepted (ilert keys are alphanumeric), and never "." or
   * "..".
   */
  static String keyProblem(String key) {
    if (key == null || key.isBlank()) {
      return "is blank";
    }
    boolean onlyDots = true;
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '-'
              || c == '.'
              || c == '_'
              || c == '~';
      if (!ok) {
        return "has characters other than letters, digits and - . _ ~";
      }
      onlyDots &= c == '.';
    }
    return onlyDots ? "is only dots" : null;
  }

  /** JSON null counts as absent, as ilert itself treats it. */
  static boolean isAbsent(JsonNode node) {
    return node == null || node.isNull() || node.isMissingNode();
  }

  /**
   * A payload string shown in a skip detail (e.g. an unknown eventType): quoted, at most 40
   * characters, control characters replaced, so a hostile value cannot forge or flood log lines.
   */
  static String quote(String s) {
    int max = 40;
    StringBuilder b = new StringBuilder(Math.min(s.length(), max) + 5).append('"');
    for (int i = 0; i < s.length() && i < max; i++) {
      char c = s.charAt(i);
      b.append(Character.isISOControl(c) || c == '"' || c == '\\' ? '?' : c);
    }
    if (s.length() > max) {
      b.append("...");
    }
    return b.append('"').toString();
  }
}
