package com.ilert.ilagent.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class IlertStandInTest {

  private static final String KEY = "il1api0123456789abcdef";
  private static final String OTHER_KEY = "il1api9876543210fedcba";

  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();
  private IlertStandIn ilert;

  @BeforeEach
  void start() {
    ilert = new IlertStandIn().start();
  }

  @AfterEach
  void stop() {
    ilert.close();
  }

  @Test
  void answersAnEvent202WithCorrelationIdAndRecordsIt() throws Exception {
    HttpResponse<String> response = postEvent(KEY, alert("disk full", "host-1"));

    assertThat(response.statusCode()).isEqualTo(202);
    assertThat(new JsonObject(response.body())).isEqualTo(new JsonObject());
    String correlationId = response.headers().firstValue("correlation-id").orElseThrow();
    List<Received> events = ilert.events();
    assertThat(events).hasSize(1);
    Received event = events.get(0);
    assertThat(event.integrationKey()).isEqualTo(KEY);
    assertThat(event.method()).isEqualTo("POST");
    assertThat(event.path()).isEqualTo("/api/v1/events/kafka/" + KEY);
    assertThat(event.summary()).isEqualTo("disk full");
    assertThat(event.alertKey()).isEqualTo("host-1");
    assertThat(event.headers()).containsKey("Content-Type");
    assertThat(event.headers().get("content-type")).isEqualTo("application/json");
    assertThat(event.status()).isEqualTo(202);
    assertThat(event.correlationId()).isEqualTo(correlationId);
  }

  @Test
  void genericEventsEndpointTakesTheKeyFromTheBody() throws Exception {
    HttpResponse<String> response =
        post("/api/events", alert("cpu", null).put("apiKey", KEY).encode());

    assertThat(response.statusCode()).isEqualTo(202);
    assertThat(ilert.events()).extracting(Received::integrationKey).containsExactly(KEY);
  }

  @Test
  void rejectsEventsIlertWouldReject() throws Exception {
    HttpResponse<String> noSummary = postEvent(KEY, new JsonObject().put("eventType", "ALERT"));
    HttpResponse<String> badType = postEvent(KEY, alert("x", null).put("eventType", "PANIC"));
    HttpResponse<String> notJson = post("/api/v1/events/kafka/" + KEY, "not json");
    HttpResponse<String> wrongPath = post("/api/v2/events", alert("x", null).encode());

    assertThat(
            List.of(
                noSummary.statusCode(),
                badType.statusCode(),
                notJson.statusCode(),
                wrongPath.statusCode()))
        .containsExactly(400, 400, 400, 404);
    assertThat(new JsonObject(noSummary.body()).getInteger("status")).isEqualTo(400);
    assertThat(ilert.events()).isEmpty();
    assertThat(ilert.attempts()).extracting(Received::status).containsExactly(400, 400, 400, 404);
  }

  @Test
  void answersHeartbeatsAndLegacyHeartbeats() throws Exception {
    HttpResponse<String> ping =
        send(
            HttpRequest.newBuilder(uri(ilert.heartbeatUrl() + "/pings/" + KEY))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()));
    HttpResponse<String> legacy =
        send(HttpRequest.newBuilder(uri(ilert.apiUrl() + "/heartbeats/il1hbt0123456789")).GET());

    assertThat(ping.statusCode()).isEqualTo(202);
    assertThat(legacy.statusCode()).isEqualTo(202);
    assertThat(ilert.pings())
        .extracting(Received::integrationKey)
        .containsExactly(KEY, "il1hbt0123456789");
    assertThat(ilert.events()).isEmpty();
  }

  @Test
  void escalationPolicyRequestsNeedTheTokenAndAnswerLikeIlert() throws Exception {
    ilert.requireApiToken("t0ken").user("a@example.com", 7).policy("rk", 42, 3, 9);
    HttpRequest.Builder search =
        HttpRequest.newBuilder(uri(ilert.apiUrl() + "/users/search-email"))
            .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"a@example.com\"}"));

    assertThat(send(search).statusCode()).as("no token").isEqualTo(401);
    HttpResponse<String> user = send(search.header("Authorization", "Bearer t0ken"));
    HttpResponse<String> policy =
        send(
            HttpRequest.newBuilder(
                    uri(ilert.apiUrl() + "/escalation-policies/resolve?routing-key=rk"))
                .header("Authorization", "Bearer t0ken")
                .GET());
    HttpResponse<String> unknown =
        send(
            HttpRequest.newBuilder(
                    uri(ilert.apiUrl() + "/escalation-policies/resolve?routing-key=other"))
                .header("Authorization", "Bearer t0ken")
                .GET());
    HttpResponse<String> put =
        send(
            HttpRequest.newBuilder(uri(ilert.apiUrl() + "/escalation-policies/42/levels/1"))
                .header("Authorization", "Bearer t0ken")
                .PUT(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"escalationTimeout\":9,\"users\":[{\"id\":7}]}")));
    HttpResponse<String> noLevel =
        send(
            HttpRequest.newBuilder(uri(ilert.apiUrl() + "/escalation-policies/42/levels/2"))
                .header("Authorization", "Bearer t0ken")
                .PUT(HttpRequest.BodyPublishers.ofString("{}")));

    assertThat(user.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(user.body()).getInteger("id")).isEqualTo(7);
    assertThat(policy.statusCode()).isEqualTo(200);
    JsonObject rules = new JsonObject(policy.body());
    assertThat(rules.getInteger("id")).isEqualTo(42);
    assertThat(
            rules.getJsonArray("escalationRules").getJsonObject(1).getInteger("escalationTimeout"))
        .isEqualTo(9);
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(put.statusCode()).isEqualTo(200);
    assertThat(noLevel.statusCode()).isEqualTo(404);
    assertThat(ilert.levelUpdates())
        .singleElement()
        .satisfies(r -> assertThat(r.path()).isEqualTo("/api/escalation-policies/42/levels/1"));
    assertThat(ilert.policyRequests())
        .extracting(Received::status)
        .containsExactly(401, 200, 200, 404, 200, 404);
    assertThat(ilert.policyRequests().get(3).queryParam("routing-key")).isEqualTo("other");
    assertThat(ilert.events()).isEmpty();
  }

  @Test
  void faultsApplyToPolicyRequestsToo() throws Exception {
    ilert.user("a@example.com", 7).fault(Fault.status(503).matching(Received::isPolicy).times(1));
    HttpRequest.Builder search =
        HttpRequest.newBuilder(uri(ilert.apiUrl() + "/users/search-email"))
            .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"a@example.com\"}"));

    assertThat(send(search).statusCode()).isEqualTo(503);
    assertThat(send(search).statusCode()).isEqualTo(200);
  }

  @Test
  void statusFaultForOneKeyWithRetryAfterAndErrorBody() throws Exception {
    ilert.fault(Fault.status(429).header("Retry-After", "1").forKey(KEY).times(1));

    HttpResponse<String> first = postEvent(KEY, alert("a", null));
    HttpResponse<String> otherKey = postEvent(OTHER_KEY, alert("b", null));
    HttpResponse<String> second = postEvent(KEY, alert("c", null));

    assertThat(first.statusCode()).isEqualTo(429);
    assertThat(first.headers().firstValue("Retry-After")).hasValue("1");
    JsonObject error = new JsonObject(first.body());
    assertThat(error.getInteger("status")).isEqualTo(429);
    assertThat(error.getString("message")).isNotBlank();
    assertThat(error.getString("code")).isNotBlank();
    assertThat(otherKey.statusCode()).isEqualTo(202);
    assertThat(second.statusCode()).isEqualTo(202);
    assertThat(ilert.events()).extracting(Received::summary).containsExactly("b", "c");
    assertThat(ilert.attempts()).extracting(Received::status).containsExactly(429, 202, 202);
  }

  @Test
  void timesIsUsedUpThenAnswersAreNormalAgain() throws Exception {
    ilert.fault(Fault.status(503).times(3));

    List<Integer> statuses = new java.util.ArrayList<>();
    for (int i = 0; i < 5; i++) {
      statuses.add(postEvent(KEY, alert("n" + i, null)).statusCode());
    }

    assertThat(statuses).containsExactly(503, 503, 503, 202, 202);
    assertThat(ilert.events()).extracting(Received::summary).containsExactly("n3", "n4");
  }

  @Test
  void firstMatchingFaultWins() throws Exception {
    ilert.fault(Fault.status(500).matching(r -> "first".equals(r.summary())));
    ilert.fault(Fault.status(502));

    assertThat(postEvent(KEY, alert("first", null)).statusCode()).isEqualTo(500);
    assertThat(postEvent(KEY, alert("second", null)).statusCode()).isEqualTo(502);

    ilert.clearFaults();
    assertThat(postEvent(KEY, alert("third", null)).statusCode()).isEqualTo(202);
  }

  @Test
  void delayFaultAnswersLateButNormally() throws Exception {
    ilert.fault(Fault.delay(300).times(1));

    long start = System.nanoTime();
    HttpResponse<String> response = postEvent(KEY, alert("slow", null));
    long tookMs = (System.nanoTime() - start) / 1_000_000;

    assertThat(response.statusCode()).isEqualTo(202);
    assertThat(tookMs).isGreaterThanOrEqualTo(300);
  }

  @Test
  void latencyDelaysEveryAnswer() throws Exception {
    ilert.latency(150, 200);

    long start = System.nanoTime();
    postEvent(KEY, alert("a", null));
    postEvent(KEY, alert("b", null));
    long tookMs = (System.nanoTime() - start) / 1_000_000;

    assertThat(tookMs).isGreaterThanOrEqualTo(300);
    assertThat(ilert.events()).hasSize(2);
  }

  @Test
  void hangMakesTheClientTimeOut() throws Exception {
    ilert.fault(Fault.hang().times(1));

    HttpRequest request =
        HttpRequest.newBuilder(eventUri(KEY))
            .timeout(Duration.ofMillis(500))
            .header("content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(alert("lost", null).encode()))
            .build();
    assertThatThrownBy(() -> http.send(request, HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(HttpTimeoutException.class);

    assertThat(ilert.attempts())
        .extracting(Received::status)
        .containsExactly(Received.NOT_ANSWERED);
    assertThat(ilert.events()).isEmpty();
    assertThat(postEvent(KEY, alert("next", null)).statusCode()).isEqualTo(202);
  }

  @Test
  void dropClosesTheConnectionWithoutAnswer() throws Exception {
    ilert.fault(Fault.drop().times(1));

    assertThatThrownBy(() -> postEvent(KEY, alert("dropped", null)))
        .isInstanceOf(IOException.class)
        .isNotInstanceOf(HttpTimeoutException.class);

    ilert.awaitAttempts(1, Duration.ofSeconds(2));
    assertThat(ilert.attempts()).extracting(Received::status).containsExactly(Received.DROPPED);
    assertThat(postEvent(KEY, alert("next", null)).statusCode()).isEqualTo(202);
    assertThat(ilert.events()).extracting(Received::summary).containsExactly("next");
  }

  @Test
  void rateLimitAnswers429PerKeyOverTheLimit() throws Exception {
    ilert.fault(Fault.rateLimit(2));

    List<Integer> statuses =
        List.of(
            postEvent(KEY, alert("1", null)).statusCode(),
            postEvent(KEY, alert("2", null)).statusCode(),
            postEvent(KEY, alert("3", null)).statusCode(),
            postEvent(OTHER_KEY, alert("4", null)).statusCode());

    assertThat(statuses).containsExactly(202, 202, 429, 202);
  }

  @Test
  void rateLimitWindowResets() throws Exception {
    // A window long enough that two requests in a row land in it even on a loaded machine.
    ilert.fault(Fault.rateLimit(1, Duration.ofSeconds(2)));

    assertThat(postEvent(KEY, alert("1", null)).statusCode()).isEqualTo(202);
    assertThat(postEvent(KEY, alert("2", null)).statusCode()).isEqualTo(429);
    ilert.awaitAttempts(2, Duration.ofSeconds(1));
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(6))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> postEvent(KEY, alert("3", null)).statusCode() == 202);
  }

  @Test
  void processRateLimitCountsEveryRequestOfEveryKeyAndKind() throws Exception {
    ilert.fault(Fault.processRateLimit(3, Duration.ofSeconds(30)));

    List<Integer> statuses =
        List.of(
            postEvent(KEY, alert("1", null)).statusCode(),
            ping(OTHER_KEY).statusCode(),
            postEvent(OTHER_KEY, alert("2", null)).statusCode(),
            postEvent("il1apiyetanotherkey0001", alert("3", null)).statusCode(),
            ping("hbkeynotseenbefore").statusCode());

    assertThat(statuses).containsExactly(202, 202, 202, 429, 429);
    assertThat(ilert.rateLimited(Fault.Scope.PROCESS)).isEqualTo(2);
    assertThat(ilert.rateLimited(Fault.Scope.KEY)).isZero();
    assertThat(ilert.answered(429)).isEqualTo(2);
    assertThat(ilert.answered(202)).isEqualTo(3);
  }

  @Test
  void pingRateLimitIsPerHeartbeatKeyAndLeavesEventsAlone() throws Exception {
    ilert.fault(Fault.pingRateLimit(2, Duration.ofSeconds(30)));

    List<Integer> statuses =
        List.of(
            ping(KEY).statusCode(),
            ping(KEY).statusCode(),
            ping(KEY).statusCode(),
            ping(OTHER_KEY).statusCode(),
            postEvent(KEY, alert("an event of the same key", null)).statusCode());

    assertThat(statuses).containsExactly(202, 202, 429, 202, 202);
    assertThat(ilert.rateLimited(Fault.Scope.KEY)).isEqualTo(1);
  }

  @Test
  void rateLimitRetryAfterSaysWhenTheWindowResetsOnlyWhenAskedTo() throws Exception {
    ilert.fault(
        Fault.processRateLimit(1, Duration.ofSeconds(5))
            .retryAfterUntilReset()
            .matching(Received::isPing));
    ilert.fault(Fault.eventRateLimit(1, Duration.ofSeconds(5)));

    ping(KEY);
    HttpResponse<String> limitedPing = ping(KEY);
    postEvent(KEY, alert("1", null));
    HttpResponse<String> limitedEvent = postEvent(KEY, alert("2", null));

    assertThat(limitedPing.statusCode()).isEqualTo(429);
    assertThat(Long.parseLong(limitedPing.headers().firstValue("Retry-After").orElseThrow()))
        .isBetween(1L, 5L);
    assertThat(limitedEvent.statusCode()).isEqualTo(429);
    assertThat(limitedEvent.headers().firstValue("Retry-After")).as("not asked for").isEmpty();
  }

  @Test
  void aRequestTheProcessLimitTurnsAwayDoesNotCountForItsKey() throws Exception {
    ilert.fault(
        Fault.processRateLimit(1, Duration.ofSeconds(30))
            .matching(r -> "first".equals(r.summary()) || "turned away".equals(r.summary())));
    ilert.fault(Fault.eventRateLimit(1, Duration.ofSeconds(30)));

    assertThat(postEvent(OTHER_KEY, alert("first", null)).statusCode()).isEqualTo(202);
    assertThat(postEvent(KEY, alert("turned away", null)).statusCode()).isEqualTo(429);
    assertThat(postEvent(KEY, alert("counted", null)).statusCode())
        .as("the key's first counted request")
        .isEqualTo(202);
    assertThat(postEvent(KEY, alert("over", null)).statusCode()).isEqualTo(429);
  }

  @Test
  void slidingAndTokenBucketLimitsAnswerOverHttpWithRetryAfterAsSecondsOrDate() throws Exception {
    ilert.fault(
        Fault.eventRateLimit(2, Duration.ofSeconds(30))
            .slidingWindow()
            .retryAfterUntilReset()
            .forKey(KEY));
    ilert.fault(
        Fault.eventRateLimit(60, Duration.ofSeconds(60))
            .tokenBucket(1)
            .retryAfter(Fault.RetryAfter.DATE)
            .forKey(OTHER_KEY));

    assertThat(postEvent(KEY, alert("1", null)).statusCode()).isEqualTo(202);
    assertThat(postEvent(KEY, alert("2", null)).statusCode()).isEqualTo(202);
    HttpResponse<String> sliding = postEvent(KEY, alert("3", null));
    assertThat(postEvent(OTHER_KEY, alert("4", null)).statusCode()).isEqualTo(202);
    HttpResponse<String> bucket = postEvent(OTHER_KEY, alert("5", null));

    assertThat(sliding.statusCode()).isEqualTo(429);
    assertThat(Long.parseLong(sliding.headers().firstValue("Retry-After").orElseThrow()))
        .as("until the oldest leaves the window")
        .isBetween(28L, 30L);
    assertThat(bucket.statusCode()).isEqualTo(429);
    String date = bucket.headers().firstValue("Retry-After").orElseThrow();
    long inMs =
        java.time.ZonedDateTime.parse(date, java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME)
                .toInstant()
                .toEpochMilli()
            - System.currentTimeMillis();
    assertThat(inMs).as("one token a second, as a date: " + date).isBetween(-100L, 2_100L);
  }

  @Test
  void retryAfterUntilResetIsOnlyForRateLimits() {
    assertThatThrownBy(() -> Fault.status(429).retryAfterUntilReset())
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void eventsAreInAnswerOrderAndAttemptsInArrivalOrder() throws Exception {
    ilert.fault(Fault.delay(400).matching(r -> "slow".equals(r.summary())));

    CompletableFuture<HttpResponse<String>> slow = postEventAsync(KEY, alert("slow", null));
    ilert.awaitAttempts(1, Duration.ofSeconds(2));
    HttpResponse<String> fast = postEvent(KEY, alert("fast", null));
    assertThat(fast.statusCode()).isEqualTo(202);
    assertThat(slow.get().statusCode()).isEqualTo(202);

    assertThat(ilert.events()).extracting(Received::summary).containsExactly("fast", "slow");
    assertThat(ilert.attempts()).extracting(Received::summary).containsExactly("slow", "fast");
    assertThat(ilert.attempts()).extracting(Received::sequence).containsExactly(0L, 1L);
  }

  @Test
  void awaitEventsWaitsAndFailsWithWhatItGot() throws Exception {
    ilert.latency(200, 200);
    postEventAsync(KEY, alert("late", null));

    assertThat(ilert.awaitEvents(1, Duration.ofSeconds(5)))
        .extracting(Received::summary)
        .containsExactly("late");
    assertThatThrownBy(() -> ilert.awaitEvents(2, Duration.ofMillis(300)))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("expected at least 2 event(s)")
        .hasMessageContaining("but got 1")
        .hasMessageContaining("il1a****ef")
        .hasMessageNotContaining(KEY);
  }

  @Test
  void clearRecordingsForgetsRequests() throws Exception {
    postEvent(KEY, alert("a", null));
    ilert.clearRecordings();

    assertThat(ilert.received()).isEmpty();
    assertThat(ilert.attempts()).isEmpty();
  }

  // ---- helpers ----

  private static JsonObject alert(String summary, String alertKey) {
    JsonObject event = new JsonObject().put("eventType", "ALERT").put("summary", summary);
    return alertKey == null ? event : event.put("alertKey", alertKey);
  }

  private HttpResponse<String> ping(String key) throws IOException, InterruptedException {
    return send(
        HttpRequest.newBuilder(uri(ilert.heartbeatUrl() + "/pings/" + key))
            .method("HEAD", HttpRequest.BodyPublishers.noBody()));
  }

  private URI eventUri(String key) {
    return uri(ilert.apiUrl() + "/v1/events/kafka/" + key);
  }

  private HttpResponse<String> postEvent(String key, JsonObject body)
      throws IOException, InterruptedException {
    return send(
        HttpRequest.newBuilder(eventUri(key))
            .header("content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body.encode())));
  }

  private CompletableFuture<HttpResponse<String>> postEventAsync(String key, JsonObject body) {
    HttpRequest request =
        HttpRequest.newBuilder(eventUri(key))
            .timeout(Duration.ofSeconds(10))
            .header("content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body.encode()))
            .build();
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String path, String body)
      throws IOException, InterruptedException {
    return send(
        HttpRequest.newBuilder(uri("http://127.0.0.1:" + ilert.port() + path))
            .header("content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  private HttpResponse<String> send(HttpRequest.Builder request)
      throws IOException, InterruptedException {
    return http.send(
        request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static URI uri(String uri) {
    return URI.create(uri);
  }
}
