package com.ilert.ilagent.proxy;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * An HTTP proxy: where it listens and, optionally, the user and password it wants (sent as {@code
 * Proxy-Authorization: Basic}). {@link #toString} never shows the credentials; nothing else should
 * print them either.
 *
 * @param host a name or an IP address; an IPv6 address without brackets
 * @param username null when the URL has no credentials
 * @param password null when the URL has no credentials; "" when it has a user only
 */
public record ProxyUrl(String host, int port, String username, String password) {

  /**
   * Where the URL came from and what went wrong; never holds the URL, which may hold a password.
   */
  public static final class Invalid extends Exception {
    private static final long serialVersionUID = 1L;

    Invalid(String message) {
      super(message, null, false, false);
    }
  }

  public boolean hasCredentials() {
    return username != null;
  }

  /**
   * Parses a proxy URL as the Rust program's HTTP client does: {@code
   * http://[user[:password]@]host[:port]}, the scheme optional ({@code proxy:3128} means {@code
   * http://proxy:3128}), port 80 by default, user and password percent-decoded, any path ignored.
   *
   * @throws Invalid with a message that does not repeat the value
   */
  public static ProxyUrl parse(String text) throws Invalid {
    String s = text == null ? "" : text.trim();
    if (s.isEmpty()) {
      throw new Invalid("is empty");
    }
    int schemeEnd = s.indexOf("://");
    if (schemeEnd >= 0) {
      String scheme = s.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
      switch (scheme) {
        case "http" -> {}
        case "https" ->
            throw new Invalid(
                "a proxy reached over TLS (https://) is not supported; use http://"
                    + " (requests to https URLs still go through the proxy encrypted, with CONNECT)");
        case "socks4", "socks4a", "socks5", "socks5h" ->
            throw new Invalid(
                "SOCKS proxies are not supported; use an HTTP proxy (http://host:port)");
        default ->
            throw new Invalid(
                "expected an http:// proxy URL such as http://proxy.example.com:3128");
      }
      s = s.substring(schemeEnd + 3);
    }
    int slash = firstOf(s, "/?#");
    String authority = slash < 0 ? s : s.substring(0, slash);
    String username = null;
    String password = null;
    int at = authority.lastIndexOf('@');
    if (at >= 0) {
      String userInfo = authority.substring(0, at);
      authority = authority.substring(at + 1);
      int colon = userInfo.indexOf(':');
      username = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
      password = colon < 0 ? "" : decode(userInfo.substring(colon + 1));
    }
    String host;
    String port = null;
    if (authority.startsWith("[")) {
      int close = authority.indexOf(']');
      if (close < 0) {
        throw new Invalid("has an IPv6 address without its closing ']'");
      }
      host = authority.substring(0, close + 1);
      String rest = authority.substring(close + 1);
      if (!rest.isEmpty()) {
        if (!rest.startsWith(":")) {
          throw new Invalid("expected [IPv6]:PORT after the credentials");
        }
        port = rest.substring(1);
      }
    } else {
      int colon = authority.lastIndexOf(':');
      host = colon < 0 ? authority : authority.substring(0, colon);
      port = colon < 0 ? null : authority.substring(colon + 1);
    }
    if (host.isEmpty() || !validHost(host)) {
      throw new Invalid("has no valid proxy host name");
    }
    if (host.startsWith("[")) {
      host = host.substring(1, host.length() - 1);
    }
    return new ProxyUrl(host, port == null ? 80 : port(port), username, password);
  }

  /** {@code http://host:port}, with {@code ****@} in place of any credentials. */
  @Override
  public String toString() {
    String h = host.contains(":") ? "[" + host + "]" : host;
    return "http://" + (hasCredentials() ? "****@" : "") + h + ":" + port;
  }

  private static int port(String text) throws Invalid {
    if (text.isEmpty() || text.length() > 5 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new Invalid("has no valid port (1-65535)");
    }
    int port = Integer.parseInt(text);
    if (port < 1 || port > 65535) {
      throw new Invalid("has no valid port (1-65535)");
    }
    return port;
  }

  private static boolean validHost(String host) {
    if (host.startsWith("[")) {
      return host.length() > 2
          && host.substring(1, host.length() - 1)
              .chars()
              .allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.');
    }
    return host.chars()
        .allMatch(
            c ->
                (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '.'
                    || c == '-'
                    || c == '_');
  }

  private static String decode(String s) throws Invalid {
    try {
      // URLDecoder turns '+' into a space, which is form encoding, not URL encoding.
      return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new Invalid("has a malformed %-escape in its credentials");
    }
  }

  private static int firstOf(String s, String chars) {
    for (int i = 0; i < s.length(); i++) {
      if (chars.indexOf(s.charAt(i)) >= 0) {
        return i;
      }
    }
    return -1;
  }
}
