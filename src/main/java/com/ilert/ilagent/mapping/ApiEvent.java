package com.ilert.ilagent.mapping;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.ilert.ilagent.redaction.Redaction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;

/**
 * An ilert event posted to the HTTP API ({@code POST /api/events}), as the Rust program takes it:
 * {@code integrationKey} (or its alias {@code apiKey}), {@code eventType} and {@code summary}
 * required; {@code details}, {@code alertKey}, {@code priority}, {@code images}, {@code links},
 * {@code customDetails} optional; other fields dropped. It is queued as its normalised JSON (those
 * fields in that order, {@code null} for the absent ones, as the Rust program answers and sends
 * them) in the event topic, marked by the record header {@value #MARKER_HEADER}; the consumer sends
 * a marked record's value as it is to ilert's generic {@code POST {api}/events}, without the Kafka
 * mapping.
 *
 * <p>The consumer checks a marked record with the same rules as the API checks a body, so a forged
 * marker can make the agent send nothing that a request to the API could not: at most {@value
 * #MAX_BYTES} bytes of one well-formed event. Pure and thread-safe.
 */
public final class ApiEvent {
  /** The record header that marks an event queued by the HTTP API, and its one value. */
  public static final String MARKER_HEADER = "ilagent.http-api";

  public static final String MARKER_VALUE = "events";

  private static final byte[] MARKER_BYTES = MARKER_VALUE.getBytes(StandardCharsets.UTF_8);

  /** The Rust program's limit on a posted body; larger ones are answered 413. */
  public static final int MAX_BYTES = 16_000;

  /** The Rust program's answers to a value it does not know, word for word. */
  public static final String UNSUPPORTED_EVENT_TYPE = "Unsupported value for field 'eventType'.";

  public static final String UNSUPPORTED_PRIORITY = "Unsupported value for field 'priority'.";

  private static final Set<String> EVENT_TYPES =
      Set.of(EventMapper.ALERT, EventMapper.ACCEPT, EventMapper.RESOLVE, EventMapper.COMMENT);
  private static final Set<String> PRIORITIES = Set.of("HIGH", "LOW");

  private ApiEvent() {}

  /**
   * A posted body, checked: a {@link MappingResult.GenericEvent} whose body is the normalised JSON
   * to queue, or a {@link MappingResult.Skip} whose detail is what the 400 answer says (for an
   * unknown eventType or priority, the Rust program's words).
   */
  public static MappingResult fromBody(byte[] body) {
    try {
      return parse(body);
    } catch (Rejection r) {
      return r.toSkip();
    } catch (RuntimeException | JsonProcessingException e) {
      return Rejection.unexpected(e);
    }
  }

  /** Whether a record's marker header (its value) is the HTTP API's. */
  public static boolean isMarker(byte[] value) {
    return Arrays.equals(MARKER_BYTES, value);
  }

  /**
   * A record of the event topic with the {@value #MARKER_HEADER} header: the event to send with the
   * record's value unchanged, or why it is skipped.
   */
  public static MappingResult fromRecord(byte[] marker, byte[] value) {
    if (!isMarker(marker)) {
      return new MappingResult.Skip(
          SkipReason.INVALID_FIELD,
          "header " + MARKER_HEADER + " has a value this agent does not know");
    }
    MappingResult checked = fromBody(value);
    if (checked instanceof MappingResult.GenericEvent e) {
      return new MappingResult.GenericEvent(e.integrationKey(), e.alertKey(), e.eventType(), value);
    }
    return checked;
  }

