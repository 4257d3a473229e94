package com.ilert.ilagent.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The --kafka_brokers list as librdkafka (the Rust program's Kafka client) reads it: {@code
 * host:port}, {@code host} alone (port 9092) and either with a protocol prefix ({@code
 * PLAINTEXT://host:port}, {@code SSL://}, {@code SASL_PLAINTEXT://}, {@code SASL_SSL://}). The Java
 * client takes neither form, so entries are normalised to {@code host:port}; a prefix names the
 * security protocol, which must then agree with {@code security.protocol}.
 *
 * @param hostPorts the entries as {@code host:port}, in the order given
 * @param protocol the protocol the prefixes name (upper case), or null when no entry has one
 */
record BrokerList(List<String> hostPorts, String protocol) {
  static final int DEFAULT_PORT = 9092;
  static final String SECURITY_PROTOCOL = "security.protocol";
  private static final Set<String> PROTOCOLS =
      Set.of("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL");
  private static final String FORMS =
      "HOST[:PORT] or PROTOCOL://HOST[:PORT] (PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL)";

  BrokerList {
    hostPorts = List.copyOf(hostPorts);
  }

  static BrokerList parse(RawValue v) throws ConfigException {
    List<String> entries = Values.list(v);
    if (entries.isEmpty()) {
      throw v.problem("expected at least one " + FORMS);
    }
    List<String> out = new ArrayList<>();
    String protocol = null;
    String protocolEntry = null;
    for (String entry : entries) {
      String rest = entry;
      int scheme = entry.indexOf("://");
      if (scheme >= 0) {
        String p = entry.substring(0, scheme).toUpperCase(Locale.ROOT);
        if (!PROTOCOLS.contains(p)) {
          throw v.problem(RawValue.quote(entry) + " is not " + FORMS);
        }
        if (protocol != null && !protocol.equals(p)) {
          // One client speaks one security protocol to every broker.
          throw v.problem(
              RawValue.quote(protocolEntry)
                  + " and "
                  + RawValue.quote(entry)
                  + " name different protocols");
        }
        protocol = p;
        protocolEntry = entry;
        rest = entry.substring(scheme + 3);
      }
      out.add(hostPort(v, entry, rest));
    }
    return new BrokerList(out, protocol);
  }

  private static String hostPort(RawValue v, String entry, String text) throws ConfigException {
    String host = text;
    String port = null;
    if (text.startsWith("[")) {
      // An IPv6 address has colons of its own and must be bracketed: [::1]:9092 or [::1].
      int close = text.indexOf(']');
      if (close < 0) {
        throw v.problem(RawValue.quote(entry) + " is not " + FORMS);
      }
      host = text.substring(0, close + 1);
      String after = text.substring(close + 1);
      if (!after.isEmpty()) {
        if (!after.startsWith(":")) {
          throw v.problem(RawValue.quote(entry) + " is not " + FORMS);
        }
        port = after.substring(1);
      }
    } else {
      int colon = text.lastIndexOf(':');
      if (colon >= 0) {
        host = text.substring(0, colon);
        port = text.substring(colon + 1);
      }
    }
    boolean ipv6 = host.startsWith("[") && host.endsWith("]") && host.length() > 2;
    boolean hostOk =
        !host.isEmpty()
            && (ipv6 || !host.contains(":"))
            && !host.contains("/")
            && host.chars().noneMatch(Character::isWhitespace);
    if (!hostOk) {
      throw v.problem(RawValue.quote(entry) + " is not " + FORMS);
    }
    if (port == null) {
      return host + ":" + DEFAULT_PORT;
    }
    try {
      return host + ":" + Values.port(new RawValue(port, v.source(), false));
    } catch (ConfigException e) {
      throw v.problem(RawValue.quote(entry) + " has no valid port (1-65535)");
    }
  }

  /**
   * The Kafka properties with the prefixes' protocol in {@code security.protocol}: set when the
   * properties leave it out, an error when they name another one.
   */
  Map<String, RawValue> withProtocol(RawValue brokers, Map<String, RawValue> properties)
      throws ConfigException {
    if (protocol == null) {
      return properties;
    }
    RawValue given = properties.get(SECURITY_PROTOCOL);
    if (given == null) {
      Map<String, RawValue> out = new java.util.LinkedHashMap<>(properties);
      out.put(SECURITY_PROTOCOL, new RawValue(protocol, brokers.source(), false));
      return out;
    }
    String named = given.text().trim().toUpperCase(Locale.ROOT);
    if (!named.equals(protocol)) {
      throw brokers.problem(
          "the entries say "
              + protocol
              + ", but "
              + SECURITY_PROTOCOL
              + " is "
              + RawValue.quote(given.text().trim())
              + " ("
              + given.source()
              + "); use one protocol");
    }
    return properties;
  }
}
