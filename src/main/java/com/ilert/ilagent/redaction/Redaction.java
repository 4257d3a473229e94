package com.ilert.ilagent.redaction;

import java.util.Locale;
import java.util.Map;

/**
 * Keeps secrets out of log lines and messages. Integration keys and e-mail addresses are masked, so
 * that an operator can still tell them apart; Kafka client secrets (passwords, JAAS lines, keys)
 * are replaced, piece by piece, in messages that quote configuration, such as parser errors.
 */
public final class Redaction {
  private Redaction() {}

  /**
   * Shows at most the first 4 and the last 2 characters of a key, and nothing of a key shorter than
   * 12 characters, so a log line lets an operator tell keys apart without leaking them.
   */
  public static String key(String key) {
    if (key == null) {
      return "<none>";
    }
    if (key.length() < 12) {
      return "****";
    }
    return key.substring(0, 4) + "****" + key.substring(key.length() - 2);
  }

  /** {@code text} with every occurrence of {@code key} masked as by {@link #key}. */
  public static String keyIn(String text, String key) {
    if (text == null || key == null || key.isEmpty() || !text.contains(key)) {
      return text;
    }
    return text.replace(key, key(key));
  }

  /**
   * The first character of an e-mail's local part and its domain: enough to find the person, not to
   * spam them.
   */
  public static String email(String email) {
    int at = email == null ? -1 : email.lastIndexOf('@');
    if (at <= 0) {
      return "****";
    }
    return email.charAt(0) + "***" + email.substring(at);
  }

  /** Whether a Kafka client property holds a secret (passwords, JAAS lines, keys). */
  public static boolean isSecretProperty(String property) {
    String p = property.toLowerCase(Locale.ROOT);
    return p.contains("password")
        || p.contains("jaas")
        || p.contains("secret")
        || p.endsWith(".key")
        || p.contains("token")
        || p.contains("credential");
  }

  /**
   * Replaces every piece of a secret property's value that appears in {@code message}: Kafka's JAAS
   * parser, for one, quotes the token it choked on, which may be part of a password.
   */
  public static String secretsIn(String message, Map<String, String> kafkaProperties) {
    String out = message;
    for (Map.Entry<String, String> e : kafkaProperties.entrySet()) {
      if (!isSecretProperty(e.getKey()) || e.getValue() == null) {
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
