package com.ilert.ilagent.config;

import java.util.regex.Pattern;

/** The settings of the -p server beyond its port: where it listens, and the HTTP API's token. */
final class HttpSettings {
  /** Every interface, as the Rust program binds. */
  static final String ALL_INTERFACES = "0.0.0.0";

  // A host name or an IPv4/IPv6 literal; nothing a listen call would read as something else.
  private static final Pattern ADDRESS = Pattern.compile("[A-Za-z0-9._:%-]+");

  // RFC 6750's token characters: what fits "Authorization: Bearer <token>" unquoted.
  private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9._~+/-]+=*");

  private HttpSettings() {}

  static String bindAddress(RawSettings raw, Integer port) throws ConfigException {
    RawValue v = raw.get(Setting.BIND_ADDRESS);
    if (v == null) {
      return ALL_INTERFACES;
    }
    needsPort(v, port);
    String address = Values.nonBlank(v);
    if (address.startsWith("[") && address.endsWith("]")) {
      address = address.substring(1, address.length() - 1);
    }
    if (!ADDRESS.matcher(address).matches()) {
      throw v.invalid("expected an IP address or a host name");
    }
    return address;
  }

  /** The token, or null; no message shows it. */
  static String apiToken(RawSettings raw, Integer port) throws ConfigException {
    RawValue v = raw.get(Setting.HTTP_API_TOKEN);
    if (v == null) {
      return null;
    }
    needsPort(v, port);
    String token = v.text().trim();
    if (token.isEmpty()) {
      throw v.problem("must not be empty");
    }
    if (!TOKEN.matcher(token).matches()) {
      throw v.problem(
          "may hold only letters, digits and - . _ ~ + / (and = at its end), as a bearer token"
              + " does");
    }
    return token;
  }

  private static void needsPort(RawValue v, Integer port) throws ConfigException {
    if (port == null) {
      throw v.problem("needs -p/--port (the HTTP server it is for)");
    }
  }
}
