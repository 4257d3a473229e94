package com.ilert.ilagent.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HeartbeatMapperTest {
  final HeartbeatMapper mapper = new HeartbeatMapper();

  MappingResult map(byte[] value) {
    return mapper.map(value);
  }

  MappingResult map(String json) {
    return map(json.getBytes(StandardCharsets.UTF_8));
  }

  static void skipped(MappingResult r, SkipReason reason) {
    assertThat(r).as("expected a skip, got %s", r).isInstanceOf(MappingResult.Skip.class);
    assertThat(((MappingResult.Skip) r).reason()).isEqualTo(reason);
  }

  @Test
  void seedPayloadBecomesAPing() {
    assertThat(map("{\n  \"integrationKey\": \"il1hbt123...\"\n}"))
        .isEqualTo(new MappingResult.Heartbeat("il1hbt123..."));
  }

  @Test
  void apiKeyIsAnAliasAndIntegrationKeyWins() {
    assertThat(map("{\"apiKey\":\"il1hbtALIAS\"}"))
        .isEqualTo(new MappingResult.Heartbeat("il1hbtALIAS"));
    assertThat(map("{\"apiKey\":\"il1hbtALIAS\",\"integrationKey\":\"il1hbtMAIN\"}"))
        .isEqualTo(new MappingResult.Heartbeat("il1hbtMAIN"));
  }

  @Test
  void otherFieldsAreIgnored() {
    assertThat(map("{\"integrationKey\":\"il1hbtKEY\",\"eventType\":\"FOO\",\"severity\":[]}"))
        .isEqualTo(new MappingResult.Heartbeat("il1hbtKEY"));
  }

  @Test
  void badInputIsSkippedForTheSameReasonsAsEvents() {
    skipped(map((byte[]) null), SkipReason.EMPTY);
    skipped(map(new byte[0]), SkipReason.EMPTY);
    skipped(map(new byte[] {(byte) 0xC3, 0x28}), SkipReason.NOT_UTF8);
    skipped(map(new byte[] {'{', '}', (byte) 0xFF}), SkipReason.NOT_UTF8);
    skipped(map("{\"integrationKey\":"), SkipReason.INVALID_JSON);
    skipped(map("{\"integrationKey\":\"il1hbtKEY\"} trailing"), SkipReason.INVALID_JSON);
    skipped(map("[\"il1hbtKEY\"]"), SkipReason.NOT_OBJECT);
    skipped(map("\"il1hbtKEY\""), SkipReason.NOT_OBJECT);
    skipped(map("{\"x\":" + "[".repeat(200) + "]".repeat(200) + "}"), SkipReason.INVALID_JSON);
    skipped(map(new byte[EventMapper.MAX_RECORD_BYTES + 1]), SkipReason.TOO_LARGE);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{}",
        "{\"integrationKey\":\"\"}",
        "{\"integrationKey\":42}",
        "{\"apiKey\":null}",
        "{\"integrationKey\":\"il1hbt/SECRETSECRET\"}"
      })
  void missingOrUnusableKeyIsMissingIntegrationKey(String json) {
    MappingResult r = map(json);
    skipped(r, SkipReason.MISSING_INTEGRATION_KEY);
    assertThat(((MappingResult.Skip) r).detail()).doesNotContain("SECRETSECRET");
  }
}
