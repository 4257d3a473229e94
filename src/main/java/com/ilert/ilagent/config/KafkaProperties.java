package com.ilert.ilagent.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Rules for the pass-through Kafka client properties. Their values may be passwords (SASL JAAS
 * config, keystore passwords), so no message here ever contains a value.
 */
public final class KafkaProperties {
  private KafkaProperties() {}

  /** Splits a --kafka_property argument at the first '='; the value may contain more '='. */
  static String[] splitFlag(String arg, String source) throws ConfigException {
    int eq = arg.indexOf('=');
    if (eq < 0) {
      throw new ConfigException(source + ": expected KEY=VALUE (value not shown)");
    }
    String key = arg.substring(0, eq).trim();
    if (key.isEmpty()) {
      throw new ConfigException(source + ": expected KEY=VALUE, the key is empty");
    }
    return new String[] {key, arg.substring(eq + 1)};
  }

  /**
   * Property name of an ILAGENT_KAFKA_PROPERTY_ variable: the rest of the name, lower-cased, with
   * underscores as dots ({@code SASL_MECHANISM} is {@code sasl.mechanism}). Kafka property names
   * are lower-case and dotted, so nothing expressible is lost.
   */
  static String fromEnvName(String envName) throws ConfigException {
    String rest = envName.substring(Setting.ENV_KAFKA_PROPERTY_PREFIX.length());
    if (rest.isEmpty() || rest.startsWith("_") || rest.endsWith("_")) {
      throw new ConfigException(
          envName
              + ": expected "
              + Setting.ENV_KAFKA_PROPERTY_PREFIX
              + "<NAME>, e.g. ILAGENT_KAFKA_PROPERTY_SASL_MECHANISM for sasl.mechanism");
    }
    return rest.toLowerCase(Locale.ROOT).replace('_', '.');
  }

  /** Checks the merged properties and returns them as an immutable, ordered map. */
  static Map<String, String> validate(Map<String, RawValue> merged) throws ConfigException {
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, RawValue> e : merged.entrySet()) {
      String key = e.getKey();
      RawValue v = e.getValue();
      if (key.isBlank() || key.chars().anyMatch(Character::isWhitespace)) {
        throw v.problem("Kafka property name " + RawValue.quote(key) + " is not valid");
      }
      OwnedKafkaProperty owned = OwnedKafkaProperty.of(key);
      if (owned != null) {
        throw v.problem(
            "Kafka property " + RawValue.quote(key) + " is set by the agent; " + owned.advice());
      }
      out.put(key, v.text());
    }
    return Collections.unmodifiableMap(out);
  }
}
