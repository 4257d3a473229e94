package com.ilert.ilagent.mapping;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.ilert.ilagent.redaction.Redaction;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Locale;
import java.util.List;
import java.util.Map;

/**
 * Turns an event-topic record into an ilert event (reference.md, "Event mapping"). Immutable after
 * construction, so one instance serves every consumer thread.
 *
 * <p>Choices beyond the documented rules:
 *
 * <ul>
 *   <li>JSON null counts as an absent field.
 *   <li>eventType and priority are matched case-insensitively and sent upper-case ("resolve" →
 *       RESOLVE): ilert accepts only upper-case, and the intent of lower-case input is clear. An
 *       absent, null or blank eventType means ALERT; a blank priority is left out.
 *   <li>summary, details, alertKey and routingKey given as a number or boolean are sent as its text
 *       (ilert wants strings; {@code "alertKey": 42} clearly means "42"); an object or array there
 *       skips the record with INVALID_FIELD. Values read through a {@code mapKey*} path are used
 *       only when they are strings, as documented.
 *   <li>A blank summary counts as missing (an ALERT then gets the generated one); a blank alertKey
 *       counts as missing, so such events are not grouped under "".
 *   <li>severity must be a JSON integer from 1 to 5; anything else is INVALID_FIELD (ilert would
 *       answer 400, so this saves the request and says why).
 *   <li>With forwardMessagePayload, integrationKey and apiKey are left out of the forwarded copy:
 *       customDetails are shown to everyone who can see the alert.
 * </ul>
 */
public final class EventMapper {

  /** Values larger than this are skipped with TOO_LARGE (1 MiB; Kafka's default is 1 MB). */
  public static final int MAX_RECORD_BYTES = 1_048_576;

  /** Deeper JSON is skipped with INVALID_JSON, bounding parser work and stack use. */
  public static final int MAX_NESTING_DEPTH = 100;

  public static final String ALERT = "ALERT";
  public static final String ACCEPT = "ACCEPT";
  public static final String RESOLVE = "RESOLVE";
  public static final String COMMENT = "COMMENT";

  // Payload fields passed through unchanged apart from a type check, in body order.
  private static final String[] ARRAY_FIELDS = {"images", "links"};
  private static final String[] TRAILING_ARRAY_FIELDS = {"services", "comments"};

  private final String eventKey;
  private final String[] alertKeyPath;
  private final String[] summaryPath;
  private final String[] etypePath;
  private final String valAlert;
  private final String valAccept;
  private final String valResolve;
  private final PayloadFilter filter;
  private final boolean forwardPayload;
  private final boolean forwardHeaders;

  /**
   * Blank options count as not given.
   *
   * @throws IllegalArgumentException if eventKey cannot be used as a key, or filterVal is given
   *     without filterKey (forwarding everything instead of filtering would page people)
   */
  public EventMapper(MappingConfig config) {
    this.eventKey = given(config.eventKey());
    if (eventKey != null && JsonRecords.keyProblem(eventKey) != null) {
      throw new IllegalArgumentException(
          "event key " + Redaction.key(eventKey) + " " + JsonRecords.keyProblem(eventKey));
    }
    this.alertKeyPath = path(config.mapKeyAlertKey());
    this.summaryPath = path(config.mapKeySummary());
    this.etypePath = path(config.mapKeyEtype());
    this.valAlert = given(config.mapValEtypeAlert());
    this.valAccept = given(config.mapValEtypeAccept());
    this.valResolve = given(config.mapValEtypeResolve());
    this.filter = new PayloadFilter(given(config.filterKey()), given(config.filterVal()));
    this.forwardPayload = config.forwardMessagePayload();
    this.forwardHeaders = config.forwardHeaders();
  }

  static String given(String option) {
    return option == null || option.isBlank() ? null : option;
  }

  private static String[] path(String option) {
    String p = given(option);
    return p == null ? null : p.split("\\.", -1);
  }

