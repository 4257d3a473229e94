package com.ilert.ilagent.it;

import static com.ilert.ilagent.it.Agents.event;
import static com.ilert.ilagent.it.Agents.kafka;
import static com.ilert.ilagent.it.Agents.unique;
import static org.assertj.core.api.Assertions.assertThat;

import com.ilert.ilagent.testkit.AgentProcess;
import com.ilert.ilagent.testkit.ForwardProxy;
import com.ilert.ilagent.testkit.IlertStandIn;
import com.ilert.ilagent.testkit.Received;
import com.ilert.ilagent.testkit.TestCertificates;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent on a host that reaches ilert only through a proxy. ilert's host name is
 * "ilert.invalid", which only the test kit's forward proxy resolves: a request that arrives at the
 * ilert stand-in came through the proxy.
 */
class ProxyIT {
  private static final String HOST = "ilert.invalid";
  private static final String KEY = "il1apiproxy0000000001";
  private static final String OWN = "hbmonitorproxyit00001";
  private static final String PROXY_USER = "ops@corp";
  private static final String PROXY_PASSWORD = "pr0xy-s3cret:x";

  @TempDir Path dir;

  private static List<String> daemon(String group, String topic, String apiUrl, String heartbeatUrl, String... extra) {
    List<String> args = new java.util.ArrayList<>(List.of("daemon", "-v", "-v",
        "--kafka_brokers", kafka().bootstrapServers(), "--kafka_group_id", group,
        "--kafka_offset_reset", "earliest", "-e", topic, "--api_url", apiUrl, "--heartbeat_url", heartbeatUrl));
    args.addAll(List.of(extra));
    return args;
  }

  @Test
  void httpThroughTheProxyFromHttpProxyWithCredentialsAndNoProxyHostsDirect() {
    String topic = unique("proxy-http");
    String group = unique("proxy-http");
    kafka().createTopic(topic, 1);
    try (IlertStandIn ilert = new IlertStandIn().start();
        ForwardProxy proxy = new ForwardProxy().resolve(HOST, "127.0.0.1")
            .requireCredentials(PROXY_USER, PROXY_PASSWORD).start()) {
      // Events to ilert.invalid through the proxy; the own heartbeat to 127.0.0.1, which NO_PROXY exempts.
      Map<String, String> env = Map.of("HTTP_PROXY", proxy.url(PROXY_USER, PROXY_PASSWORD), "NO_PROXY", "localhost,127.0.0.1");
      List<String> args = daemon(group, topic, ilert.apiUrl(HOST), ilert.heartbeatUrl(), "-b", OWN);
      try (AgentProcess agent = AgentProcess.start("proxy-http", args, env)) {
        agent.awaitLog("Subscribed to", Duration.ofSeconds(45));
        kafka().send(topic, "k", event(KEY, "ALERT", "through the proxy", null));

        assertThat(ilert.awaitEvents(1, Duration.ofSeconds(30))).extracting(Received::summary)
            .containsExactly("through the proxy");
        assertThat(ilert.awaitPings(1, Duration.ofSeconds(15))).extracting(Received::integrationKey).containsExactly(OWN);
        assertThat(proxy.awaitProxied(1, Duration.ofSeconds(10))).as("the event in absolute form with credentials, the ping not at all")
            .containsExactly(new ForwardProxy.Proxied("POST", HOST + ":" + ilert.port(), true, 202));
        assertThat(ilert.events().get(0).headers()).doesNotContainKey("Proxy-Authorization");

        agent.sigterm();
        assertThat(agent.awaitExit(Duration.ofSeconds(30))).isZero();
        assertThat(agent.log())
            .contains("ilert API " + ilert.apiUrl(HOST) + ": through proxy http://****@127.0.0.1:" + proxy.port())
            .contains("ilert heartbeats " + ilert.heartbeatUrl() + ": direct (NO_PROXY)")
            .doesNotContain(PROXY_PASSWORD, "pr0xy-s3cret", "ops%40corp", KEY);
      }
    }
  }

  @Test
  void httpsThroughAConnectTunnelFromTheProxyOptionWhichWinsOverTheEnvironment() {
    TestCertificates certs = TestCertificates.server(dir, HOST);
    String topic = unique("proxy-https");
    String group = unique("proxy-https");
    kafka().createTopic(topic, 1);
    try (IlertStandIn ilert = new IlertStandIn().tls(certs.brokerKeyStore(), certs.brokerKeyStorePassword()).start();
        ForwardProxy proxy = new ForwardProxy().resolve(HOST, "127.0.0.1").start()) {
      // HTTPS_PROXY points nowhere: only --proxy can make this work. The JVM trusts the test CA
      // through the standard trust-store options, as an operator would add their own CA.
      Map<String, String> env = Map.of("HTTPS_PROXY", "http://127.0.0.1:1");
      List<String> args = daemon(group, topic, ilert.apiUrl(HOST), ilert.heartbeatUrl(HOST), "--proxy", proxy.url());
      try (AgentProcess agent = AgentProcess.start("proxy-https", certs.trustingJvmOptions(), args, env)) {
        agent.awaitLog("Subscribed to", Duration.ofSeconds(45));
        kafka().send(topic, "k", event(KEY, "ALERT", "through the tunnel", null));

        assertThat(ilert.awaitEvents(1, Duration.ofSeconds(30))).extracting(Received::summary)
            .containsExactly("through the tunnel");
        assertThat(ilert.apiUrl(HOST)).startsWith("https://");
        assertThat(proxy.awaitProxied(1, Duration.ofSeconds(10))).as("one tunnel, kept alive").first()
            .isEqualTo(new ForwardProxy.Proxied("CONNECT", HOST + ":" + ilert.port(), true, 200));
        assertThat(proxy.proxied()).extracting(ForwardProxy.Proxied::method).containsOnly("CONNECT");

        agent.sigterm();
        assertThat(agent.awaitExit(Duration.ofSeconds(30))).isZero();
        assertThat(agent.log()).contains("through proxy http://127.0.0.1:" + proxy.port());
      }
    }
  }
}
