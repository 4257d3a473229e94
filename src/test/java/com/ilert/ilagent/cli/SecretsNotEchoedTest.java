package com.ilert.ilagent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.ilert.ilagent.ExitCodes;
import com.ilert.ilagent.cli.CliRun.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka properties, the heartbeat key, the event key, the proxy URL and ILERT_API_KEY may be
 * credentials; error messages end up in logs, so they must name the problem without the value.
 */
class SecretsNotEchoedTest {
  private static final String SECRET = "s3cr3t-Value-4711";

  @TempDir Path dir;

  private static void assertFailsWithoutSecret(Result r) {
    assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err()).startsWith("ilagent: ").doesNotContain(SECRET);
    assertThat(r.out()).doesNotContain(SECRET);
  }

  private static Result daemon(Map<String, String> env, String... extra) {
    String[] base = {"daemon", "--kafka_brokers", "h:1", "-e", "t"};
    return CliRun.run(env, CliTest.append(base, extra));
  }

  @Test
  void kafkaPropertyWithoutEquals() {
    assertFailsWithoutSecret(daemon(Map.of(), "--kafka_property", SECRET));
  }

  @Test
  void reservedKafkaPropertyFromFlagAndEnv() {
    assertFailsWithoutSecret(daemon(Map.of(), "--kafka_property", "bootstrap.servers=" + SECRET));
    assertFailsWithoutSecret(daemon(Map.of("ILAGENT_KAFKA_PROPERTY_GROUP_ID", SECRET)));
  }

  @Test
  void unknownOptionWithAttachedValue() {
    assertFailsWithoutSecret(daemon(Map.of(), "--event_keyy=" + SECRET));
  }

  @Test
  void strayWordAfterASecretOption() {
    assertFailsWithoutSecret(daemon(Map.of(), "--event_key", "half", SECRET));
  }

  @Test
  void wrongTypesInConfigFile() throws IOException {
    for (String json :
        new String[] {
          "{\"event_key\": [\"" + SECRET + "\"]}",
          "{\"heartbeat\": {\"k\": \"" + SECRET + "\"}}",
          "{\"kafka\": {\"sasl.jaas.config\": [\"" + SECRET + "\"]}}",
          "{\"kafka\": {\"group.id\": \""
              + SECRET
              + "\"}, \"kafka_brokers\": \"h:1\", \"event_topic\": \"t\"}",
          "{\"event_key\": \"" + SECRET + "\" \"port\": 1}"
        }) {
      Path f = dir.resolve("c.json");
      Files.writeString(f, json);
      assertFailsWithoutSecret(CliRun.run("daemon", "--config", f.toString()));
    }
  }

  @Test
  void proxyUrlsWithCredentialsAreNeverEchoed() throws IOException {
    for (String bad :
        new String[] {
          "http://ops:" + SECRET + "@proxy:99999",
          "https://ops:" + SECRET + "@proxy:443",
          "socks5://ops:" + SECRET + "@proxy:1080",
          "http://ops:" + SECRET + "@",
          "ftp://" + SECRET
        }) {
      assertFailsWithoutSecret(daemon(Map.of(), "--proxy", bad));
      assertFailsWithoutSecret(daemon(Map.of("ILAGENT_PROXY", bad)));
      Path f = dir.resolve("p.json");
      Files.writeString(
          f, "{\"kafka_brokers\": \"h:1\", \"event_topic\": \"t\", \"proxy\": \"" + bad + "\"}");
      assertFailsWithoutSecret(CliRun.run("daemon", "--config", f.toString()));
      assertFailsWithoutSecret(
          CliRun.run("heartbeat", "-k", "il1hbt0123456789abcdef", "--proxy", bad));
    }
  }

  @Test
  void theApiKeyIsNeverEchoed() {
    String[] policy = {"--policy_topic", "p", "--policy_routing_keys", "a"};
    assertFailsWithoutSecret(daemon(Map.of("ILERT_API_KEY", SECRET + " x"), policy));
    assertFailsWithoutSecret(
        daemon(
            Map.of("ILERT_API_KEY", "Bearer " + SECRET + "\n"),
            CliTest.append(policy, "--shift_offset", "x")));
  }

  @Test
  void blankSecretsSayOnlyThatTheyAreEmpty() {
    Result r = daemon(Map.of("ILAGENT_HEARTBEAT", " "));
    assertThat(r.errLines()).containsExactly("ilagent: ILAGENT_HEARTBEAT: must not be empty");
  }

  @Test
  void anHttpApiTokenThatCannotBeUsedOrHasNoServer() {
    assertFailsWithoutSecret(daemon(Map.of(), "-p", "8977", "--http_api_token", SECRET + " x"));
    assertFailsWithoutSecret(daemon(Map.of("ILAGENT_HTTP_API_TOKEN", SECRET + "\"")));
    assertFailsWithoutSecret(daemon(Map.of(), "--http_api_token", SECRET));
  }
}
