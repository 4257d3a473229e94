package com.ilert.ilagent.util;

/** Masks secrets (integration keys, passwords) before they reach a log line. */
public final class Mask {
  private Mask() {}

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

  /** The first character of an e-mail's local part and its domain: enough to find the person, not to spam them. */
  public static String email(String email) {
    int at = email == null ? -1 : email.lastIndexOf('@');
    if (at <= 0) {
      return "****";
    }
    return email.charAt(0) + "***" + email.substring(at);
  }
}
