package com.ilert.ilagent.redaction;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class RedactionTest {
  private static final Map<String, String> PROPS =
      Map.of(
          "sasl.jaas.config",
              "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"alice\" password=\"my secret;pass\";",
          "ssl.keystore.password", "ks-Pa55word",
          "client.id", "ilagent-prod");

  @Test
  void secretValuesAndTheirPiecesAreRedacted() {
    String parserError =
        "Value not specified for key 'secret;pass' in JAAS config; keystore ks-Pa55word";
    assertThat(Redaction.secretsIn(parserError, PROPS))
        .doesNotContain("secret", "ks-Pa55word")
        .startsWith("Value not specified for key '****");
  }

  @Test
  void otherSettingsAreLeftAlone() {
    assertThat(Redaction.secretsIn("client ilagent-prod cannot connect", PROPS))
        .isEqualTo("client ilagent-prod cannot connect");
    assertThat(Redaction.isSecretProperty("ssl.truststore.password")).isTrue();
    assertThat(Redaction.isSecretProperty("sasl.oauthbearer.token.endpoint.url")).isTrue();
    assertThat(Redaction.isSecretProperty("bootstrap.servers")).isFalse();
  }

  @Test
  void emailsAreMaskedInTexts() {
    assertThat(Redaction.email("jane.doe@example.com")).isEqualTo("j***@example.com");
    assertThat(Redaction.email("no-at-sign")).isEqualTo("****");
  }
}