  /**
   * Why {@code key} cannot serve as an integration key (it becomes a URL path segment), or null
   * when it can. The configuration checks --event_key and -b with it.
   */
  public static String keyProblem(String key) {
    return JsonRecords.keyProblem(key);
  }

  /**
   * Maps one record. Never throws: every problem, expected or not, becomes a {@link
   * MappingResult.Skip} whose detail holds neither the payload nor a key in clear.
   *
   * @param key the record key, may be null
   * @param value the record value, may be null (tombstone)
   */
  public MappingResult map(String topic, int partition, long offset, byte[] key, byte[] value) {
    return map(topic, partition, offset, key, value, List.of());
  }

  /** As {@link #map(String, int, long, byte[], byte[])}, with the record's headers for --forward_headers. */
  public MappingResult map(
      String topic, int partition, long offset, byte[] key, byte[] value, List<RecordHeader> headers) {
    try {
      return mapOrThrow(topic, partition, offset, key, value, headers);
    } catch (Rejection r) {
      return r.toSkip();
    } catch (RuntimeException | JsonProcessingException e) {
      // A bug or a Jackson corner case must cost one record, not the consumer.
      return new MappingResult.Skip(
          SkipReason.INVALID_JSON, "cannot map record: " + e.getClass().getSimpleName());
    }
  }

  private MappingResult mapOrThrow(
      String topic, int partition, long offset, byte[] key, byte[] value, List<RecordHeader> headers)
      throws JsonProcessingException {
    ObjectNode payload = JsonRecords.parseObject(value);
    filter.apply(payload);
    String integrationKey = eventKey != null ? eventKey : JsonRecords.integrationKey(payload);

    String eventType = eventType(payload);
    String summary = pick(payload, summaryPath, "summary");
    if (summary != null && summary.isBlank()) {
      summary = null;
    }
    if (summary == null && ALERT.equals(eventType)) {
      summary = "New alert from " + topic;
    }
    String alertKey = pick(payload, alertKeyPath, "alertKey");
    if (alertKey != null && alertKey.isBlank()) {
      alertKey = null;
    }

    // Built in ilert's field order; child nodes are shared with the payload, not copied.
    ObjectNode body = JsonRecords.NODES.objectNode();
    body.put("integrationKey", integrationKey);
    body.put("eventType", eventType);
    putIfPresent(body, "summary", summary);
    putIfPresent(body, "details", text(payload, "details"));
    putIfPresent(body, "alertKey", alertKey);
    putIfPresent(body, "priority", priority(payload));
    JsonNode severity = severity(payload);
    if (severity != null) {
      body.set("severity", severity);
    }
    for (String field : ARRAY_FIELDS) {
      setIfPresent(body, field, array(payload, field));
    }
    body.set("customDetails", withHeaders(customDetails(payload, topic, partition, offset, key), headers));
    putIfPresent(body, "routingKey", text(payload, "routingKey"));
    setIfPresent(body, "labels", labels(payload));
    for (String field : TRAILING_ARRAY_FIELDS) {
      setIfPresent(body, field, array(payload, field));
    }
    return new MappingResult.Event(
        integrationKey, alertKey, eventType, JsonRecords.WRITER.writeValueAsBytes(body));
  }

