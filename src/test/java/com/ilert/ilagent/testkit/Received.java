package com.ilert.ilagent.testkit;

import io.vertx.core.json.JsonObject;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * One request {@link IlertStandIn} received and what it answered.
 *
 * @param sequence arrival order, from 0
 * @param kind what the path addresses
 * @param query the raw query string, or null
 * @param integrationKey from the path, or from the body's {@code integrationKey}/{@code apiKey} for
 *     {@code POST /api/events}; null if none
 * @param body the body as a JSON object, or null if it is empty or not a JSON object
 * @param rawBody the body as text ("" if empty)
 * @param headers request headers; lookups ignore case, repeated headers are joined with ","
 * @param status the status answered, {@link #NOT_ANSWERED} (hanging, or still delayed) or {@link
 *     #DROPPED}
 * @param correlationId the {@code correlation-id} sent with a 202, else null
 */
public record Received(
    long sequence,
    Kind kind,
    String method,
    String path,
    String query,
    String integrationKey,
    JsonObject body,
    String rawBody,
    Map<String, String> headers,
    long receivedAtNanos,
    int status,
    String correlationId) {

  /** What a request addresses. */
  public enum Kind {
    /** {@code POST /api/v1/events/kafka/{key}} or {@code POST /api/events}. */
    EVENT,
    /** {@code HEAD /beat/pings/{key}} or {@code GET /api/heartbeats/{key}}. */
    PING,
    /**
     * {@code POST /api/users/search-email}, {@code GET /api/escalation-policies/resolve} or {@code
     * PUT /api/escalation-policies/{id}/levels/{level}}.
     */
    POLICY,
    /** Anything else (answered 404). */
    OTHER
  }

  public static final int NOT_ANSWERED = 0;
  public static final int DROPPED = -1;

  public boolean isEvent() {
    return kind == Kind.EVENT;
  }

  public boolean isPing() {
    return kind == Kind.PING;
  }

  public boolean isPolicy() {
    return kind == Kind.POLICY;
  }

  /** {@code PUT /api/escalation-policies/{id}/levels/{level}}. */
  public boolean isLevelUpdate() {
    return kind == Kind.POLICY && method.equals("PUT");
  }

  /** The {@code Authorization} header, or null. */
  public String authorization() {
    return headers.get("Authorization");
  }

  /** A query parameter, decoded, or null. */
  public String queryParam(String name) {
    if (query == null) {
      return null;
    }
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      if (key.equals(name)) {
        return eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      }
    }
    return null;
  }

  /** A string field of the body, or null. */
  public String field(String name) {
    return body == null ? null : body.getValue(name) instanceof String s ? s : null;
  }

  /** The body's {@code eventType}. */
  public String eventType() {
    return field("eventType");
  }

  /** The body's {@code alertKey}. */
  public String alertKey() {
    return field("alertKey");
  }

  /** The body's {@code summary}. */
  public String summary() {
    return field("summary");
  }

  Received withStatus(int newStatus, String newCorrelationId) {
    return new Received(
        sequence,
        kind,
        method,
        path,
        query,
        integrationKey,
        body,
        rawBody,
        headers,
        receivedAtNanos,
        newStatus,
        newCorrelationId);
  }

  /** One line for failure messages and the stand-in's console, with the key masked. */
  public String describe() {
    return IlertStandIn.describe(this);
  }
}
