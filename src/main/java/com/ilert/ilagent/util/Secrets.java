package com.ilert.ilagent.util;

import java.util.Locale;
import java.util.Map;

/** Keeps Kafka client secrets out of messages that quote configuration, such as parser errors. */
public final class Secrets {
  private Secrets() {}

  /** Whether a Kafka client property holds a secret (passwords, JAAS lines, keys). */
  public static boolean isSecret(String property) {
    String p = property.toLowerCase(Locale.ROOT);
    return p.contains("password") || p.contains("jaas") || p.contains("secret") || p.endsWith(".key")
        || p.contains("token") || p.contains("credential");
  }

  /**
   * Replaces every piece of a secret property's value that appears in {@code message}: Kafka's JAAS
   * parser, for one, quotes the token it choked on, which may be part of a password.
   */
  public static String redact(String message, Map<String, String> kafkaProperties) {
    String out = message;
    for (Map.Entry<String, String> e : kafkaProperties.entrySet()) {
      if (!isSecret(e.getKey()) || e.getValue() == null) {
        continue;
      }
      out = out.replace(e.getValue(), "****");
      for (String token : e.getValue().split("[\\s;=\"']+")) {
        if (token.length() >= 4) {
          out = out.replace(token, "****");
        }
      }
    }
    return out;
  }
}
