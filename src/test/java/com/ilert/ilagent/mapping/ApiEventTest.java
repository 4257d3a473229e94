package com.ilert.ilagent.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Events posted to the HTTP API, checked as the Rust program checks them, and marked records. */
class ApiEventTest {
  private static final String KEY = "il1apiapievent0000001";
  private static final byte[] MARKER = "events".getBytes(StandardCharsets.UTF_8);

  private static MappingResult body(String json) {
    return ApiEvent.fromBody(json.getBytes(StandardCharsets.UTF_8));
  }

  private static String queued(String json) {
    MappingResult r = body(json);
    assertThat(r).as(json).isInstanceOf(MappingResult.GenericEvent.class);
    return new String(((MappingResult.GenericEvent) r).body(), StandardCharsets.UTF_8);
  }

  private static MappingResult.Skip skip(String json) {
    MappingResult r = body(json);
    assertThat(r).as(json).isInstanceOf(MappingResult.Skip.class);
    return (MappingResult.Skip) r;
  }

  @Test
  void theEventIsQueuedWithTheRustProgramsFieldsInItsOrderNullForTheAbsentOnes() {
    assertThat(
            queued(
                "{\"apiKey\":\""
                    + KEY
                    + "\",\"summary\":\"Server down\",\"eventType\":\"ALERT\",\"alertKey\":\"host-1\","
                    + "\"severity\":3,\"routingKey\":\"dropped\"}"))
        .isEqualTo(
            "{\"integrationKey\":\""
                + KEY
                + "\",\"eventType\":\"ALERT\",\"summary\":\"Server down\",\"details\":null,"
                + "\"alertKey\":\"host-1\",\"priority\":null,\"images\":null,\"links\":null,"
                + "\"customDetails\":null}");
  }

  @Test
  void everyOptionalFieldIsKeptImagesAndLinksNormalised() {
    assertThat(
            queued(
                "{\"integrationKey\":\""
                    + KEY
                    + "\",\"eventType\":\"RESOLVE\",\"summary\":\"Resolved\",\"details\":\"text\","
                    + "\"alertKey\":\"a-42\",\"priority\":\"HIGH\","
                    + "\"images\":[{\"src\":\"https://img/a.png\",\"extra\":1}],"
                    + "\"links\":[{\"href\":\"https://example.com\",\"text\":\"Dashboard\"}],"
                    + "\"customDetails\":{\"env\":\"prod\",\"load\":1.50}}"))
        .isEqualTo(
            "{\"integrationKey\":\""
                + KEY
                + "\",\"eventType\":\"RESOLVE\",\"summary\":\"Resolved\",\"details\":\"text\","
                + "\"alertKey\":\"a-42\",\"priority\":\"HIGH\","
                + "\"images\":[{\"src\":\"https://img/a.png\",\"href\":null,\"alt\":null}],"
                + "\"links\":[{\"href\":\"https://example.com\",\"text\":\"Dashboard\"}],"
                + "\"customDetails\":{\"env\":\"prod\",\"load\":1.50}}");
  }

