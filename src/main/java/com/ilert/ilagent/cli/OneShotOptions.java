package com.ilert.ilagent.cli;

import com.ilert.ilagent.config.ConfigException;
import com.ilert.ilagent.config.DeliveryConfig;
import com.ilert.ilagent.config.RawValue;
import com.ilert.ilagent.config.Setting;
import com.ilert.ilagent.config.Values;
import com.ilert.ilagent.mapping.EventMapper;
import com.ilert.ilagent.proxy.Proxies;
import com.ilert.ilagent.proxy.ProxyUrl;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The options {@code event} and {@code heartbeat} share. picocli keeps every value as text; {@link
 * #resolve} checks them and reports the first problem the way the daemon does ("--option: what is
 * wrong"), never with a key in it.
 */
final class OneShotOptions {
  /** Read when -k is not given, as other ilert tools do. */
  static final String ENV_KEY = "ILERT_INTEGRATION_KEY";

  static final int MAX_TIMEOUT_MS = 600_000;

  @Option(
      names = {"-k", "--integration_key"},
      paramLabel = "KEY",
      description =
          "Integration key (event) or heartbeat key (heartbeat). Default: env " + ENV_KEY + ".")
  String key;

  @Option(
      names = "--api_url",
      paramLabel = "URL",
      description =
          "Base URL of the ilert API. Default: "
              + DeliveryConfig.DEFAULT_API_URL
              + " (env: ILAGENT_API_URL, ILERT_API_URL).")
  String apiUrl;

  @Option(
      names = "--heartbeat_url",
      paramLabel = "URL",
      description =
          "Base URL of the ilert heartbeat API. Default: "
              + DeliveryConfig.DEFAULT_HEARTBEAT_URL
              + " (env: ILAGENT_HEARTBEAT_URL, ILERT_HEARTBEAT_URL).")
  String heartbeatUrl;

  @Option(
      names = "--request_timeout_ms",
      paramLabel = "MS",
      description =
          "Bound on the whole request to ilert (connect, send, answer), 1-"
              + MAX_TIMEOUT_MS
              + ". Default: 10000.")
  String requestTimeoutMs;

  @Option(
      names = "--proxy",
      paramLabel = "URL",
      description =
          "HTTP proxy, e.g. http://user:password@proxy:3128 (env: ILAGENT_PROXY); wins over"
              + " HTTPS_PROXY, HTTP_PROXY and ALL_PROXY, which are read as well (NO_PROXY applies).")
  String proxy;

  @Option(
      names = {"-v", "--verbose"},
      description = "More log output on stderr; repeat for more.")
  boolean[] verbose = new boolean[0];

  /**
   * The checked values.
   *
   * @param proxies the proxies to use; their {@code problems()} are worth a warning
   */
  record Resolved(
      String key,
      String apiUrl,
      String heartbeatUrl,
      long requestTimeoutMs,
      int verbosity,
      String rustLog,
      Proxies proxies) {}

  /**
   * @param globalVerbosity -v given before the command
   */
  Resolved resolve(Map<String, String> env, int globalVerbosity) throws ConfigException {
    return new Resolved(
        key(env),
        url(apiUrl, "--api_url", Setting.API_URL, env),
        url(heartbeatUrl, "--heartbeat_url", Setting.HEARTBEAT_URL, env),
        timeout(),
        verbose.length + globalVerbosity,
        env.get("RUST_LOG"),
        proxies(env));
  }

  /** --proxy, else ILAGENT_PROXY, else the proxy variables; the value is never shown. */
  private Proxies proxies(Map<String, String> env) throws ConfigException {
    String source = "--proxy";
    String text = proxy;
    if (text == null && env.get(Setting.PROXY.envName()) != null) {
      source = Setting.PROXY.envName();
      text = env.get(source);
    }
    try {
      return Proxies.resolve(text == null ? null : ProxyUrl.parse(text), env);
    } catch (ProxyUrl.Invalid e) {
      throw new ConfigException(source + ": " + e.getMessage());
    }
  }

  private String key(Map<String, String> env) throws ConfigException {
    String source = "--integration_key";
    String k = key;
    if (k == null) {
      k = env.get(ENV_KEY);
      source = ENV_KEY;
      if (k == null) {
        throw new ConfigException("--integration_key: missing; give -k KEY or set " + ENV_KEY);
      }
    }
    k = k.trim();
    if (k.isEmpty()) {
      throw new ConfigException(source + ": must not be empty");
    }
    String problem = EventMapper.keyProblem(k);
    if (problem != null) {
      throw new ConfigException(source + ": the key " + problem);
    }
    return k;
  }

  /** Flag, then the daemon's ILAGENT_ variable, then the ilert-wide one, then the default. */
  private static String url(String flag, String flagName, Setting setting, Map<String, String> env)
      throws ConfigException {
    if (flag != null) {
      return baseUrl(flag, flagName);
    }
    for (String name : new String[] {setting.envName(), setting.envAlias()}) {
      if (env.get(name) != null) {
        return baseUrl(env.get(name), name);
      }
    }
    return setting.defaultValue();
  }

  private long timeout() throws ConfigException {
    if (requestTimeoutMs == null) {
      return Long.parseLong(Setting.REQUEST_TIMEOUT_MS.defaultValue());
    }
    String expected =
        "--request_timeout_ms: expected an integer from 1 to "
            + MAX_TIMEOUT_MS
            + ", got \""
            + requestTimeoutMs
            + "\"";
    try {
      long ms = Long.parseLong(requestTimeoutMs.trim());
      if (ms < 1 || ms > MAX_TIMEOUT_MS) {
        throw new ConfigException(expected);
      }
      return ms;
    } catch (NumberFormatException e) {
      throw new ConfigException(expected);
    }
  }

  /** The daemon's URL rule, so both commands accept and refuse the same URLs. */
  static String baseUrl(String text, String source) throws ConfigException {
    return Values.baseUrl(new RawValue(text, source, false));
  }

  /** Whether {@code s} is an absolute http or https URL with a host. */
  static boolean isHttpUrl(String s) {
    try {
      URI uri = new URI(s);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      return (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null;
    } catch (URISyntaxException e) {
      return false;
    }
  }
}
