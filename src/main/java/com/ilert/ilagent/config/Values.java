package com.ilert.ilagent.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Converts raw text into typed values, the same way for every source. Each method throws a {@link
 * ConfigException} that names the source of the bad value.
 */
public final class Values {
  // Kafka's own rule for topic names; checking it here turns a typo into a clear start-up error
  // instead of a consumer that silently waits on a topic that can never exist.
  private static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9._-]{1,249}");

  private Values() {}

  static String nonBlank(RawValue v) throws ConfigException {
    String s = v.text().trim();
    if (s.isEmpty()) {
      throw v.problem("must not be empty");
    }
    return s;
  }

  static long longInRange(RawValue v, long min, long max) throws ConfigException {
    return longInRange(v, min, max, max == Long.MAX_VALUE);
  }

  static int intInRange(RawValue v, int min, int max) throws ConfigException {
    return (int) longInRange(v, min, max, max == Integer.MAX_VALUE);
  }

  private static long longInRange(RawValue v, long min, long max, boolean unbounded)
      throws ConfigException {
    String expected =
        unbounded
            ? "expected an integer of at least " + min
            : "expected an integer from " + min + " to " + max;
    long n;
    try {
      n = Long.parseLong(v.text().trim());
    } catch (NumberFormatException e) {
      throw v.invalid(expected);
    }
    if (n < min || n > max) {
      throw v.invalid(expected);
    }
    return n;
  }

  static int port(RawValue v) throws ConfigException {
    try {
      return intInRange(v, 1, 65535);
    } catch (ConfigException e) {
      throw v.invalid("expected a port 1-65535");
    }
  }

  static boolean bool(RawValue v) throws ConfigException {
    String s = v.text().trim().toLowerCase(Locale.ROOT);
    return switch (s) {
      case "true" -> true;
      case "false" -> false;
      default -> throw v.invalid("expected true or false");
    };
  }

  /** One of a fixed set of lower-case words; returns the word. */
  static String oneOf(RawValue v, String... allowed) throws ConfigException {
    String s = v.text().trim();
    for (String a : allowed) {
      if (a.equals(s)) {
        return a;
      }
    }
    throw v.invalid("expected one of " + String.join(", ", allowed));
  }

  /**
   * An absolute http(s) base URL without trailing slash, because clients append paths such as
   * {@code /v1/events} to it.
   */
  /** An absolute http(s) base URL without query or fragment; trailing slashes removed. */
  public static String baseUrl(RawValue v) throws ConfigException {
    String s = v.text().trim();
    URI uri;
    try {
      uri = new URI(s);
    } catch (URISyntaxException e) {
      throw v.invalid("expected an absolute http or https URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
      throw v.invalid("expected an absolute http or https URL");
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw v.invalid("expected a base URL without query or fragment");
    }
    while (s.endsWith("/")) {
      s = s.substring(0, s.length() - 1);
    }
    return s;
  }

  /** Comma-separated entries; an empty text is an empty list, an empty entry is a mistake. */
  static List<String> list(RawValue v) throws ConfigException {
    List<String> out = new ArrayList<>();
    if (v.text().isBlank()) {
      return out;
    }
    for (String part : v.text().split(",", -1)) {
      String entry = part.trim();
      if (entry.isEmpty()) {
        throw v.problem(
            RawValue.quote(v.text()) + " has an empty entry in its comma-separated list");
      }
      out.add(entry);
    }
    return out;
  }

  static List<String> topics(RawValue v) throws ConfigException {
    Set<String> topics = new LinkedHashSet<>();
    for (String t : list(v)) {
      if (!TOPIC.matcher(t).matches()) {
        throw v.problem(
            RawValue.quote(t)
                + " is not a valid Kafka topic name"
                + " (letters, digits, '.', '_', '-'; at most 249)");
      }
      topics.add(t);
    }
    return List.copyOf(topics);
  }
}
