package com.ilert.ilagent.proxy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The hosts that bypass the proxy ({@code NO_PROXY}), matched by the rules of the Rust program's
 * HTTP client (reqwest, after curl):
 *
 * <ul>
 *   <li>Entries are comma-separated; blanks around them are ignored.
 *   <li>An IP address ({@code 10.1.2.3}, {@code ::1}) or network ({@code 10.0.0.0/8}, {@code
 *       fd00::/8}) matches hosts given as an IP address in it.
 *   <li>{@code *} matches every host.
 *   <li>Any other entry is a domain: {@code example.com} and {@code .example.com} both match
 *       example.com and every subdomain (www.example.com), never notexample.com. Case does not
 *       matter.
 *   <li>Ports are not part of the match: the host is compared without its port, so an entry with a
 *       port ({@code example.com:443}) matches nothing, as in reqwest.
 * </ul>
 *
 * Nothing here resolves a name: a host name is matched as a name, an IP address as an address.
 * Deviation from reqwest: there {@code *} is matched against names only, so hosts given as an IP
 * address still went through the proxy; here {@code *} means what curl documents, every host.
 */
public final class NoProxy {
  public static final NoProxy NONE = new NoProxy(List.of(), List.of(), false);

  private static final Pattern IPV4 =
      Pattern.compile(
          "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");

  private final List<String> domains;
  private final List<Network> networks;
  private final boolean all;

  private record Network(byte[] address, int prefixBits) {
    boolean contains(byte[] ip) {
      if (ip.length != address.length) {
        return false;
      }
      int bits = prefixBits;
      for (int i = 0; i < ip.length && bits > 0; i++, bits -= 8) {
        int mask = bits >= 8 ? 0xFF : (0xFF << (8 - bits)) & 0xFF;
        if ((ip[i] & mask) != (address[i] & mask)) {
          return false;
        }
      }
      return true;
    }
  }

  private NoProxy(List<String> domains, List<Network> networks, boolean all) {
    this.domains = domains;
    this.networks = networks;
    this.all = all;
  }

  /** The list as {@code NO_PROXY} gives it; null or blank means no host bypasses the proxy. */
  public static NoProxy parse(String list) {
    if (list == null || list.isBlank()) {
      return NONE;
    }
    List<String> domains = new ArrayList<>();
    List<Network> networks = new ArrayList<>();
    boolean all = false;
    for (String part : list.split(",")) {
      String entry = part.trim();
      if (entry.isEmpty()) {
        continue;
      }
      if (entry.equals("*")) {
        all = true;
        continue;
      }
      Network network = network(entry);
      if (network != null) {
        networks.add(network);
      } else {
        domains.add(entry.toLowerCase(Locale.ROOT));
      }
    }
    return new NoProxy(List.copyOf(domains), List.copyOf(networks), all);
  }

  /** Whether a request to {@code host} (a name, an IP address, or [IPv6]) bypasses the proxy. */
  public boolean matches(String host) {
    if (all) {
      return true;
    }
    String h =
        host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    byte[] ip = literal(h);
    if (ip != null) {
      for (Network n : networks) {
        if (n.contains(ip)) {
          return true;
        }
      }
      return false;
    }
    String name = h.toLowerCase(Locale.ROOT);
    for (String d : domains) {
      String bare = d.startsWith(".") ? d.substring(1) : d;
      if (name.equals(bare)) {
        return true;
      }
      if (name.endsWith(d)
          && (d.startsWith(".") || name.charAt(name.length() - d.length() - 1) == '.')) {
        return true;
      }
    }
    return false;
  }

  public boolean isEmpty() {
    return !all && domains.isEmpty() && networks.isEmpty();
  }

  /** An address or CIDR network, or null when the entry is neither (then it is a domain). */
  private static Network network(String entry) {
    int slash = entry.indexOf('/');
    String address = slash < 0 ? entry : entry.substring(0, slash);
    byte[] ip = literal(address);
    if (ip == null) {
      return null;
    }
    int bits = ip.length * 8;
    if (slash >= 0) {
      String prefix = entry.substring(slash + 1);
      if (prefix.isEmpty() || prefix.length() > 3 || !prefix.chars().allMatch(Character::isDigit)) {
        return null;
      }
      bits = Integer.parseInt(prefix);
      if (bits > ip.length * 8) {
        return null;
      }
    }
    return new Network(ip, bits);
  }

  /** The bytes of an IPv4 or IPv6 literal; null for anything else. Never a DNS look-up. */
  static byte[] literal(String s) {
    try {
      if (IPV4.matcher(s).matches()) {
        return InetAddress.getByName(s).getAddress();
      }
      if (s.indexOf(':') >= 0
          && s.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
        // In brackets the JDK parses the text as an IPv6 literal or refuses it; it never looks it
        // up.
        byte[] ip = InetAddress.getByName("[" + s + "]").getAddress();
        return ip;
      }
    } catch (UnknownHostException e) {
      return null;
    }
    return null;
  }
}
