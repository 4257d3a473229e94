package com.ilert.ilagent.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The raw values one source (defaults, config file, environment or flags) gives, not yet converted.
 * Sources are merged by {@link #overlay}, so precedence is one line in {@link ConfigLoader} and
 * conversion happens once, on the merged result.
 */
public final class RawSettings {
  private static final String DEFAULT_SOURCE = "default of ";

  private final Map<Setting, RawValue> values = new EnumMap<>(Setting.class);
  // Kafka properties merge per key (a file's TLS settings survive an env var that adds SASL).
  private final Map<String, RawValue> kafkaProperties = new LinkedHashMap<>();
  private final List<ConfigNote> notes = new ArrayList<>();

  /** The built-in defaults, as raw text so they pass the same conversion as everything else. */
  public static RawSettings defaults() {
    RawSettings d = new RawSettings();
    for (Setting s : Setting.values()) {
      if (s.defaultValue() != null) {
        d.put(s, new RawValue(s.defaultValue(), DEFAULT_SOURCE + s.flagName(), false));
      }
    }
    return d;
  }

  public RawSettings put(Setting setting, RawValue value) {
    if (setting == Setting.KAFKA_PROPERTY) {
      throw new IllegalArgumentException("use putKafkaProperty");
    }
    values.put(setting, value);
    return this;
  }

  public RawSettings putKafkaProperty(String key, RawValue value) {
    kafkaProperties.put(key, value);
    return this;
  }

  /** The value, or null when this source (or the merge) has none. */
  public RawValue get(Setting setting) {
    return values.get(setting);
  }

  public Map<String, RawValue> kafkaProperties() {
    return Collections.unmodifiableMap(kafkaProperties);
  }

  /** Something to log once logging is set up. */
  public RawSettings note(ConfigNote note) {
    notes.add(note);
    return this;
  }

  public List<ConfigNote> notes() {
    return Collections.unmodifiableList(notes);
  }

  /** The value if a source gave it, null if it is missing or only the built-in default. */
  public RawValue given(Setting setting) {
    RawValue v = values.get(setting);
    return v == null || v.source().startsWith(DEFAULT_SOURCE) ? null : v;
  }

  /**
   * A new merge of this and {@code higher}; values of {@code higher} win, per setting and per key.
   */
  public RawSettings overlay(RawSettings higher) {
    RawSettings merged = new RawSettings();
    merged.notes.addAll(notes);
    merged.notes.addAll(higher.notes);
    merged.values.putAll(values);
    merged.values.putAll(higher.values);
    merged.kafkaProperties.putAll(kafkaProperties);
    merged.kafkaProperties.putAll(higher.kafkaProperties);
    return merged;
  }
}
