package com.ilert.ilagent.testkit;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A real HTTP forward proxy on a random loopback port, for proving that the agent goes through a
 * proxy: {@code CONNECT host:port} tunnels (https), absolute-form requests ({@code POST
 * http://host:port/path}) are forwarded (http). Host names can be made known to the proxy only
 * ({@link #resolve}), so a request that arrives at the target must have come through the proxy.
 *
 * <pre>{@code
 * try (ForwardProxy proxy = new ForwardProxy().resolve("ilert.invalid", "127.0.0.1")
 *     .requireCredentials("ops", "s3cret").start()) {
 *   // HTTP_PROXY=proxy.url("ops", "s3cret"), --api_url http://ilert.invalid:<port>/api
 *   assertThat(proxy.proxied()).extracting(ForwardProxy.Proxied::target).contains("ilert.invalid:" + port);
 * }
 * }</pre>
 *
 * Every request is recorded ({@link #proxied()}) with whether its {@code Proxy-Authorization} was
 * right and what was answered: 407 for missing or wrong credentials, 502 when the target cannot be
 * reached, 400 for a request that is not meant for a proxy.
 */
public final class ForwardProxy implements AutoCloseable {

  /**
   * One request the proxy received.
   *
   * @param method CONNECT for a tunnel, else the forwarded request's method
   * @param target host:port as the client named it
   * @param authorized whether the request carried the required credentials (true when none are
   *     required)
   * @param status what the proxy answered (200 for an established tunnel)
   */
  public record Proxied(String method, String target, boolean authorized, int status) {}

  /** Hop-by-hop headers: meant for the proxy, never forwarded. */
  private static final Set<String> HOP_BY_HOP = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);

  static {
    HOP_BY_HOP.addAll(
        List.of(
            "Connection",
            "Keep-Alive",
            "Proxy-Authorization",
            "Proxy-Authenticate",
            "Proxy-Connection",
            "TE",
            "Trailer",
            "Transfer-Encoding",
            "Upgrade"));
  }

  private final Vertx vertx = Vertx.vertx();
  private final Map<String, String> hosts = new ConcurrentHashMap<>();
  private final List<Proxied> proxied = Collections.synchronizedList(new ArrayList<>());
  private volatile String expectedAuthorization;
  private HttpServer server;
  private HttpClient client;
  private NetClient net;

  /** Makes {@code name} resolve to {@code address} inside the proxy (and nowhere else). */
  public ForwardProxy resolve(String name, String address) {
    hosts.put(name.toLowerCase(java.util.Locale.ROOT), address);
    return this;
  }

  /** Requests without {@code Proxy-Authorization: Basic <user:password>} are answered 407. */
  public ForwardProxy requireCredentials(String user, String password) {
    expectedAuthorization =
        "Basic "
            + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    return this;
  }

  public ForwardProxy start() {
    client = vertx.createHttpClient();
    net = vertx.createNetClient();
    server =
        vertx
            .createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
            .requestHandler(this::handle);
    join(server.listen());
    return this;
  }

  public int port() {
    return server.actualPort();
  }

  /** {@code http://127.0.0.1:<port>}, for HTTP_PROXY and friends. */
  public String url() {
    return "http://127.0.0.1:" + port();
  }

  /** The URL with credentials in it, percent-encoded. */
  public String url(String user, String password) {
    return "http://" + encode(user) + ":" + encode(password) + "@127.0.0.1:" + port();
  }

  /** Everything proxied so far, in arrival order. */
  public List<Proxied> proxied() {
    synchronized (proxied) {
      return new ArrayList<>(proxied);
    }
  }

  /**
   * Waits until at least {@code n} requests were proxied, then returns them all: a request is
   * listed once its answer came back, after the stand-in saw it.
   */
  public List<Proxied> awaitProxied(int n, Duration timeout) {
    org.awaitility.Awaitility.await()
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(20))
        .until(() -> proxied().size() >= n);
    return proxied();
  }

  @Override
  public void close() {
    if (server != null) {
      join(server.close());
    }
    join(vertx.close());
  }

  private void handle(HttpServerRequest req) {
    boolean connect = req.method() == HttpMethod.CONNECT;
    String target = connect ? req.uri() : authorityOf(req.uri());
    if (target == null) {
      answer(req, "?", true, 400);
      return;
    }
    String expected = expectedAuthorization;
    boolean authorized = expected == null || expected.equals(req.getHeader("Proxy-Authorization"));
    if (!authorized) {
      req.response().putHeader("Proxy-Authenticate", "Basic realm=\"test\"");
      answer(req, target, false, 407);
      return;
    }
    int colon = target.lastIndexOf(':');
    String host = colon < 0 ? target : target.substring(0, colon);
    int port = colon < 0 ? 80 : Integer.parseInt(target.substring(colon + 1));
    String address = hosts.getOrDefault(host.toLowerCase(java.util.Locale.ROOT), host);
    if (connect) {
      tunnel(req, target, address, port);
    } else {
      forward(req, target, address, port);
    }
  }

  private void tunnel(HttpServerRequest req, String target, String address, int port) {
    req.pause();
    net.connect(port, address)
        .onComplete(
            ar -> {
              if (ar.failed()) {
                answer(req, target, true, 502);
                return;
              }
              NetSocket upstream = ar.result();
              // Recorded before the client gets its 200: what a client saw answered must be
              // recorded.
              proxied.add(new Proxied("CONNECT", target, true, 200));
              req.toNetSocket()
                  .onComplete(
                      down -> {
                        if (down.failed()) {
                          upstream.close();
                          return;
                        }
                        NetSocket downstream = down.result();
                        downstream.pipeTo(upstream);
                        upstream.pipeTo(downstream);
                      });
            });
  }

  private void forward(HttpServerRequest req, String target, String address, int port) {
    URI uri = URI.create(req.uri());
    String path =
        (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
            + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    req.headers()
        .forEach(
            (name, value) -> {
              if (!HOP_BY_HOP.contains(name)) {
                headers.add(name, value);
              }
            });
    req.body()
        .compose(
            body ->
                client
                    .request(
                        new RequestOptions()
                            .setMethod(req.method())
                            .setHost(address)
                            .setPort(port)
                            .setURI(path)
                            .setHeaders(headers))
                    .compose(upstream -> upstream.send(body))
                    .compose(response -> response.body().map(b -> copy(req, target, response, b))))
        .onFailure(err -> answer(req, target, true, 502));
  }

  private int copy(HttpServerRequest req, String target, HttpClientResponse response, Buffer body) {
    proxied.add(new Proxied(req.method().name(), target, true, response.statusCode()));
    req.response().setStatusCode(response.statusCode());
    response
        .headers()
        .forEach(
            (name, value) -> {
              if (!HOP_BY_HOP.contains(name) && !name.equalsIgnoreCase("Content-Length")) {
                req.response().headers().add(name, value);
              }
            });
    if (req.method() == HttpMethod.HEAD) {
      req.response().end();
    } else {
      req.response().end(body);
    }
    return response.statusCode();
  }

  private void answer(HttpServerRequest req, String target, boolean authorized, int status) {
    proxied.add(new Proxied(req.method().name(), target, authorized, status));
    req.response().setStatusCode(status).end();
  }

  /** host:port of an absolute-form request target, or null for an origin-form one. */
  private static String authorityOf(String requestTarget) {
    if (!requestTarget.startsWith("http://")) {
      return null;
    }
    URI uri = URI.create(requestTarget);
    return uri.getHost() + ":" + (uri.getPort() > 0 ? uri.getPort() : 80);
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static void join(Future<?> future) {
    try {
      future
          .toCompletionStage()
          .toCompletableFuture()
          .get(Duration.ofSeconds(10).toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("forward proxy: " + e, e);
    }
  }
}
