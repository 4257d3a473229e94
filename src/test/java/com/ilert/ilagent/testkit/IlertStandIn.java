package com.ilert.ilagent.testkit;

import static org.awaitility.Awaitility.await;

import com.ilert.ilagent.redaction.Redaction;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PfxOptions;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A local stand-in for the ilert API (see docs/reference.md), on a random loopback port. It answers
 * like ilert, records every request, and injects faults on demand. Never talk to the real ilert in
 * tests.
 *
 * <pre>{@code
 * try (IlertStandIn ilert = new IlertStandIn().start()) {
 *   // point the agent's ilert API URL at ilert.apiUrl() and its heartbeat URL at ilert.heartbeatUrl()
 *   ilert.fault(Fault.status(503).times(2));            // first two requests fail, then 202
 *   ilert.latency(5, 50);                                // every answer 5..50 ms late
 *   List<Received> events = ilert.awaitEvents(3, Duration.ofSeconds(10));
 *   assertThat(events).extracting(Received::alertKey).containsExactly("a", "a", "b");
 * }
 * }</pre>
 *
 * <p>Endpoints: {@code POST /api/v1/events/kafka/{key}} and {@code POST /api/events} (key in the
 * body) answer 202 {@code {}} with a {@code correlation-id} header, or 400 with ilert's error body
 * for an event ilert would reject (not a JSON object, unknown eventType, ALERT without summary, no
 * key); {@code GET /api/heartbeats/{key}} and {@code HEAD /beat/pings/{key}} answer 202; anything
 * else 404.
 *
 * <p>Escalation policies (the API token is checked when {@link #requireApiToken} set one: 401
 * without {@code Authorization: Bearer <token>}):
 *
 * <pre>{@code
 * ilert.requireApiToken("token-1").user("oncall@example.com", 99).policy("powerplantthree50", 42, 0, 5);
 * // POST /api/users/search-email {"email":"oncall@example.com"}      -> 200 {"id":99,...}, unknown e-mail 404
 * // GET  /api/escalation-policies/resolve?routing-key=powerplantthree50 -> 200 {"id":42,"escalationRules":
 * //                                        [{"escalationTimeout":0,...},{"escalationTimeout":5,...}]}, unknown 404
 * // PUT  /api/escalation-policies/42/levels/1 {"escalationTimeout":5,"users":[{"id":99}]} -> 200 the rule;
 * //                                        unknown policy or a level it does not have 404
 * List<Received> puts = ilert.awaitLevelUpdates(1, Duration.ofSeconds(10));
 * }</pre>
 *
 * <p>Faults apply to these requests as to any other ({@code
 * Fault.status(503).matching(Received::isPolicy)}).
 *
 * <p>Faults ({@link Fault}) are consulted in the order installed, the first that applies wins; one
 * with {@link Fault#times(int)} stops applying when used up. A global {@link #latency(long, long)}
 * delays every answer on top of any fault delay. All methods are thread-safe; answers are delayed
 * with Vert.x timers, never by blocking the event loop.
 *
 * <p>Recordings: {@link #attempts()} every request in arrival order with the status answered (or
 * {@link Received#NOT_ANSWERED}/{@link Received#DROPPED}); {@link #received()} every request ilert
 * accepted (202, or 200 for a policy request), in answer order; {@link #events()}, {@link #pings()}
 * and {@link #levelUpdates()} the event, heartbeat and escalation-level part of that; {@link
 * #policyRequests()} every policy request whatever its answer.
 */
public final class IlertStandIn implements AutoCloseable {

  private static final String EVENTS_BY_KEY = "/api/v1/events/kafka/";
  private static final String EVENTS = "/api/events";
  private static final String LEGACY_HEARTBEATS = "/api/heartbeats/";
  private static final String PINGS = "/beat/pings/";
  private static final String USERS_SEARCH = "/api/users/search-email";
  private static final String POLICIES = "/api/escalation-policies/";
  private static final String POLICY_RESOLVE = "/api/escalation-policies/resolve";
  private static final Set<String> EVENT_TYPES = Set.of("ALERT", "ACCEPT", "RESOLVE", "COMMENT");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(10);

  private final Vertx vertx;
  private final boolean ownsVertx;
  private final int requestedPort;
  private HttpServer server;

  private final AtomicLong sequence = new AtomicLong();
  private final ConcurrentSkipListMap<Long, Received> attempts = new ConcurrentSkipListMap<>();
  private final List<Received> answered = Collections.synchronizedList(new ArrayList<>());
  private final List<InstalledFault> faults = new CopyOnWriteArrayList<>();
  private final List<Consumer<Received>> listeners = new CopyOnWriteArrayList<>();
  private volatile long latencyMinMs;
  private volatile long latencyMaxMs;
  private volatile boolean validateEvents = true;
  private volatile boolean keepRecordings = true;
  private final Map<String, Object> users = new ConcurrentHashMap<>();
  private final Map<String, Policy> policies = new ConcurrentHashMap<>();
  private volatile String apiToken;
  private volatile HttpServerOptions tls;

  /** An escalation policy: its id and the timeout of each rule (one rule per level). */
  private record Policy(long id, String routingKey, List<Integer> timeouts) {
    JsonObject toJson() {
      JsonArray rules = new JsonArray();
      timeouts.forEach(
          t ->
              rules.add(
                  new JsonObject().put("escalationTimeout", t).put("users", new JsonArray())));
      return new JsonObject()
          .put("id", id)
          .put("name", "policy " + id)
          .put("routingKey", routingKey)
          .put("escalationRules", rules);
    }
  }

  private final AtomicLong processLimited = new AtomicLong();
  private final AtomicLong keyLimited = new AtomicLong();
  private final Map<Integer, AtomicLong> answeredByStatus = new ConcurrentHashMap<>();

  /** On a random port, with a Vert.x of its own. */
  public IlertStandIn() {
    this(Vertx.vertx(), true, 0);
  }

  /** On the given port (0 = random), with a Vert.x of its own. */
  public IlertStandIn(int port) {
    this(Vertx.vertx(), true, port);
  }

  /** On a random port of a Vert.x the caller owns (and closes). */
  public IlertStandIn(Vertx vertx) {
    this(vertx, false, 0);
  }

  private IlertStandIn(Vertx vertx, boolean ownsVertx, int port) {
    this.vertx = vertx;
    this.ownsVertx = ownsVertx;
    this.requestedPort = port;
  }

  /**
   * Serves HTTPS instead of HTTP, with the key and certificate of a PKCS12 key store (e.g. {@link
   * TestCertificates#server}). Call before {@link #start()}.
   */
  public IlertStandIn tls(java.nio.file.Path keyStore, String password) {
    tls =
        new HttpServerOptions()
            .setSsl(true)
            .setKeyCertOptions(new PfxOptions().setPath(keyStore.toString()).setPassword(password));
    return this;
  }

  /** Starts listening on 127.0.0.1 and returns once it does. */
  public IlertStandIn start() {
    HttpServerOptions options = tls == null ? new HttpServerOptions() : new HttpServerOptions(tls);
    server =
        vertx
            .createHttpServer(options.setHost("127.0.0.1").setPort(requestedPort))
            .requestHandler(this::handle);
    join(server.listen(), "start the ilert stand-in");
    return this;
  }

  @Override
  public void close() {
    if (server != null) {
      join(server.close(), "close the ilert stand-in");
    }
    if (ownsVertx) {
      join(vertx.close(), "close the stand-in's Vert.x");
    }
  }

  public int port() {
    return server.actualPort();
  }

  /**
   * The agent's ilert API URL: {@code http://127.0.0.1:<port>/api} ({@code https} with {@link
   * #tls}).
   */
  public String apiUrl() {
    return apiUrl("127.0.0.1");
  }

  /** The API URL with another host name for this server, e.g. one only a proxy knows. */
  public String apiUrl(String host) {
    return scheme() + host + ":" + port() + "/api";
  }

  /** The agent's heartbeat URL: {@code http://127.0.0.1:<port>/beat}. */
  public String heartbeatUrl() {
    return heartbeatUrl("127.0.0.1");
  }

  /** The heartbeat URL with another host name for this server. */
  public String heartbeatUrl(String host) {
    return scheme() + host + ":" + port() + "/beat";
  }

  private String scheme() {
    return tls == null ? "http://" : "https://";
  }

  // ---- escalation policies ----

  /** A user that {@code POST /api/users/search-email} finds by this e-mail. */
  public IlertStandIn user(String email, long id) {
    users.put(email, id);
    return this;
  }

  /**
   * An escalation policy that {@code GET /api/escalation-policies/resolve} finds by this routing
   * key, with one rule per timeout given (level 0 first).
   */
  public IlertStandIn policy(String routingKey, long id, int... escalationTimeouts) {
    List<Integer> timeouts = new ArrayList<>();
    for (int t : escalationTimeouts) {
      timeouts.add(t);
    }
    policies.put(routingKey, new Policy(id, routingKey, List.copyOf(timeouts)));
    return this;
  }

  /** Policy requests without {@code Authorization: Bearer <token>} are answered 401. */
  public IlertStandIn requireApiToken(String token) {
    apiToken = token;
    return this;
  }

  // ---- faults ----

  /** Installs a fault after those already installed. */
  public IlertStandIn fault(Fault fault) {
    faults.add(new InstalledFault(fault));
    return this;
  }

  /** Removes every fault (not the latency). */
  public IlertStandIn clearFaults() {
    faults.clear();
    return this;
  }

  /** Every answer this much later. */
  public IlertStandIn latency(Duration fixed) {
    return latency(fixed.toMillis(), fixed.toMillis());
  }

  /** Every answer a random {@code minMs..maxMs} later. */
  public IlertStandIn latency(long minMs, long maxMs) {
    if (minMs < 0 || maxMs < minMs) {
      throw new IllegalArgumentException(
          "latency needs 0 <= min <= max, got " + minMs + ".." + maxMs);
    }
    latencyMinMs = minMs;
    latencyMaxMs = maxMs;
    return this;
  }

  public IlertStandIn noLatency() {
    return latency(0, 0);
  }

  /** With false, any event body gets a 202 (ilert would answer 400 to some). */
  public IlertStandIn validateEvents(boolean validate) {
    validateEvents = validate;
    return this;
  }

  /**
   * With false, requests are no longer kept in {@link #attempts()} and {@link #received()}; only
   * {@link #onOutcome} listeners see them. For runs of millions of requests, where the recordings
   * would fill the test JVM's heap.
   */
  public IlertStandIn keepRecordings(boolean keep) {
    keepRecordings = keep;
    return this;
  }

  /** Called (on the event loop) with each request once its outcome is known. */
  public IlertStandIn onOutcome(Consumer<Received> listener) {
    listeners.add(listener);
    return this;
  }

  // ---- recordings ----

  /** Every request, in arrival order, with what it was answered so far. */
  public List<Received> attempts() {
    return new ArrayList<>(attempts.values());
  }

  /**
   * Requests ilert accepted (202, or 2xx for a policy request), in the order they were answered.
   */
  public List<Received> received() {
    synchronized (answered) {
      return new ArrayList<>(answered);
    }
  }

  /** Events answered 202, in the order they were answered. */
  public List<Received> events() {
    return received().stream().filter(Received::isEvent).collect(Collectors.toList());
  }

  /** Heartbeat pings answered 202, in the order they were answered. */
  public List<Received> pings() {
    return received().stream().filter(Received::isPing).collect(Collectors.toList());
  }

  /** Every escalation-policy request, in arrival order, with what it was answered so far. */
  public List<Received> policyRequests() {
    return attempts().stream().filter(Received::isPolicy).collect(Collectors.toList());
  }

  /** Level updates answered 200, in the order they were answered. */
  public List<Received> levelUpdates() {
    return received().stream().filter(Received::isLevelUpdate).collect(Collectors.toList());
  }

  /** Waits until at least {@code n} level updates were answered 200; returns all of them. */
  public List<Received> awaitLevelUpdates(int n, Duration timeout) {
    return awaitList(
        "at least " + n + " level update(s) answered 200",
        this::levelUpdates,
        l -> l.size() >= n,
        timeout);
  }

  /** How many answers had this status so far (counted also without recordings). */
  public long answered(int status) {
    AtomicLong n = answeredByStatus.get(status);
    return n == null ? 0 : n.get();
  }

  /** How many requests a rate limit of this scope turned away with 429 so far. */
  public long rateLimited(Fault.Scope scope) {
    return (scope == Fault.Scope.PROCESS ? processLimited : keyLimited).get();
  }

  /** Forgets every recorded request (faults and latency stay). */
  public IlertStandIn clearRecordings() {
    synchronized (answered) {
      attempts.clear();
      answered.clear();
    }
    return this;
  }

  /** Waits until at least {@code n} events were answered 202; returns all of them. */
  public List<Received> awaitEvents(int n, Duration timeout) {
    return awaitList(
        "at least " + n + " event(s) answered 202", this::events, l -> l.size() >= n, timeout);
  }

  /**
   * Waits until at least {@code n} events that satisfy {@code which} were answered 202; returns
   * those.
   */
  public List<Received> awaitEvents(Predicate<Received> which, int n, Duration timeout) {
    Supplier<List<Received>> matching =
        () -> events().stream().filter(which).collect(Collectors.toList());
    return awaitList(
        "at least " + n + " matching event(s) answered 202", matching, l -> l.size() >= n, timeout);
  }

  /** Waits until at least {@code n} pings were answered 202; returns all of them. */
  public List<Received> awaitPings(int n, Duration timeout) {
    return awaitList(
        "at least " + n + " ping(s) answered 202", this::pings, l -> l.size() >= n, timeout);
  }

  /**
   * Waits until at least {@code n} requests arrived, whatever their answer; returns all of them.
   */
  public List<Received> awaitAttempts(int n, Duration timeout) {
    return awaitList("at least " + n + " request(s)", this::attempts, l -> l.size() >= n, timeout);
  }

  private List<Received> awaitList(
      String expected,
      Supplier<List<Received>> source,
      Predicate<List<Received>> done,
      Duration timeout) {
    try {
      return await()
          .atMost(timeout)
          .pollDelay(Duration.ZERO)
          .pollInterval(Duration.ofMillis(20))
          .until(source::get, done);
    } catch (ConditionTimeoutException e) {
      List<Received> got = source.get();
      throw new AssertionError(
          "expected "
              + expected
              + " within "
              + timeout
              + ", but got "
              + got.size()
              + lines(got)
              + "\nall requests ("
              + attempts.size()
              + "):"
              + lines(attempts()));
    }
  }

  private static String lines(List<Received> list) {
    return list.stream().map(r -> "\n  " + r.describe()).collect(Collectors.joining());
  }

  // ---- request handling ----

  private void handle(HttpServerRequest req) {
    long receivedAt = System.nanoTime();
    // The body may still be arriving; a connection closed before that is not a request ilert saw.
    req.body().onSuccess(body -> handle(req, body, receivedAt));
  }

  private void handle(HttpServerRequest req, Buffer buffer, long receivedAt) {
    String raw = buffer.toString();
    JsonObject json = parseObject(raw);
    String path = req.path();
    Received.Kind kind = Received.Kind.OTHER;
    String key = null;
    if (req.method() == HttpMethod.POST && path.startsWith(EVENTS_BY_KEY)) {
      kind = Received.Kind.EVENT;
      key = lastSegment(path, EVENTS_BY_KEY);
    } else if (req.method() == HttpMethod.POST && path.equals(EVENTS)) {
      kind = Received.Kind.EVENT;
      key = json == null ? null : json.getString("integrationKey", json.getString("apiKey"));
    } else if (req.method() == HttpMethod.GET && path.startsWith(LEGACY_HEARTBEATS)) {
      kind = Received.Kind.PING;
      key = lastSegment(path, LEGACY_HEARTBEATS);
    } else if (req.method() == HttpMethod.HEAD && path.startsWith(PINGS)) {
      kind = Received.Kind.PING;
      key = lastSegment(path, PINGS);
    }
    if (kind != Received.Kind.OTHER && key == null && !path.equals(EVENTS)) {
      kind = Received.Kind.OTHER;
    }
    if ((req.method() == HttpMethod.POST && path.equals(USERS_SEARCH))
        || (req.method() == HttpMethod.GET && path.equals(POLICY_RESOLVE))
        || (req.method() == HttpMethod.PUT && path.startsWith(POLICIES))) {
      kind = Received.Kind.POLICY;
    }
    Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    req.headers().names().forEach(n -> headers.put(n, String.join(",", req.headers().getAll(n))));
    Received request =
        new Received(
            sequence.getAndIncrement(),
            kind,
            req.method().name(),
            path,
            req.query(),
            key,
            json,
            raw,
            Collections.unmodifiableMap(headers),
            receivedAt,
            Received.NOT_ANSWERED,
            null);
    if (keepRecordings) {
      attempts.put(request.sequence(), request);
    }

    Applied applied = firstApplying(request);
    Fault fault = applied == null ? null : applied.fault();
    if (fault != null && fault.kind() == Fault.Kind.HANG) {
      outcome(request);
      return;
    }
    long delay = latency() + (fault == null ? 0 : fault.delayMs());
    if (delay > 0) {
      vertx.setTimer(delay, id -> act(req, request, applied));
    } else {
      act(req, request, applied);
    }
  }

  private void act(HttpServerRequest req, Received request, Applied applied) {
    Fault fault = applied == null ? null : applied.fault();
    HttpServerResponse resp = req.response();
    if (resp.closed()) {
      outcome(request);
      return;
    }
    if (fault != null && fault.kind() == Fault.Kind.DROP) {
      Received dropped = update(request, Received.DROPPED, null);
      req.connection().close();
      outcome(dropped);
      return;
    }
    if (fault != null && fault.kind() != Fault.Kind.DELAY) {
      fault.headers().forEach(resp::putHeader);
      if (applied.retryAfter() != null) {
        resp.putHeader("Retry-After", applied.retryAfter());
      }
      answer(req, request, fault.status(), fault.body(), null);
      return;
    }
    switch (request.kind()) {
      case EVENT -> {
        String problem = validateEvents ? problemWith(request) : null;
        if (problem != null) {
          answer(req, request, 400, error(400, problem, "BAD_EVENT"), null);
        } else {
          answer(req, request, 202, new JsonObject(), UUID.randomUUID().toString());
        }
      }
      case PING -> answer(req, request, 202, null, UUID.randomUUID().toString());
      case POLICY -> policyAnswer(req, request);
      default ->
          answer(
              req,
              request,
              404,
              error(404, "No such endpoint: " + req.method() + " " + request.path(), "NOT_FOUND"),
              null);
    }
  }

  /** The escalation-policy endpoints, as ilert answers them. */
  private void policyAnswer(HttpServerRequest req, Received request) {
    String token = apiToken;
    if (token != null && !("Bearer " + token).equals(request.authorization())) {
      answer(req, request, 401, error(401, "Missing or invalid API token", "UNAUTHORIZED"), null);
      return;
    }
    String path = request.path();
    if (path.equals(USERS_SEARCH)) {
      Object id =
          request.body() == null
              ? null
              : users.get(String.valueOf(request.body().getValue("email")));
      if (id == null) {
        answer(req, request, 404, error(404, "User not found", "NOT_FOUND"), null);
      } else {
        answer(
            req,
            request,
            200,
            new JsonObject()
                .put("id", id)
                .put("email", request.body().getValue("email"))
                .put("firstName", "On")
                .put("lastName", "Call"),
            UUID.randomUUID().toString());
      }
      return;
    }
    if (path.equals(POLICY_RESOLVE)) {
      Policy policy = policies.get(String.valueOf(request.queryParam("routing-key")));
      if (policy == null) {
        answer(
            req,
            request,
            404,
            error(404, "No escalation policy for this routing key", "NOT_FOUND"),
            null);
      } else {
        answer(req, request, 200, policy.toJson(), UUID.randomUUID().toString());
      }
      return;
    }
    // PUT /api/escalation-policies/{id}/levels/{level}
    String[] parts = path.substring(POLICIES.length()).split("/");
    Policy policy =
        parts.length != 3 || !parts[1].equals("levels")
            ? null
            : policies.values().stream()
                .filter(p -> String.valueOf(p.id()).equals(parts[0]))
                .findFirst()
                .orElse(null);
    int level = policy == null ? -1 : parseLevel(parts[2]);
    if (policy == null || level < 0 || level >= policy.timeouts().size()) {
      answer(
          req, request, 404, error(404, "No such escalation policy or level", "NOT_FOUND"), null);
      return;
    }
    JsonObject rule = request.body() == null ? new JsonObject() : request.body().copy();
    answer(req, request, 200, rule, UUID.randomUUID().toString());
  }

  private static int parseLevel(String text) {
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private void answer(
      HttpServerRequest req, Received request, int status, JsonObject body, String correlationId) {
    HttpServerResponse resp = req.response().setStatusCode(status);
    if (correlationId != null) {
      resp.putHeader("correlation-id", correlationId);
    }
    // Recorded before writing: a client that has its answer must find it recorded. A write that
    // fails (the client gave up) is taken back, as ilert would not count it as delivered either.
    Received done = update(request, status, correlationId);
    answeredByStatus.computeIfAbsent(status, k -> new AtomicLong()).incrementAndGet();
    Future<Void> written;
    if (body == null || req.method() == HttpMethod.HEAD) {
      written = resp.end();
    } else {
      resp.putHeader("content-type", "application/json");
      written = resp.end(body.encode());
    }
    written.onComplete(ar -> outcome(ar.succeeded() ? done : takeBack(done)));
  }

  private Received takeBack(Received answer) {
    Received undone = answer.withStatus(Received.NOT_ANSWERED, null);
    if (!keepRecordings) {
      return undone;
    }
    synchronized (answered) {
      answered.remove(answer);
      attempts.replace(answer.sequence(), undone);
    }
    return undone;
  }

  private Received update(Received request, int status, String correlationId) {
    Received done = request.withStatus(status, correlationId);
    if (!keepRecordings) {
      return done;
    }
    synchronized (answered) {
      // clearRecordings() may have run meanwhile; don't resurrect a forgotten request.
      boolean accepted = status == 202 || (request.isPolicy() && status >= 200 && status < 300);
      if (attempts.replace(request.sequence(), done) != null && accepted) {
        answered.add(done);
      }
    }
    return done;
  }

  private void outcome(Received request) {
    for (Consumer<Received> listener : listeners) {
      listener.accept(request);
    }
  }

  /** A fault that applies to one request; a rate limit's Retry-After header, or null. */
  private record Applied(Fault fault, String retryAfter) {}

  private Applied firstApplying(Received request) {
    for (InstalledFault f : faults) {
      Applied applied = f.applies(request);
      if (applied != null) {
        if (f.fault.kind() == Fault.Kind.RATE_LIMIT) {
          (f.fault.rateLimitSpec().scope() == Fault.Scope.PROCESS ? processLimited : keyLimited)
              .incrementAndGet();
        }
        return applied;
      }
    }
    return null;
  }

  private long latency() {
    long min = latencyMinMs;
    long max = latencyMaxMs;
    return max <= min ? min : ThreadLocalRandom.current().nextLong(min, max + 1);
  }

  /** What ilert would answer 400 for, or null. */
  private static String problemWith(Received event) {
    if (event.body() == null) {
      return "Body is not a JSON object";
    }
    if (event.integrationKey() == null || event.integrationKey().isBlank()) {
      return "integrationKey is required";
    }
    String type = event.eventType();
    if (type == null || !EVENT_TYPES.contains(type)) {
      return "eventType must be one of "
          + EVENT_TYPES
          + ", got "
          + event.body().getValue("eventType");
    }
    if (type.equals("ALERT") && (event.summary() == null || event.summary().isBlank())) {
      return "summary is required for ALERT events";
    }
    return null;
  }

  private static JsonObject error(int status, String message, String code) {
    return new JsonObject().put("status", status).put("message", message).put("code", code);
  }

  private static JsonObject parseObject(String raw) {
    if (raw.isBlank()) {
      return null;
    }
    try {
      return new JsonObject(raw);
    } catch (DecodeException | ClassCastException e) {
      return null;
    }
  }

  private static String lastSegment(String path, String prefix) {
    String rest = path.substring(prefix.length());
    return rest.isEmpty() || rest.contains("/") ? null : rest;
  }

  private static void join(Future<?> future, String what) {
    try {
      future
          .toCompletionStage()
          .toCompletableFuture()
          .get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("could not " + what + ": " + e, e);
    }
  }

  /** One line with the key masked in path and body. */
  static String describe(Received r) {
    String path = r.path();
    String key = r.integrationKey();
    if (key != null && !key.isEmpty()) {
      path = path.replace(key, Redaction.key(key));
    }
    String body = r.rawBody();
    if (r.body() != null) {
      JsonObject masked = r.body().copy();
      for (String field : List.of("integrationKey", "apiKey")) {
        if (masked.getValue(field) instanceof String s) {
          masked.put(field, Redaction.key(s));
        }
      }
      body = masked.encode();
    } else if (key != null && !key.isEmpty()) {
      body = body.replace(key, Redaction.key(key));
    }
    if (body.length() > 500) {
      body = body.substring(0, 500) + "...";
    }
    String status =
        switch (r.status()) {
          case Received.NOT_ANSWERED -> "---";
          case Received.DROPPED -> "DROP";
          default -> Integer.toString(r.status());
        };
    return "#"
        + r.sequence()
        + " "
        + status
        + " "
        + r.method()
        + " "
        + path
        + (body.isEmpty() ? "" : " " + body);
  }

  /** A fault as installed: its own use count and rate limiter. */
  private static final class InstalledFault {
    final Fault fault;
    final AtomicInteger remaining;
    final RateLimiter limiter;

    InstalledFault(Fault fault) {
      this.fault = fault;
      this.remaining = new AtomicInteger(fault.times());
      this.limiter = fault.rateLimitSpec() == null ? null : fault.rateLimitSpec().newLimiter();
    }

    Applied applies(Received request) {
      if (!fault.matches(request)) {
        return null;
      }
      String retryAfter = null;
      if (limiter != null) {
        Fault.Limit spec = fault.rateLimitSpec();
        String key =
            spec.scope() == Fault.Scope.PROCESS || request.integrationKey() == null
                ? ""
                : request.integrationKey();
        long now = System.nanoTime();
        long wait = limiter.admit(key, now);
        if (wait == RateLimiter.ADMITTED) {
          return null;
        }
        retryAfter = retryAfter(spec.retryAfter(), wait);
      }
      if (fault.times() != Fault.ALWAYS && remaining.getAndUpdate(n -> n > 0 ? n - 1 : 0) <= 0) {
        return null;
      }
      return new Applied(fault, retryAfter);
    }

    /** The Retry-After header for a wait of {@code waitNanos}, or null. */
    private static String retryAfter(Fault.RetryAfter how, long waitNanos) {
      return switch (how) {
        case NONE -> null;
        case SECONDS -> Long.toString((waitNanos + 999_999_999L) / 1_000_000_000L);
        case DATE -> {
          long atMs = System.currentTimeMillis() + (waitNanos + 999_999L) / 1_000_000L;
          long seconds = (atMs + 999) / 1000; // an HTTP date has whole seconds: round up
          yield DateTimeFormatter.RFC_1123_DATE_TIME.format(
              Instant.ofEpochSecond(seconds).atZone(ZoneOffset.UTC));
        }
      };
    }
  }

  // ---- standalone ----

  /**
   * Runs the stand-in until killed, printing each request as one line with keys masked: {@code
   * --port N} (0 = random, the default), {@code --latency-ms N}.
   */
  public static void main(String[] args) throws InterruptedException {
    int port = 0;
    long latencyMs = 0;
    for (int i = 0; i < args.length; i += 2) {
      if (i + 1 >= args.length) {
        usage(args[i] + " needs a value");
      }
      try {
        switch (args[i]) {
          case "--port" -> port = Integer.parseInt(args[i + 1]);
          case "--latency-ms" -> latencyMs = Long.parseLong(args[i + 1]);
          default -> usage("unknown option " + args[i]);
        }
      } catch (NumberFormatException e) {
        usage(args[i] + " needs a number, got " + args[i + 1]);
      }
    }
    IlertStandIn standIn = new IlertStandIn(port).latency(latencyMs, latencyMs);
    standIn.onOutcome(r -> System.out.println(r.describe()));
    standIn.start();
    Runtime.getRuntime().addShutdownHook(new Thread(standIn::close, "ilert-stand-in-shutdown"));
    System.out.println(
        "ilert stand-in listening: api "
            + standIn.apiUrl()
            + " heartbeats "
            + standIn.heartbeatUrl());
    Thread.currentThread().join();
  }

  private static void usage(String problem) {
    System.err.println(problem + "; usage: IlertStandIn [--port N] [--latency-ms N]");
    System.exit(2);
  }
}
