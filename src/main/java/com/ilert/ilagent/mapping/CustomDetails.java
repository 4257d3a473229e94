package com.ilert.ilagent.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Builds an event's customDetails, what ilert shows with the alert: the payload's own customDetails
 * object if it has one; else, with --forward_message_payload, the payload without integrationKey
 * and apiKey (customDetails are shown to everyone who can see the alert); else where the record
 * came from (message key, topic, partition, offset). With --forward_headers the record headers are
 * added. Immutable.
 */
final class CustomDetails {
  private final boolean forwardPayload;
  private final boolean forwardHeaders;

  CustomDetails(boolean forwardPayload, boolean forwardHeaders) {
    this.forwardPayload = forwardPayload;
    this.forwardHeaders = forwardHeaders;
  }

  /** The customDetails for one record; may be (part of) the payload itself, not a copy. */
  JsonNode of(
      ObjectNode payload,
      String topic,
      int partition,
      long offset,
      byte[] key,
      List<RecordHeader> headers) {
    return withHeaders(details(payload, topic, partition, offset, key), headers);
  }

  private JsonNode details(
      ObjectNode payload, String topic, int partition, long offset, byte[] key) {
    JsonNode given = EventFields.object(payload, "customDetails");
    if (given != null) {
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
}
