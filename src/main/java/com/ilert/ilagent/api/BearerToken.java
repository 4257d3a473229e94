package com.ilert.ilagent.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;

/**
 * The token the HTTP API's endpoints require, as {@code Authorization: Bearer <token>}. Compared
 * through SHA-256 digests with {@link MessageDigest#isEqual}, in constant time whatever the length
 * and content of the presented token, so timing tells an attacker nothing about it. Pure.
 */
final class BearerToken {
  private static final String SCHEME = "bearer ";

  private final byte[] digest;

  /**
   * @param token the token, or null when the endpoints are open
   */
  BearerToken(String token) {
    this.digest = token == null ? null : sha256(token);
  }

  /** Whether the endpoints require a token. */
  boolean required() {
    return digest != null;
  }

  /** Whether a request with this Authorization header (or none: null) may pass. */
  boolean admits(String authorization) {
    if (digest == null) {
      return true;
    }
    if (authorization == null
        || authorization.length() < SCHEME.length()
        || !authorization.substring(0, SCHEME.length()).toLowerCase(Locale.ROOT).equals(SCHEME)) {
      return false;
    }
    return MessageDigest.isEqual(digest, sha256(authorization.substring(SCHEME.length()).trim()));
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