  private String eventType(ObjectNode payload) {
    String mapped = stringAt(payload, etypePath);
    String raw;
    if (mapped != null) {
      raw = mapped;
    } else {
      JsonNode node = payload.get("eventType");
      if (JsonRecords.isAbsent(node)) {
        return ALERT;
      }
      if (!node.isTextual()) {
        throw new Rejection(
            SkipReason.UNKNOWN_EVENT_TYPE,
            "eventType is " + JsonTypes.name(node) + ", not ALERT, ACCEPT, RESOLVE or COMMENT");
      }
      raw = node.textValue();
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
            "eventType " + JsonRecords.quote(raw) + " is not ALERT, ACCEPT, RESOLVE or COMMENT");
    }
  }

  private static String priority(ObjectNode payload) {
    JsonNode node = payload.get("priority");
    if (JsonRecords.isAbsent(node)) {
      return null;
    }
    if (!node.isTextual()) {
      throw new Rejection(
          SkipReason.UNKNOWN_PRIORITY,
          "priority is " + JsonTypes.name(node) + ", not HIGH or LOW");
    }
    String raw = node.textValue();
    if (raw.isBlank()) {
      return null;
    }
    String upper = raw.toUpperCase(Locale.ROOT);
    if (upper.equals("HIGH") || upper.equals("LOW")) {
      return upper;
    }
    throw new Rejection(
        SkipReason.UNKNOWN_PRIORITY, "priority " + JsonRecords.quote(raw) + " is not HIGH or LOW");
  }

  private static JsonNode severity(ObjectNode payload) {
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
  private static String pick(ObjectNode payload, String[] path, String field) {
    String mapped = stringAt(payload, path);
    return mapped != null ? mapped : text(payload, field);
  }

  /** Walks nested objects; anything but a string at the end counts as not found. */
  private static String stringAt(ObjectNode payload, String[] path) {
    JsonNode node = JsonRecords.at(payload, path);
    return node != null && node.isTextual() ? node.textValue() : null;
  }

  /** A string field; numbers and booleans become their text, objects and arrays are refused. */
  private static String text(ObjectNode payload, String field) {
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

  private static JsonNode array(ObjectNode payload, String field) {
    JsonNode node = payload.get(field);
    if (JsonRecords.isAbsent(node)) {
      return null;
    }
    if (!node.isArray()) {
      throw invalidType(field, "an array", node);
    }
    return node;
  }

  private static JsonNode labels(ObjectNode payload) {
    JsonNode node = payload.get("labels");
    if (JsonRecords.isAbsent(node)) {
      return null;
    }
    if (!node.isObject()) {
      throw invalidType("labels", "an object", node);
    }
    return node;
  }

  private JsonNode customDetails(
      ObjectNode payload, String topic, int partition, long offset, byte[] key) {
    JsonNode given = payload.get("customDetails");
    if (!JsonRecords.isAbsent(given)) {
      if (!given.isObject()) {
        throw invalidType("customDetails", "an object", given);
      }
      return given;
    }
    if (forwardPayload) {
      if (!payload.has("integrationKey") && !payload.has("apiKey")) {
        return payload;
      }
      // Shallow copy without the keys: only references to the child nodes are copied.
      ObjectNode copy = JsonRecords.NODES.objectNode();
      for (Iterator<Map.Entry<String, JsonNode>> it = payload.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!e.getKey().equals("integrationKey") && !e.getKey().equals("apiKey")) {
          copy.set(e.getKey(), e.getValue());
        }
      }
      return copy;
    }
    ObjectNode meta = JsonRecords.NODES.objectNode();
    meta.put("messageKey", key == null ? null : new String(key, StandardCharsets.UTF_8));
    meta.put("topic", topic);
    meta.put("partition", partition);
    meta.put("offset", offset);
    return meta;
  }

  /**
   * With --forward_headers: customDetails.headers holds the record headers, values decoded as UTF-8
   * (invalid bytes replaced); of a repeated header the last value wins. The given customDetails are
   * copied, never changed in place, since they may be the payload itself.
   */
  private JsonNode withHeaders(JsonNode details, List<RecordHeader> headers) {
    if (!forwardHeaders || headers.isEmpty()) {
      return details;
    }
    ObjectNode copy = ((ObjectNode) details).deepCopy();
    ObjectNode map = copy.putObject("headers");
    for (RecordHeader h : headers) {
      map.put(h.key(), h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8));
    }
    return copy;
  }

  private static Rejection invalidType(String field, String expected, JsonNode node) {
    return new Rejection(
        SkipReason.INVALID_FIELD,
        field + " must be " + expected + ", not " + JsonTypes.name(node));
  }

  private static void putIfPresent(ObjectNode body, String field, String value) {
    if (value != null) {
      body.put(field, value);
    }
  }

  private static void setIfPresent(ObjectNode body, String field, JsonNode value) {
    if (value != null) {
      body.set(field, value);
    }
  }
}