  @Test
  void theEventCarriesWhatOrderingAndPacingNeed() {
    MappingResult.GenericEvent e =
        (MappingResult.GenericEvent)
            body(
                "{\"integrationKey\":\""
                    + KEY
                    + "\",\"eventType\":\"ACCEPT\",\"summary\":\"s\",\"alertKey\":\"a\"}");
    assertThat(e.integrationKey()).isEqualTo(KEY);
    assertThat(e.alertKey()).isEqualTo("a");
    assertThat(e.eventType()).isEqualTo("ACCEPT");
    MappingResult.GenericEvent blank =
        (MappingResult.GenericEvent)
            body(
                "{\"integrationKey\":\""
                    + KEY
                    + "\",\"eventType\":\"ALERT\",\"summary\":\"s\",\"alertKey\":\" \"}");
    assertThat(blank.alertKey()).as("nothing to group by").isNull();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "'{\"integrationKey\":\"K\",\"eventType\":\"PANIC\",\"summary\":\"s\"}' | unknown_event_type | Unsupported value for field 'eventType'.",
        "'{\"integrationKey\":\"K\",\"eventType\":\"alert\",\"summary\":\"s\"}' | unknown_event_type | Unsupported value for field 'eventType'.",
        "'{\"integrationKey\":\"K\",\"eventType\":\"ALERT\",\"summary\":\"s\",\"priority\":\"MEDIUM\"}' | unknown_priority | Unsupported value for field 'priority'.",
        "'{\"details\":\"only details\"}'                                   | missing_integration_key | missing field `integrationKey`",
        "'{\"integrationKey\":\"K\",\"summary\":\"s\"}'                     | invalid_field | missing field `eventType`",
        "'{\"integrationKey\":\"K\",\"eventType\":\"RESOLVE\"}'             | invalid_field | missing field `summary`",
        "'{\"integrationKey\":\"K\",\"eventType\":\"ALERT\",\"summary\":5}' | invalid_field | summary must be a string, not an integer",
        "'{\"integrationKey\":7,\"eventType\":\"ALERT\",\"summary\":\"s\"}' | missing_integration_key | integrationKey must be a string, not an integer",
        "'{\"integrationKey\":\"a b\",\"eventType\":\"ALERT\",\"summary\":\"s\"}' | missing_integration_key | integrationKey ",
        "'{\"integrationKey\":\"K\",\"eventType\":\"ALERT\",\"summary\":\"s\",\"images\":[{\"href\":\"x\"}]}' | invalid_field | images entry: missing field `src`",
        "'{\"integrationKey\":\"K\",\"eventType\":\"ALERT\",\"summary\":\"s\",\"links\":{}}' | invalid_field | links must be an array, not an object",
        "not json                                                             | invalid_json | invalid JSON",
        "'[1,2]'                                                              | not_object | JSON an array, not an object",
        "''                                                                   | empty | empty value",
      })
  void aBodyTheRustProgramWouldRefuseIsRefusedWithWhy(String json, String reason, String detail) {
    MappingResult.Skip s = skip(json.replace("\"K\"", "\"" + KEY + "\""));
    assertThat(s.reason().label()).isEqualTo(reason);
    assertThat(s.detail()).startsWith(detail).doesNotContain(KEY);
  }

  @Test
  void aBodyOverSixteenThousandBytesIsTooLarge() {
    String head = "{\"integrationKey\":\"" + KEY + "\",\"eventType\":\"ALERT\",\"summary\":\"";
    String fits = head + "x".repeat(ApiEvent.MAX_BYTES - head.length() - 2) + "\"}";
    assertThat(fits.length()).isEqualTo(ApiEvent.MAX_BYTES);
    assertThat(body(fits)).isInstanceOf(MappingResult.GenericEvent.class);
    assertThat(skip(fits.replace("\"}", "x\"}")).reason()).isEqualTo(SkipReason.TOO_LARGE);
  }

  @Test
  void aMarkedRecordIsSentExactlyAsQueued() {
    byte[] value =
        ("{\"integrationKey\":\""
                + KEY
                + "\",\"eventType\":\"ALERT\",\"summary\":\"s\",\"customDetails\":{\"n\":1.0}}")
            .getBytes(StandardCharsets.UTF_8);
    MappingResult r = ApiEvent.fromRecord(MARKER, value);
    assertThat(r).isInstanceOf(MappingResult.GenericEvent.class);
    assertThat(((MappingResult.GenericEvent) r).body()).isSameAs(value);
    assertThat(((MappingResult.GenericEvent) r).integrationKey()).isEqualTo(KEY);
  }

  @Test
  void aForgedMarkerGetsNoFurtherThanThePostedBodyWould() {
    // Marked by anyone who can write to the topic: checked with the API's rules.
    assertThat(ApiEvent.fromRecord(MARKER, "{\"anything\":true}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(MappingResult.Skip.class);
    byte[] huge =
        ("{\"integrationKey\":\""
                + KEY
                + "\",\"eventType\":\"ALERT\",\"summary\":\""
                + "x".repeat(20_000)
                + "\"}")
            .getBytes(StandardCharsets.UTF_8);
    assertThat(((MappingResult.Skip) ApiEvent.fromRecord(MARKER, huge)).reason())
        .isEqualTo(SkipReason.TOO_LARGE);
    MappingResult.Skip unknown =
        (MappingResult.Skip)
            ApiEvent.fromRecord(
                "v2".getBytes(StandardCharsets.UTF_8),
                queued(
                        "{\"integrationKey\":\""
                            + KEY
                            + "\",\"eventType\":\"ALERT\",\"summary\":\"s\"}")
                    .getBytes(StandardCharsets.UTF_8));
    assertThat(unknown.reason()).isEqualTo(SkipReason.INVALID_FIELD);
    assertThat(unknown.detail()).contains("ilagent.http-api");
    assertThat(ApiEvent.fromRecord(null, new byte[0])).isInstanceOf(MappingResult.Skip.class);
  }
}
