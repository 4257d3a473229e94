package com.ilert.ilagent.ilert;

import com.ilert.ilagent.util.Version;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Sends single requests to ilert: events and heartbeat pings. One instance (one keep-alive pool)
 * serves the whole agent. A network error or timeout fails the returned future; every HTTP answer,
 * whatever its status, succeeds it, so callers classify answers in one place.
 */
public final class IlertClient {
  /** Answer bodies are logged; a proxy's HTML error page must not flood the log. */
  private static final int MAX_BODY_CHARS = 500;

  private static final String LEGACY_HEARTBEAT_PREFIX = "il1hbt";

  private final WebClient client;
  private final String apiUrl;
  private final String heartbeatUrl;
  private final long requestTimeoutMs;

  public IlertClient(
      Vertx vertx, String apiUrl, String heartbeatUrl, int maxConnections, long requestTimeoutMs) {
    this.apiUrl = stripSlash(apiUrl);
    this.heartbeatUrl = stripSlash(heartbeatUrl);
    this.requestTimeoutMs = requestTimeoutMs;
    WebClientOptions options =
        new WebClientOptions()
            .setUserAgent(Version.userAgent())
            .setKeepAlive(true)
            .setTcpNoDelay(true)
            .setConnectTimeout((int) Math.min(requestTimeoutMs, Integer.MAX_VALUE))
            .setFollowRedirects(false)
            .setDecompressionSupported(true);
    PoolOptions pool = new PoolOptions().setHttp1MaxSize(Math.max(1, maxConnections));
    this.client = WebClient.create(vertx, options, pool);
  }

  /** POST {api}/v1/events/kafka/{integrationKey} with the event JSON as body. */
  public Future<IlertAnswer> sendEvent(String integrationKey, byte[] body) {
    HttpRequest<Buffer> request =
        client
            .postAbs(apiUrl + "/v1/events/kafka/" + encode(integrationKey))
            .putHeader("Content-Type", "application/json")
            .putHeader("Accept", "application/json")
            .timeout(requestTimeoutMs);
    return request.sendBuffer(Buffer.buffer(body)).map(IlertClient::answer);
  }

  /** POST {api}/events with the key in the body: the generic endpoint of the one-shot command. */
  public Future<IlertAnswer> sendGenericEvent(byte[] body) {
    return client
        .postAbs(apiUrl + "/events")
        .putHeader("Content-Type", "application/json")
        .putHeader("Accept", "application/json")
        .timeout(requestTimeoutMs)
        .sendBuffer(Buffer.buffer(body))
        .map(IlertClient::answer);
  }

  /**
   * Pings a heartbeat: legacy keys (il1hbt...) with GET {api}/heartbeats/{key}, heartbeat monitor
   * keys with HEAD {heartbeat}/pings/{key}.
   */
  public Future<IlertAnswer> ping(String key) {
    HttpRequest<Buffer> request =
        key.startsWith(LEGACY_HEARTBEAT_PREFIX)
            ? client.requestAbs(HttpMethod.GET, apiUrl + "/heartbeats/" + encode(key))
            : client.requestAbs(HttpMethod.HEAD, heartbeatUrl + "/pings/" + encode(key));
    return request.timeout(requestTimeoutMs).send().map(IlertClient::answer);
  }

  public void close() {
    client.close();
  }

  private static IlertAnswer answer(HttpResponse<Buffer> response) {
    Buffer buffer = response.body();
    String body = "";
    if (buffer != null && buffer.length() > 0) {
      body = buffer.toString(StandardCharsets.UTF_8);
      if (body.length() > MAX_BODY_CHARS) {
        body = body.substring(0, MAX_BODY_CHARS) + "...";
      }
      body = body.replace('\n', ' ').replace('\r', ' ');
    }
    return new IlertAnswer(
        response.statusCode(),
        response.getHeader("Retry-After"),
        response.getHeader("correlation-id"),
        body);
  }

  private static String encode(String key) {
    return URLEncoder.encode(key, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String stripSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}
