package com.ilert.ilagent.util;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SecretsTest {
  private static final Map<String, String> PROPS = Map.of(
      "sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"alice\" password=\"my secret;pass\";",
      "ssl.keystore.password", "ks-Pa55word",
      "client.id", "ilagent-prod");

  @Test
  void secretValuesAndTheirPiecesAreRedacted() {
    String parserError = "Value not specified for key 'secret;pass' in JAAS config; keystore ks-Pa55word";
    assertThat(Secrets.redact(parserError, PROPS))
        .doesNotContain("secret", "ks-Pa55word")
        .startsWith("Value not specified for key '****");
  }

  @Test
  void otherSettingsAreLeftAlone() {
    assertThat(Secrets.redact("client ilagent-prod cannot connect", PROPS)).isEqualTo("client ilagent-prod cannot connect");
    assertThat(Secrets.isSecret("ssl.truststore.password")).isTrue();
    assertThat(Secrets.isSecret("sasl.oauthbearer.token.endpoint.url")).isTrue();
    assertThat(Secrets.isSecret("bootstrap.servers")).isFalse();
  }
}