  private static MappingResult parse(byte[] body) throws JsonProcessingException {
    if (body != null && body.length > MAX_BYTES) {
      throw new Rejection(
          SkipReason.TOO_LARGE, body.length + " bytes, more than the limit of " + MAX_BYTES);
    }
    ObjectNode in = JsonRecords.parseObject(body);
    String key = integrationKey(in);
    String eventType = required(in, "eventType");
    if (!EVENT_TYPES.contains(eventType)) {
      throw new Rejection(SkipReason.UNKNOWN_EVENT_TYPE, UNSUPPORTED_EVENT_TYPE);
    }
    String summary = required(in, "summary");
    String details = optional(in, "details");
    String alertKey = optional(in, "alertKey");
    String priority = optional(in, "priority");
    if (priority != null && !PRIORITIES.contains(priority)) {
      throw new Rejection(SkipReason.UNKNOWN_PRIORITY, UNSUPPORTED_PRIORITY);
    }
    ObjectNode out = JsonRecords.NODES.objectNode();
    out.put("integrationKey", key);
    out.put("eventType", eventType);
    out.put("summary", summary);
    out.put("details", details);
    out.put("alertKey", alertKey);
    out.put("priority", priority);
    out.set("images", list(in, "images", "src", "href", "alt"));
    out.set("links", list(in, "links", "href", "text"));
    JsonNode custom = in.get("customDetails");
    out.set("customDetails", custom == null ? JsonRecords.NODES.nullNode() : custom);
    String groupKey = alertKey == null || alertKey.isBlank() ? null : alertKey;
    return new MappingResult.GenericEvent(
        key, groupKey, eventType, JsonRecords.WRITER.writeValueAsBytes(out));
  }

  /** integrationKey, else its alias apiKey: a string the agent can use as a key. */
  private static String integrationKey(ObjectNode in) {
    String field = JsonRecords.isAbsent(in.get("integrationKey")) ? "apiKey" : "integrationKey";
    JsonNode node = in.get(field);
    if (JsonRecords.isAbsent(node)) {
      throw new Rejection(SkipReason.MISSING_INTEGRATION_KEY, "missing field `integrationKey`");
    }
    if (!node.isTextual()) {
      throw new Rejection(
          SkipReason.MISSING_INTEGRATION_KEY,
          field + " must be a string, not " + JsonTypes.name(node));
    }
    String problem = JsonRecords.keyProblem(node.textValue());
    if (problem != null) {
      throw new Rejection(
          SkipReason.MISSING_INTEGRATION_KEY,
          field + " " + Redaction.key(node.textValue()) + " " + problem);
    }
    return node.textValue();
  }

  private static String required(ObjectNode in, String field) {
    String value = optional(in, field);
    if (value == null) {
      throw new Rejection(SkipReason.INVALID_FIELD, "missing field `" + field + "`");
    }
    return value;
  }

  /** A string or null; any other type is refused, as the Rust program's JSON reader does. */
  private static String optional(ObjectNode in, String field) {
    JsonNode node = in.get(field);
    if (JsonRecords.isAbsent(node)) {
      return null;
    }
    if (!node.isTextual()) {
      throw EventFields.invalidType(field, "a string", node);
    }
    return node.textValue();
  }

  /**
   * images ({src, href, alt}) or links ({href, text}): null, or an array of objects whose first
   * field is a required string and the others optional strings; each normalised to those fields.
   */
  private static JsonNode list(ObjectNode in, String field, String required, String... others) {
    JsonNode node = in.get(field);
    if (JsonRecords.isAbsent(node)) {
      return JsonRecords.NODES.nullNode();
    }
    if (!node.isArray()) {
      throw EventFields.invalidType(field, "an array", node);
    }
    ArrayNode out = JsonRecords.NODES.arrayNode();
    for (JsonNode item : node) {
      if (!item.isObject()) {
        throw EventFields.invalidType(field + " entries", "objects", item);
      }
      ObjectNode entry = JsonRecords.NODES.objectNode();
      String first = optional((ObjectNode) item, required);
      if (first == null) {
        throw new Rejection(
            SkipReason.INVALID_FIELD, field + " entry: missing field `" + required + "`");
      }
      entry.put(required, first);
      for (String other : others) {
        entry.put(other, optional((ObjectNode) item, other));
      }
      out.add(entry);
    }
    return out;
  }
}
