package com.ilert.ilagent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Broker lists as librdkafka, the Rust program's Kafka client, reads them. */
class BrokerListTest {
  private static AgentConfig load(String brokers, String... properties) throws ConfigException {
    FlagValues flags =
        new FlagValues().add(Setting.KAFKA_BROKERS, brokers).add(Setting.EVENT_TOPIC, "events");
    for (String p : properties) {
      flags.add(Setting.KAFKA_PROPERTY, p);
    }
    return ConfigLoader.load(flags, Map.of());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "kafka-1                                  | kafka-1:9092",
        "kafka-1:9093                             | kafka-1:9093",
        "kafka-1,kafka-2:9093                     | kafka-1:9092,kafka-2:9093",
        "PLAINTEXT://kafka-1:9092                 | kafka-1:9092",
        "plaintext://kafka-1                      | kafka-1:9092",
        "[::1]                                    | [::1]:9092",
        "PLAINTEXT://[::1]:9093, kafka-2          | [::1]:9093,kafka-2:9092",
      })
  void entriesWithoutPortOrWithAProtocolPrefixBecomeHostAndPort(String given, String expected)
      throws Exception {
    assertThat(String.join(",", load(given).kafka().brokers())).isEqualTo(expected);
  }

  @Test
  void aPrefixSetsTheSecurityProtocolWhenNothingElseDoes() throws Exception {
    assertThat(load("SSL://kafka-1:9093,kafka-2:9093").kafka().properties())
        .containsEntry("security.protocol", "SSL");
    assertThat(load("sasl_ssl://kafka-1:9096").kafka().properties())
        .containsEntry("security.protocol", "SASL_SSL");
    assertThat(load("kafka-1:9092").kafka().properties()).doesNotContainKey("security.protocol");
  }

  @Test
  void aPrefixThatAgreesWithTheSecurityProtocolIsFineOneThatContradictsItIsNot() throws Exception {
    assertThat(load("SASL_SSL://kafka-1:9096", "security.protocol=sasl_ssl").kafka().properties())
        .containsEntry("security.protocol", "sasl_ssl");
    assertThatThrownBy(() -> load("PLAINTEXT://kafka-1:9092", "security.protocol=SSL"))
        .hasMessage(
            "--kafka_brokers: the entries say PLAINTEXT, but security.protocol is \"SSL\""
                + " (--kafka_property); use one protocol");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "HTTP://kafka-1:9092   | is not HOST[:PORT] or PROTOCOL://HOST[:PORT]",
        "://kafka-1:9092       | is not HOST[:PORT]",
        "kafka-1:port          | has no valid port (1-65535)",
        "kafka-1:0             | has no valid port (1-65535)",
        "::1                   | is not HOST[:PORT]",
        "[::1                  | is not HOST[:PORT]",
        "[::1]x                | is not HOST[:PORT]",
        "SSL://                | is not HOST[:PORT]",
        "kafka-1/x:9092        | is not HOST[:PORT]",
      })
  void anythingElseIsAConfigurationErrorNamingTheOption(String given, String problem) {
    assertThatThrownBy(() -> load(given))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("--kafka_brokers: \"" + given + "\" " + problem);
  }
}
