package com.ilert.ilagent.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.ilert.ilagent.config.AgentConfig;
import com.ilert.ilagent.config.ConfigLoader;
import com.ilert.ilagent.config.FlagValues;
import com.ilert.ilagent.config.Setting;
import com.ilert.ilagent.ilert.IlertClient;
import com.ilert.ilagent.metrics.AgentMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The API's answers that need no broker: a broker that never answers, readiness. */
class HttpApiTest {
  private static final String EVENT =
      "{\"integrationKey\":\"il1apihttpapitest0001\",\"eventType\":\"ALERT\",\"summary\":\"s\"}";

  private final Vertx vertx = Vertx.vertx();
  private final AtomicBoolean ready = new AtomicBoolean(true);
  private HttpApi api;
  private IlertClient client;
  private int port;

  @AfterEach
  void close() throws Exception {
    if (api != null) {
      api.close().await(10, TimeUnit.SECONDS);
    }
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private void serve(String brokers) throws Exception {
    AgentConfig config =
        ConfigLoader.load(
            new FlagValues()
                .add(Setting.KAFKA_BROKERS, brokers)
                .add(Setting.EVENT_TOPIC, "events")
                .add(Setting.PORT, "8977"),
            Map.of());
    client = new IlertClient(vertx, "http://127.0.0.1:1/api", "http://127.0.0.1:1/beat", 1, 1000);
    api = new HttpApi(config, client, new AgentMetrics(new SimpleMeterRegistry()));
    Router router = Router.router(vertx);
    api.mount(vertx, router, ready::get);
    HttpServer server =
        vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await();
    port = server.actualPort();
  }

  private HttpResponse<String> post(String json) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/events"))
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  private static int deadPort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Test
  void anEventTheBrokerDoesNotAcknowledgeWithinFiveSecondsIs503() throws Exception {
    serve("127.0.0.1:" + deadPort());
    long start = System.nanoTime();
    HttpResponse<String> answer = post(EVENT);
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertThat(answer.statusCode()).isEqualTo(503);
    assertThat(answer.body()).contains("within 5 s", "it may still be queued");
    assertThat(tookMs).as("answered at the bound").isBetween(4_500L, 15_000L);
  }

  @Test
  void nothingIsQueuedWhileTheAgentIsNotReady() throws Exception {
    serve("127.0.0.1:" + deadPort());
    ready.set(false);
    HttpResponse<String> answer = post(EVENT);
    assertThat(answer.statusCode()).isEqualTo(503);
    assertThat(answer.body()).contains("not ready");
    assertThat(post("{}").statusCode()).as("a bad body is still a bad body").isEqualTo(400);
  }
}
