package com.ilert.ilagent.ilert;

import com.ilert.ilagent.Version;
import com.ilert.ilagent.proxy.Proxies;
import com.ilert.ilagent.proxy.ProxyUrl;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.ProxyOptions;
import io.vertx.core.net.ProxyType;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sends single requests to ilert: events and heartbeat pings. One instance (one keep-alive pool)
 * serves the whole agent. A network error or timeout fails the returned future; every HTTP answer,
 * whatever its status, succeeds it, so callers classify answers in one place. The request timeout
 * bounds each whole exchange (connect, send, answer headers and body), and at most {@link
 * #MAX_BODY_BYTES} of an answer body are read ({@link #MAX_POLICY_BODY_BYTES} of an
 * escalation-policy look-up's, which is parsed).
 *
 * <p>The Vert.x core HTTP client, not WebClient: WebClient's timeouts are idle timeouts, so an
 * answer trickling in would hold a delivery slot past the request timeout; this one bounds the
 * whole exchange. Their cost per request is about the same (docs/architecture.md, "No WebClient").
 */
public final class IlertClient implements IlertApi {
  /** Answer bodies kept in memory; more is not read (the connection is closed instead). */
  static final int MAX_BODY_BYTES = 64 * 1024;

  /**
   * Escalation-policy answers are parsed, not only logged: ilert returns a policy with its levels
   * and each level's users and schedules as whole objects (about 0.5-1 KB a user), so a policy of
   * 20 levels with 50 users each is about 1 MB. 4 MiB holds four times that; policy updates of a
   * partition go one at a time, so only a few such answers are in memory at once.
   */
  static final int MAX_POLICY_BODY_BYTES = 4 * 1024 * 1024;

  private static final String LEGACY_HEARTBEAT_PREFIX = "il1hbt";

  /** Bounds the per-key path cache; ilert keys are few, a flood of made-up ones just resets it. */
  private static final int MAX_CACHED_PATHS = 10_000;

  private final Vertx vertx;
  private final HttpClientAgent client;
  private final Base api;
  private final Base heartbeat;
  private final long requestTimeoutMs;
  private final String userAgent = Version.userAgent();
  private final Map<String, String> eventPaths = new ConcurrentHashMap<>();

  /**
   * Scheme, host, port and path prefix of a base URL, and the proxy its requests go through (null:
   * direct), decided once: both depend only on the base URL.
   */
  private record Base(String host, int port, boolean ssl, String path, ProxyOptions proxy) {
    static Base parse(String url, Proxies proxies) {
      URI uri = URI.create(stripSlash(url));
      boolean ssl = "https".equalsIgnoreCase(uri.getScheme());
      if (!ssl && !"http".equalsIgnoreCase(uri.getScheme())) {
        throw new IllegalArgumentException("not an http(s) URL: " + url);
      }
      int port = uri.getPort() > 0 ? uri.getPort() : ssl ? 443 : 80;
      String path = uri.getRawPath() == null ? "" : stripSlash(uri.getRawPath());
      return new Base(
          uri.getHost(), port, ssl, path, proxyOptions(proxies.forTarget(ssl, uri.getHost())));
    }

    /**
     * An HTTP proxy: Vert.x tunnels https requests with CONNECT and sends http requests in absolute
     * form; either way the proxy resolves ilert's host name, and gets the credentials as {@code
     * Proxy-Authorization: Basic}.
     */
    private static ProxyOptions proxyOptions(ProxyUrl proxy) {
      if (proxy == null) {
        return null;
      }
      ProxyOptions options =
          new ProxyOptions().setType(ProxyType.HTTP).setHost(proxy.host()).setPort(proxy.port());
      if (proxy.hasCredentials()) {
        options.setUsername(proxy.username()).setPassword(proxy.password());
      }
      return options;
    }
  }

  /** A client that reaches ilert directly. */
  public IlertClient(
      Vertx vertx, String apiUrl, String heartbeatUrl, int maxConnections, long requestTimeoutMs) {
    this(vertx, apiUrl, heartbeatUrl, maxConnections, requestTimeoutMs, Proxies.NONE);
  }

  /** A client that reaches ilert through the proxies that apply to its URLs. */
  public IlertClient(
      Vertx vertx,
      String apiUrl,
      String heartbeatUrl,
      int maxConnections,
      long requestTimeoutMs,
      Proxies proxies) {
    this.vertx = vertx;
    this.api = Base.parse(apiUrl, proxies);
    this.heartbeat = Base.parse(heartbeatUrl, proxies);
    this.requestTimeoutMs = requestTimeoutMs;
    HttpClientOptions options =
        new HttpClientOptions()
            .setKeepAlive(true)
            .setTcpNoDelay(true)
            .setConnectTimeout((int) Math.min(requestTimeoutMs, Integer.MAX_VALUE))
            .setDecompressionSupported(true);
    PoolOptions pool = new PoolOptions().setHttp1MaxSize(Math.max(1, maxConnections));
    this.client = vertx.createHttpClient(options, pool);
  }

  /** POST {api}/v1/events/kafka/{integrationKey} with the event JSON as body. */
  @Override
  public Future<IlertAnswer> sendEvent(String integrationKey, byte[] body) {
    String path = eventPaths.get(integrationKey);
    if (path == null) {
      if (eventPaths.size() >= MAX_CACHED_PATHS) {
        eventPaths.clear();
      }
      path = api.path() + "/v1/events/kafka/" + encode(integrationKey);
      eventPaths.put(integrationKey, path);
    }
    return send(request(HttpMethod.POST, api, path, true), Buffer.buffer(body));
  }

  /** POST {api}/events with the key in the body: the generic endpoint of the one-shot command. */
  @Override
  public Future<IlertAnswer> sendGenericEvent(byte[] body) {
    return send(request(HttpMethod.POST, api, api.path() + "/events", true), Buffer.buffer(body));
  }

  /**
   * Pings a heartbeat: legacy keys (il1hbt...) with GET {api}/heartbeats/{key}, heartbeat monitor
   * keys with HEAD {heartbeat}/pings/{key}.
   */
  @Override
  public Future<IlertAnswer> ping(String key) {
    RequestOptions request =
        key.startsWith(LEGACY_HEARTBEAT_PREFIX)
            ? request(HttpMethod.GET, api, api.path() + "/heartbeats/" + encode(key), false)
            : request(
                HttpMethod.HEAD, heartbeat, heartbeat.path() + "/pings/" + encode(key), false);
    return send(request, null);
  }

  /**
   * A request to {@code {api}{pathAndQuery}} with a JSON body (or none) and the given Authorization
   * header, on the same pool as events; the answer keeps its body (up to the cap) for parsing. For
   * {@link PolicyClient}.
   */
  Future<HttpAnswer> api(
      HttpMethod method, String pathAndQuery, String authorization, Buffer jsonBody) {
    RequestOptions options =
        request(method, api, api.path() + pathAndQuery, jsonBody != null)
            .putHeader("Authorization", authorization);
    if (jsonBody == null) {
      options.putHeader("Accept", "application/json");
    }
    return exchange(options, jsonBody, MAX_POLICY_BODY_BYTES);
  }

  public void close() {
    client.close();
  }

  private RequestOptions request(HttpMethod method, Base base, String path, boolean json) {
    RequestOptions options =
        new RequestOptions()
            .setMethod(method)
            .setHost(base.host())
            .setPort(base.port())
            .setSsl(base.ssl())
            .setURI(path)
            .setProxyOptions(base.proxy())
            .putHeader("User-Agent", userAgent);
    if (json) {
      options.putHeader("Content-Type", "application/json").putHeader("Accept", "application/json");
    }
    return options;
  }

  private Future<IlertAnswer> send(RequestOptions options, Buffer body) {
    return exchange(options, body, MAX_BODY_BYTES).map(HttpAnswer::toIlertAnswer);
  }

  /** One request and its whole answer, bounded in time and size; see {@link BoundedExchange}. */
  Future<HttpAnswer> exchange(RequestOptions options, Buffer body, int maxBodyBytes) {
    return new BoundedExchange(vertx, client, requestTimeoutMs, maxBodyBytes).start(options, body);
  }

  private static String encode(String key) {
    return URLEncoder.encode(key, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String stripSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}
