package com.ilert.ilagent.mapping;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.ilert.ilagent.redaction.Redaction;
import java.util.List;

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
 *
 * <p>This class puts the body together in ilert's field order; {@link EventTypeMapping} finds the
 * event type, {@link EventFields} reads and checks the other fields, {@link CustomDetails} builds
 * customDetails.
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
  private final EventTypeMapping eventTypes;
  private final PayloadFilter filter;
  private final CustomDetails customDetails;

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
    this.eventTypes =
        new EventTypeMapping(
            path(config.mapKeyEtype()),
            given(config.mapValEtypeAlert()),
            given(config.mapValEtypeAccept()),
            given(config.mapValEtypeResolve()));
    this.filter = new PayloadFilter(given(config.filterKey()), given(config.filterVal()));
    this.customDetails = new CustomDetails(config.forwardMessagePayload(), config.forwardHeaders());
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

  /**
   * As {@link #map(String, int, long, byte[], byte[])}, with the record's headers for
   * --forward_headers.
   */
  public MappingResult map(
      String topic,
      int partition,
      long offset,
      byte[] key,
      byte[] value,
      List<RecordHeader> headers) {
    try {
      return mapOrThrow(topic, partition, offset, key, value, headers);
    } catch (Rejection r) {
      return r.toSkip();
    } catch (RuntimeException | JsonProcessingException e) {
      return Rejection.unexpected(e);
    }
  }

  private MappingResult mapOrThrow(
      String topic,
      int partition,
      long offset,
      byte[] key,
      byte[] value,
      List<RecordHeader> headers)
      throws JsonProcessingException {
    ObjectNode payload = JsonRecords.parseObject(value);
    filter.apply(payload);
    String integrationKey = eventKey != null ? eventKey : JsonRecords.integrationKey(payload);

    String eventType = eventTypes.of(payload);
    String summary = EventFields.pick(payload, summaryPath, "summary");
    if (summary != null && summary.isBlank()) {
      summary = null;
    }
    if (summary == null && ALERT.equals(eventType)) {
      summary = "New alert from " + topic;
    }
    String alertKey = EventFields.pick(payload, alertKeyPath, "alertKey");
    if (alertKey != null && alertKey.isBlank()) {
      alertKey = null;
    }

    // Built in ilert's field order; child nodes are shared with the payload, not copied.
    ObjectNode body = JsonRecords.NODES.objectNode();
    body.put("integrationKey", integrationKey);
    body.put("eventType", eventType);
    putIfPresent(body, "summary", summary);
    putIfPresent(body, "details", EventFields.text(payload, "details"));
    putIfPresent(body, "alertKey", alertKey);
    putIfPresent(body, "priority", EventFields.priority(payload));
    JsonNode severity = EventFields.severity(payload);
    if (severity != null) {
      body.set("severity", severity);
    }
    for (String field : ARRAY_FIELDS) {
      setIfPresent(body, field, EventFields.array(payload, field));
    }
    body.set("customDetails", customDetails.of(payload, topic, partition, offset, key, headers));
    putIfPresent(body, "routingKey", EventFields.text(payload, "routingKey"));
    setIfPresent(body, "labels", EventFields.object(payload, "labels"));
    for (String field : TRAILING_ARRAY_FIELDS) {
      setIfPresent(body, field, EventFields.array(payload, field));
    }
    return new MappingResult.Event(
        integrationKey, alertKey, eventType, JsonRecords.WRITER.writeValueAsBytes(body));
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
