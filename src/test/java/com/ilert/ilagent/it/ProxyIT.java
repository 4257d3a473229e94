package com.ilert.ilagent.it;

import static com.ilert.ilagent.it.Events.event;
import static org.assertj.core.api.Assertions.assertThat;

import com.ilert.ilagent.testkit.AgentTest;
import com.ilert.ilagent.testkit.ForwardProxy;
import com.ilert.ilagent.testkit.IlertStandIn;
import com.ilert.ilagent.testkit.KafkaBroker;
import com.ilert.ilagent.testkit.Received;
import com.ilert.ilagent.testkit.RunningAgent;
import com.ilert.ilagent.testkit.TestAgents;
import com.ilert.ilagent.testkit.TestCertificates;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent on a host that reaches ilert only through a proxy. ilert's host name is
 * "ilert.invalid", which only the test kit's forward proxy resolves: a request that arrives at the
 * ilert stand-in came through the proxy.
 */
@AgentTest
class ProxyIT {
  private static final String HOST = "ilert.invalid";
  private static final String KEY = "il1apiproxy0000000001";
  private static final String OWN = "hbmonitorproxyit00001";
  private static final String PROXY_USER = "ops@corp";
  private static final String PROXY_PASSWORD = "pr0xy-s3cret:x";

  @TempDir Path dir;

  @Test
  void httpThroughTheProxyFromHttpProxyWithCredentialsAndNoProxyHostsDirect(
      TestAgents agents, IlertStandIn ilert, KafkaBroker kafka) {
    String topic = agents.newTopic(1);
    try (ForwardProxy proxy =
        new ForwardProxy()
            .resolve(HOST, "127.0.0.1")
            .requireCredentials(PROXY_USER, PROXY_PASSWORD)
            .start()) {
      // Events to ilert.invalid through the proxy; the own heartbeat to 127.0.0.1, which NO_PROXY
      // exempts.
      RunningAgent agent =
          agents
              .daemon("-e", topic, "-b", OWN)
              .ilertUrls(ilert.apiUrl(HOST), ilert.heartbeatUrl())
              .env(
                  Map.of(
                      "HTTP_PROXY",
                      proxy.url(PROXY_USER, PROXY_PASSWORD),
                      "NO_PROXY",
                      "localhost,127.0.0.1"))
              .start();
      kafka.send(topic, "k", event(KEY, "ALERT", "through the proxy", null));

      assertThat(ilert.awaitEvents(1, Duration.ofSeconds(30)))
          .extracting(Received::summary)
          .containsExactly("through the proxy");
      assertThat(ilert.awaitPings(1, Duration.ofSeconds(15)))
          .extracting(Received::integrationKey)
          .containsExactly(OWN);
      assertThat(proxy.awaitProxied(1, Duration.ofSeconds(10)))
          .as("the event in absolute form with credentials, the ping not at all")
          .containsExactly(new ForwardProxy.Proxied("POST", HOST + ":" + ilert.port(), true, 202));
      assertThat(ilert.events().get(0).headers()).doesNotContainKey("Proxy-Authorization");

      agent.stop();
      assertThat(agent.log())
          .contains(
              "ilert API "
                  + ilert.apiUrl(HOST)
                  + ": through proxy http://****@127.0.0.1:"
                  + proxy.port())
          .contains("ilert heartbeats " + ilert.heartbeatUrl() + ": direct (NO_PROXY)")
          .doesNotContain(PROXY_PASSWORD, "pr0xy-s3cret", "ops%40corp", KEY);
    }
  }

  @Test
  void httpsThroughAConnectTunnelFromTheProxyOptionWhichWinsOverTheEnvironment(
      TestAgents agents, KafkaBroker kafka) {
    TestCertificates certs = TestCertificates.server(dir, HOST);
    String topic = agents.newTopic(1);
    try (IlertStandIn ilert =
            new IlertStandIn().tls(certs.brokerKeyStore(), certs.brokerKeyStorePassword()).start();
        ForwardProxy proxy = new ForwardProxy().resolve(HOST, "127.0.0.1").start()) {
      // HTTPS_PROXY points nowhere: only --proxy can make this work. The JVM trusts the test CA
      // through the standard trust-store options, as an operator would add their own CA.
      RunningAgent agent =
          agents
              .daemon("-e", topic, "--proxy", proxy.url())
              .ilertUrls(ilert.apiUrl(HOST), ilert.heartbeatUrl(HOST))
              .env("HTTPS_PROXY", "http://127.0.0.1:1")
              .jvmOptions(certs.trustingJvmOptions())
              .start();
      kafka.send(topic, "k", event(KEY, "ALERT", "through the tunnel", null));

      assertThat(ilert.awaitEvents(1, Duration.ofSeconds(30)))
          .extracting(Received::summary)
          .containsExactly("through the tunnel");
      assertThat(ilert.apiUrl(HOST)).startsWith("https://");
      assertThat(proxy.awaitProxied(1, Duration.ofSeconds(10)))
          .as("one tunnel, kept alive")
          .first()
          .isEqualTo(new ForwardProxy.Proxied("CONNECT", HOST + ":" + ilert.port(), true, 200));
      assertThat(proxy.proxied()).extracting(ForwardProxy.Proxied::method).containsOnly("CONNECT");

      agent.stop();
      assertThat(agent.log()).contains("through proxy http://127.0.0.1:" + proxy.port());
    }
  }
}
