package com.ilert.ilagent.proxy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Which proxy a request to ilert goes through, if any. Built once at start-up from {@code --proxy}
 * and the environment the way the Rust program's HTTP client (reqwest) reads it:
 *
 * <ul>
 *   <li>{@code HTTPS_PROXY} for https URLs, {@code HTTP_PROXY} for http URLs, {@code ALL_PROXY} for
 *       both where the scheme's own variable is not set; each upper-case name before its lower-case
 *       form ({@code https_proxy}, ...). An empty variable counts as not set.
 *   <li>{@code NO_PROXY} (or {@code no_proxy}): hosts that are reached directly, see {@link
 *       NoProxy}.
 *   <li>{@code --proxy URL} replaces the proxy variables for both schemes; {@code NO_PROXY} still
 *       applies.
 * </ul>
 *
 * A variable whose value is not a usable proxy URL is ignored, as reqwest ignores it, with a
 * warning for the log ({@link #problems}); a bad {@code --proxy} is the caller's configuration
 * error. Pure: the environment comes in as a map.
 *
 * @param http proxy for http:// URLs, or null
 * @param https proxy for https:// URLs (tunnelled with CONNECT), or null
 * @param problems one line per ignored variable, without its value
 */
public record Proxies(ProxyUrl http, ProxyUrl https, NoProxy noProxy, List<String> problems) {

  public static final Proxies NONE = new Proxies(null, null, NoProxy.NONE, List.of());

  public Proxies {
    noProxy = noProxy == null ? NoProxy.NONE : noProxy;
    problems = List.copyOf(problems);
  }

  /**
   * @param explicit the {@code --proxy} value, already parsed, or null
   * @param env the process environment
   */
  public static Proxies resolve(ProxyUrl explicit, Map<String, String> env) {
    List<String> problems = new ArrayList<>();
    NoProxy noProxy = NoProxy.parse(first(env, "NO_PROXY", "no_proxy"));
    if (explicit != null) {
      return new Proxies(explicit, explicit, noProxy, problems);
    }
    ProxyUrl all = fromEnv(env, problems, "ALL_PROXY", "all_proxy");
    ProxyUrl http = fromEnv(env, problems, "HTTP_PROXY", "http_proxy");
    ProxyUrl https = fromEnv(env, problems, "HTTPS_PROXY", "https_proxy");
    return new Proxies(http != null ? http : all, https != null ? https : all, noProxy, problems);
  }

  /** The proxy for a request to {@code host} over https ({@code ssl}) or http; null: go direct. */
  public ProxyUrl forTarget(boolean ssl, String host) {
    ProxyUrl proxy = ssl ? https : http;
    return proxy == null || noProxy.matches(host) ? null : proxy;
  }

  public boolean isEmpty() {
    return http == null && https == null;
  }

  /** The proxies without their credentials, for logs and {@code toString}. */
  @Override
  public String toString() {
    return "Proxies[http="
        + http
        + ", https="
        + https
        + ", noProxy="
        + (noProxy.isEmpty() ? "none" : "set")
        + "]";
  }

  private static ProxyUrl fromEnv(
      Map<String, String> env, List<String> problems, String upper, String lower) {
    String name = env.get(upper) != null && !env.get(upper).isBlank() ? upper : lower;
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      return ProxyUrl.parse(value);
    } catch (ProxyUrl.Invalid e) {
      problems.add(name + " " + e.getMessage() + "; ignored, requests it would cover go direct");
      return null;
    }
  }

  private static String first(Map<String, String> env, String upper, String lower) {
    String v = env.get(upper);
    return v != null && !v.isBlank() ? v : env.get(lower);
  }
}
