package com.ilert.ilagent.ilert;

import static org.assertj.core.api.Assertions.assertThat;

import com.ilert.ilagent.proxy.Proxies;
import com.ilert.ilagent.proxy.ProxyUrl;
import com.ilert.ilagent.testkit.ForwardProxy;
import com.ilert.ilagent.testkit.IlertStandIn;
import com.ilert.ilagent.testkit.Received;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The client through a real forward proxy that alone knows the host name "ilert.invalid" (the
 * .invalid domain never resolves anywhere else). https through the proxy (CONNECT) needs a trusted
 * certificate for that name and is proven through the built agent in ProxyIT.
 */
class IlertClientProxyTest {
  private static final String KEY = "il1apiproxytest000001";
  private static final String HB_KEY =
      "hbmonitorproxytest0001"; // not il1hbt...: HEAD on the heartbeat URL
  private static final byte[] EVENT =
      ("{\"integrationKey\":\"" + KEY + "\",\"eventType\":\"ALERT\",\"summary\":\"via proxy\"}")
          .getBytes(StandardCharsets.UTF_8);

  private Vertx vertx;
  private IlertStandIn ilert;
  private ForwardProxy proxy;
  private IlertClient client;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    ilert = new IlertStandIn().start();
    proxy = new ForwardProxy().resolve("ilert.invalid", "127.0.0.1");
  }

  @AfterEach
  void stop() throws Exception {
    if (client != null) {
      client.close();
    }
    proxy.close();
    ilert.close();
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private IlertClient client(Map<String, String> env) throws Exception {
    client =
        new IlertClient(
            vertx,
            ilert.apiUrl("ilert.invalid"),
            ilert.heartbeatUrl("ilert.invalid"),
            4,
            5_000,
            Proxies.resolve(null, env));
    return client;
  }

  private static <T> Future<T> completed(Future<T> future) throws InterruptedException {
    CountDownLatch done = new CountDownLatch(1);
    future.onComplete(ar -> done.countDown());
    assertThat(done.await(10, TimeUnit.SECONDS)).as("the request to complete").isTrue();
    return future;
  }

  @Test
  void eventsAndPingsReachIlertThroughTheProxyInAbsoluteFormWithCredentials() throws Exception {
    proxy.requireCredentials("ops@corp", "s3cret:pw").start();
    client(Map.of("HTTP_PROXY", proxy.url("ops@corp", "s3cret:pw")));

    IlertAnswer event = completed(client.sendEvent(KEY, EVENT)).result();
    IlertAnswer ping = completed(client.ping(HB_KEY)).result();

    assertThat(event.status()).isEqualTo(202);
    assertThat(ping.status()).isEqualTo(202);
    assertThat(ilert.events()).extracting(Received::summary).containsExactly("via proxy");
    assertThat(ilert.pings()).extracting(Received::integrationKey).containsExactly(HB_KEY);
    assertThat(proxy.proxied())
        .containsExactly(
            new ForwardProxy.Proxied("POST", "ilert.invalid:" + ilert.port(), true, 202),
            new ForwardProxy.Proxied("HEAD", "ilert.invalid:" + ilert.port(), true, 202));
    assertThat(ilert.events().get(0).headers()).doesNotContainKey("Proxy-Authorization");
  }

  @Test
  void withoutTheProxyTheNameDoesNotResolve() throws Exception {
    proxy.start();
    client(Map.of());
    Future<IlertAnswer> direct = completed(client.sendEvent(KEY, EVENT));
    assertThat(direct.failed()).as("ilert.invalid is known to the proxy only").isTrue();
    assertThat(ilert.attempts()).isEmpty();
  }

  @Test
  void wrongCredentialsGetTheProxys407WhichIsRetryableNotARejection() throws Exception {
    proxy.requireCredentials("ops", "right").start();
    client(Map.of("http_proxy", proxy.url("ops", "wrong")));

    IlertAnswer answer = completed(client.sendEvent(KEY, EVENT)).result();

    assertThat(answer.status()).isEqualTo(407);
    assertThat(ResponseClassifier.classify(answer.status())).isEqualTo(Outcome.RETRYABLE);
    assertThat(proxy.proxied())
        .singleElement()
        .extracting(ForwardProxy.Proxied::authorized)
        .isEqualTo(false);
    assertThat(ilert.attempts()).isEmpty();
  }

  @Test
  void noProxyHostsAreReachedDirectly() throws Exception {
    proxy.start();
    client =
        new IlertClient(
            vertx,
            ilert.apiUrl("ilert.invalid"),
            ilert.heartbeatUrl(),
            4,
            5_000,
            Proxies.resolve(
                null, Map.of("ALL_PROXY", proxy.url(), "NO_PROXY", "localhost,127.0.0.0/8")));

    assertThat(completed(client.ping(HB_KEY)).result().status()).isEqualTo(202);
    assertThat(completed(client.sendEvent(KEY, EVENT)).result().status()).isEqualTo(202);

    assertThat(proxy.proxied())
        .as("only the API host goes through the proxy")
        .extracting(ForwardProxy.Proxied::method)
        .containsExactly("POST");
    assertThat(ilert.received()).hasSize(2);
  }

  @Test
  void anExplicitProxyWinsOverTheVariables() throws Exception {
    proxy.start();
    client =
        new IlertClient(
            vertx,
            ilert.apiUrl("ilert.invalid"),
            ilert.heartbeatUrl("ilert.invalid"),
            4,
            5_000,
            Proxies.resolve(
                ProxyUrl.parse(proxy.url()), Map.of("HTTP_PROXY", "http://127.0.0.1:1")));

    assertThat(completed(client.sendEvent(KEY, EVENT)).result().status()).isEqualTo(202);
    assertThat(proxy.proxied()).hasSize(1);
  }
}
