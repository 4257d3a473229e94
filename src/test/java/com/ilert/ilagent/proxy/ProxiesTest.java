package com.ilert.ilagent.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Proxy URLs, the variables that set them and which wins, and NO_PROXY, as reqwest reads them. */
class ProxiesTest {

  private static ProxyUrl url(String text) throws ProxyUrl.Invalid {
    return ProxyUrl.parse(text);
  }

  private static Map<String, String> env(String... pairs) {
    Map<String, String> env = new HashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      env.put(pairs[i], pairs[i + 1]);
    }
    return env;
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "http://proxy.example.com:3128,  proxy.example.com, 3128",
    "HTTP://proxy.example.com:3128/, proxy.example.com, 3128",
    "proxy.example.com:3128,         proxy.example.com, 3128",
    "http://proxy.example.com,       proxy.example.com, 80",
    "proxy,                          proxy,             80",
    "http://10.0.0.5:8080/some/path, 10.0.0.5,          8080",
    "http://[fd00::1]:3128,          fd00::1,           3128",
    "' http://proxy:1 ',             proxy,             1",
  })
  void parsesProxyUrlsWithOrWithoutSchemeAndPort(String text, String host, int port)
      throws Exception {
    ProxyUrl p = url(text);
    assertThat(p.host()).isEqualTo(host);
    assertThat(p.port()).isEqualTo(port);
    assertThat(p.hasCredentials()).isFalse();
  }

  @Test
  void credentialsArePercentDecodedAndNeverShown() throws Exception {
    ProxyUrl p = url("http://ops%40corp:p%3Ass+w@rd@proxy.example.com:3128");
    assertThat(p.username()).isEqualTo("ops@corp");
    assertThat(p.password()).isEqualTo("p:ss+w@rd");
    assertThat(p.toString()).isEqualTo("http://****@proxy.example.com:3128");
    assertThat(url("http://user@proxy:3128").password()).as("user only").isEmpty();
    assertThat(url("user:pw@proxy:3128").username()).as("no scheme").isEqualTo("user");
    assertThat(url("http://[::1]:3128").toString()).isEqualTo("http://[::1]:3128");
  }

  @ParameterizedTest(name = "\"{0}\"")
  @CsvSource(
      delimiter = '|',
      value = {
        "''                                  | is empty",
        "https://proxy:443                   | over TLS (https://) is not supported",
        "socks5://proxy:1080                 | SOCKS proxies are not supported",
        "socks5h://user:secret@proxy:1080    | SOCKS proxies are not supported",
        "ftp://proxy:21                      | expected an http:// proxy URL",
        "http://proxy:99999                  | no valid port",
        "http://proxy:0                      | no valid port",
        "http://proxy:port                   | no valid port",
        "http://user:secret@:3128            | no valid proxy host",
        "http://pro xy:3128                  | no valid proxy host",
        "http://[::1:3128                    | closing ']'",
        "http://user:%zzsecret@proxy:3128    | malformed %-escape",
      })
  void refusesWhatCannotBeUsedWithoutRepeatingTheValue(String text, String problem) {
    assertThatThrownBy(() -> url(text))
        .isInstanceOf(ProxyUrl.Invalid.class)
        .hasMessageContaining(problem)
        .hasMessageNotContaining("secret");
  }

  @Test
  void schemeVariablesChooseTheProxyPerSchemeUpperCaseFirst() throws Exception {
    Proxies p =
        Proxies.resolve(
            null,
            env(
                "HTTPS_PROXY",
                "http://secure-proxy:3128",
                "https_proxy",
                "http://lower:1",
                "http_proxy",
                "http://plain-proxy:8080"));
    assertThat(p.https()).isEqualTo(url("http://secure-proxy:3128"));
    assertThat(p.http())
        .as("lower case when upper is not set")
        .isEqualTo(url("http://plain-proxy:8080"));
    assertThat(p.forTarget(true, "api.ilert.com")).isEqualTo(url("http://secure-proxy:3128"));
    assertThat(p.forTarget(false, "api.ilert.com")).isEqualTo(url("http://plain-proxy:8080"));
    assertThat(p.problems()).isEmpty();
  }

  @Test
  void allProxyCoversTheSchemesWithoutAVariableOfTheirOwn() throws Exception {
    Proxies p =
        Proxies.resolve(null, env("ALL_PROXY", "http://all:1", "HTTP_PROXY", "http://plain:2"));
    assertThat(p.https()).isEqualTo(url("http://all:1"));
    assertThat(p.http()).isEqualTo(url("http://plain:2"));
    assertThat(Proxies.resolve(null, env("all_proxy", "all:3")).http())
        .isEqualTo(url("http://all:3"));
  }

  @Test
  void emptyVariablesCountAsNotSet() throws Exception {
    Proxies p =
        Proxies.resolve(
            null, env("HTTPS_PROXY", "", "https_proxy", "http://lower:1", "NO_PROXY", ""));
    assertThat(p.https()).isEqualTo(url("http://lower:1"));
    assertThat(Proxies.resolve(null, env("HTTPS_PROXY", " ")).isEmpty()).isTrue();
  }

  @Test
  void withoutVariablesEverythingGoesDirect() {
    Proxies p = Proxies.resolve(null, Map.of("PATH", "/bin"));
    assertThat(p.isEmpty()).isTrue();
    assertThat(p.forTarget(true, "api.ilert.com")).isNull();
  }

  @Test
  void theProxyOptionWinsOverEveryVariableButNoProxyStillApplies() throws Exception {
    ProxyUrl explicit = url("http://option:3128");
    Proxies p =
        Proxies.resolve(
            explicit,
            env(
                "HTTPS_PROXY",
                "http://env:1",
                "HTTP_PROXY",
                "http://env:2",
                "ALL_PROXY",
                "http://env:3",
                "NO_PROXY",
                "internal.example.com"));
    assertThat(p.forTarget(true, "api.ilert.com")).isEqualTo(explicit);
    assertThat(p.forTarget(false, "api.ilert.com")).isEqualTo(explicit);
    assertThat(p.forTarget(true, "ilert.internal.example.com")).isNull();
  }

  @Test
  void anUnusableVariableIsIgnoredWithAProblemThatDoesNotShowItsValue() throws Exception {
    Proxies p =
        Proxies.resolve(
            null,
            env("HTTPS_PROXY", "socks5://user:hunter2@socks:1080", "HTTP_PROXY", "http://plain:1"));
    assertThat(p.https()).as("ignored, not replaced by another variable").isNull();
    assertThat(p.http()).isEqualTo(url("http://plain:1"));
    assertThat(p.problems())
        .singleElement()
        .asString()
        .startsWith("HTTPS_PROXY SOCKS proxies are not supported")
        .contains("ignored")
        .doesNotContain("hunter2");
  }

  @Test
  void toStringShowsNoCredentials() throws Exception {
    Proxies p = Proxies.resolve(url("http://u:hunter2@proxy:1"), Map.of());
    assertThat(p.toString()).doesNotContain("hunter2").contains("http://****@proxy:1");
  }

  @ParameterizedTest(name = "NO_PROXY={0} host={1} -> {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        // Domains: the domain itself and every subdomain, with or without a leading dot.
        "example.com              | example.com          | true",
        "example.com              | api.example.com      | true",
        "example.com              | a.b.example.com      | true",
        "example.com              | notexample.com       | false",
        "example.com              | example.com.evil.org | false",
        ".example.com             | example.com          | true",
        ".example.com             | api.example.com      | true",
        ".example.com             | notexample.com       | false",
        "EXAMPLE.com              | Api.Example.COM      | true",
        "ilert.com, .internal     | beat.ilert.com       | true",
        "ilert.com, .internal     | db.internal          | true",
        "ilert.com, .internal     | internal             | true",
        "' ilert.com ,, other '   | api.ilert.com        | true",
        // The only wildcard.
        "*                        | api.ilert.com        | true",
        "*                        | 10.0.0.1             | true",
        "*.ilert.com              | api.ilert.com        | false",
        // Ports are not part of the match: an entry with one matches nothing.
        "api.ilert.com:443        | api.ilert.com        | false",
        "127.0.0.1:8080           | 127.0.0.1            | false",
        // IP addresses and networks match hosts given as addresses, never names.
        "127.0.0.1                | 127.0.0.1            | true",
        "127.0.0.1                | 127.0.0.2            | false",
        "10.0.0.0/8               | 10.42.1.1            | true",
        "10.0.0.0/8               | 11.0.0.1             | false",
        "10.42.1.1/24             | 10.42.1.200          | true",
        "10.42.1.1/24             | 10.42.2.1            | false",
        "0.0.0.0/0                | 192.168.1.1          | true",
        "::1                      | [::1]                | true",
        "::1                      | ::1                  | true",
        "fd00::/8                 | [fd12:3456::1]       | true",
        "fd00::/8                 | [fe80::1]            | false",
        "10.0.0.0/8               | [::1]                | false",
        "127.0.0.1                | localhost            | false",
        "localhost                | 127.0.0.1            | false",
        "localhost                | localhost            | true",
        "[::1]                    | [::1]                | false",
        "010.0.0.1                | 10.0.0.1             | false",
        "''                       | api.ilert.com        | false",
      })
  void noProxyMatchesLikeReqwest(String list, String host, boolean bypass) {
    assertThat(NoProxy.parse(list).matches(host)).isEqualTo(bypass);
  }

  @Test
  void noProxyNeverLooksANameUp() {
    // A name that happens to look like hex must be treated as a name, not resolved.
    assertThat(NoProxy.literal("cafe")).isNull();
    assertThat(NoProxy.literal("fe80::zz")).isNull();
    assertThat(NoProxy.literal("dead:beef::1")).hasSize(16);
    assertThat(NoProxy.literal("1.2.3.4")).hasSize(4);
    assertThat(NoProxy.literal("1.2.3")).isNull();
  }
}
