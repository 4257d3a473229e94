package com.ilert.ilagent.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * {@code --filter_key K} / {@code --filter_val V}: keeps only payloads with the top-level key K
 * (whose value, with V, is the string V). Shared by the event and the escalation-policy mapping.
 */
final class PayloadFilter {
  private final String key;
  private final String value;
  // Built once: the filter may drop almost every record.
  private final String missingDetail;
  private final String mismatchDetail;

  /** Both may be null (no filter); a value needs a key. */
  PayloadFilter(String key, String value) {
    if (value != null && key == null) {
      throw new IllegalArgumentException("filter value given without a filter key");
    }
    this.key = key;
    this.value = value;
    this.missingDetail = key == null ? null : "no top-level key " + JsonRecords.quote(key);
    this.mismatchDetail = value == null ? null : JsonRecords.quote(key) + " is not " + JsonRecords.quote(value);
  }

  /** @throws Rejection with FILTERED when the payload does not pass */
  void apply(ObjectNode payload) {
    if (key == null) {
      return;
    }
    JsonNode v = payload.get(key);
    if (v == null) {
      throw new Rejection(SkipReason.FILTERED, missingDetail);
    }
    if (value != null && !(v.isTextual() && value.equals(v.textValue()))) {
      throw new Rejection(SkipReason.FILTERED, mismatchDetail);
    }
  }
}
