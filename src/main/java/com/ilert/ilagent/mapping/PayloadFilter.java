package com.ilert.ilagent.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * {@code --filter_key K} / {@code --filter_val V}: keeps only payloads with the top-level key K
 * (whose value, with V, is the string V). Shared by the event and the escalation-policy mapping.
 */
public final class PayloadFilter {
  private final String key;
  private final String value;
  // Built once: the filter may drop almost every record.
  private final String missingDetail;
  private final String mismatchDetail;

  /**
   * What is wrong with this filter, or null: a value needs a key (forwarding everything instead of
   * filtering would page people). Configuration checks it to name the option.
   */
  public static String problem(String key, String value) {
    return value != null && key == null
        ? "needs --filter_key (the key whose value is compared)"
        : null;
  }

  /** Both may be null (no filter); see {@link #problem}. */
  PayloadFilter(String key, String value) {
    String problem = problem(key, value);
    if (problem != null) {
      throw new IllegalArgumentException("--filter_val " + problem);
    }
    this.key = key;
    this.value = value;
    this.missingDetail = key == null ? null : "no top-level key " + JsonRecords.quote(key);
    this.mismatchDetail =
        value == null ? null : JsonRecords.quote(key) + " is not " + JsonRecords.quote(value);
  }

  /**
   * @throws Rejection with FILTERED when the payload does not pass
   */
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
