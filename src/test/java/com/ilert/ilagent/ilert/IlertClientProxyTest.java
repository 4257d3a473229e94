package com.ilert.ilagent.ilert;

import static org.assertj.core.api.Assertions.assertThat;

import com.ilert.ilagent.proxy.Proxies;
import com.ilert.ilagent.proxy.ProxyUrl;
import com.ilert.ilagent.testkit.ForwardProxy;
import com.ilert.ilagent.testkit.IlertStandIn;
import com.ilert.ilagent.testkit.Received;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The client through a real forward proxy that alone knows the host name "ilert.invalid" (the
 * .invalid domain never resolves anywhere else). https through the proxy (CONNECT) needs a trusted
 * certificate for that name and is proven through the built agent in ProxyIT.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
class IlertClientProxyTest {
  private static final String KEY = "il1apiproxytest000001";
  private static final String HB_KEY =
      "hbmonitorproxytest0001"; // not il1hbt...: HEAD on the heartbeat URL
  private static final byte[] EVENT =
      ("{\"integrationKey\":\"" + KEY + "\",\"eventType\":\"ALERT\",\"summary\":\"via proxy\"}")
          .getBytes(StandardCharsets.UTF_8);

  private IlertStandIn ilert;
  private ForwardProxy proxy;

  @BeforeEach
  void start() {
    ilert = new IlertStandIn().start();
    proxy = new ForwardProxy().resolve("ilert.invalid", "127.0.0.1");
  }

  @AfterEach
  void stop() {
    proxy.close();
    ilert.close();
  }

  /** A client of the stand-in under the name only the proxy resolves. */
  private IlertClient client(Vertx vertx, Proxies proxies) {
    return new IlertClient(
        vertx,
        ilert.apiUrl("ilert.invalid"),
        ilert.heartbeatUrl("ilert.invalid"),
        4,
        5_000,
        proxies);
  }

  @Test
  void eventsAndPingsReachIlertThroughTheProxyInAbsoluteFormWithCredentials(
      Vertx vertx, VertxTestContext ctx) {
    proxy.requireCredentials("ops@corp", "s3cret:pw").start();
    IlertClient client =
        client(
            vertx, Proxies.resolve(null, Map.of("HTTP_PROXY", proxy.url("ops@corp", "s3cret:pw"))));

    client
        .sendEvent(KEY, EVENT)
        .compose(event -> client.ping(HB_KEY).map(ping -> new IlertAnswer[] {event, ping}))
        .onComplete(
            ctx.succeeding(
                answers ->
                    ctx.verify(
                        () -> {
                          assertThat(answers[0].status()).as("the event's answer").isEqualTo(202);
                          assertThat(answers[1].status()).as("the ping's answer").isEqualTo(202);
                          assertThat(ilert.events())
                              .extracting(Received::summary)
                              .containsExactly("via proxy");
                          assertThat(ilert.pings())
                              .extracting(Received::integrationKey)
                              .containsExactly(HB_KEY);
                          assertThat(proxy.proxied())
                              .containsExactly(
                                  new ForwardProxy.Proxied(
                                      "POST", "ilert.invalid:" + ilert.port(), true, 202),
                                  new ForwardProxy.Proxied(
                                      "HEAD", "ilert.invalid:" + ilert.port(), true, 202));
                          assertThat(ilert.events().get(0).headers())
                              .doesNotContainKey("Proxy-Authorization");
                          ctx.completeNow();
                        })));
  }

  @Test
  void withoutTheProxyTheNameDoesNotResolve(Vertx vertx, VertxTestContext ctx) {
    proxy.start();
    client(vertx, Proxies.resolve(null, Map.of()))
        .sendEvent(KEY, EVENT)
        .onComplete(
            ctx.failing(
                err ->
                    ctx.verify(
                        () -> {
                          assertThat(ilert.attempts())
                              .as("ilert.invalid is known to the proxy only")
                              .isEmpty();
                          ctx.completeNow();
                        })));
  }

  @Test
  void wrongCredentialsGetTheProxys407WhichIsRetryableNotARejection(
      Vertx vertx, VertxTestContext ctx) {
    proxy.requireCredentials("ops", "right").start();
    client(vertx, Proxies.resolve(null, Map.of("http_proxy", proxy.url("ops", "wrong"))))
        .sendEvent(KEY, EVENT)
        .onComplete(
            ctx.succeeding(
                answer ->
                    ctx.verify(
                        () -> {
                          assertThat(answer.status()).isEqualTo(407);
                          assertThat(ResponseClassifier.classify(answer.status()))
                              .isEqualTo(Outcome.RETRYABLE);
                          assertThat(proxy.proxied())
                              .singleElement()
                              .extracting(ForwardProxy.Proxied::authorized)
                              .isEqualTo(false);
                          assertThat(ilert.attempts()).isEmpty();
                          ctx.completeNow();
                        })));
  }

  @Test
  void noProxyHostsAreReachedDirectly(Vertx vertx, VertxTestContext ctx) {
    proxy.start();
    IlertClient client =
        new IlertClient(
            vertx,
            ilert.apiUrl("ilert.invalid"),
            ilert.heartbeatUrl(),
            4,
            5_000,
            Proxies.resolve(
                null, Map.of("ALL_PROXY", proxy.url(), "NO_PROXY", "localhost,127.0.0.0/8")));

    Future<IlertAnswer> ping = client.ping(HB_KEY);
    ping.compose(p -> client.sendEvent(KEY, EVENT))
        .onComplete(
            ctx.succeeding(
                event ->
                    ctx.verify(
                        () -> {
                          assertThat(ping.result().status()).isEqualTo(202);
                          assertThat(event.status()).isEqualTo(202);
                          assertThat(proxy.proxied())
                              .as("only the API host goes through the proxy")
                              .extracting(ForwardProxy.Proxied::method)
                              .containsExactly("POST");
                          assertThat(ilert.received()).hasSize(2);
                          ctx.completeNow();
                        })));
  }

  @Test
  void anExplicitProxyWinsOverTheVariables(Vertx vertx, VertxTestContext ctx) throws Exception {
    proxy.start();
    client(
            vertx,
            Proxies.resolve(
                ProxyUrl.parse(proxy.url()), Map.of("HTTP_PROXY", "http://127.0.0.1:1")))
        .sendEvent(KEY, EVENT)
        .onComplete(
            ctx.succeeding(
                answer ->
                    ctx.verify(
                        () -> {
                          assertThat(answer.status()).isEqualTo(202);
                          assertThat(proxy.proxied()).hasSize(1);
                          ctx.completeNow();
                        })));
  }
}
