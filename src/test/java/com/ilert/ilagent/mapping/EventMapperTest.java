package com.ilert.ilagent.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EventMapperTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String TOPIC = "events-topic";
  static final String KEY = "il1api0123456789abcdef";

  static MappingConfig config() {
    return MappingConfig.DEFAULT;
  }

  static MappingResult map(MappingConfig config, String json) {
    return map(config, json.getBytes(StandardCharsets.UTF_8));
  }

  static MappingResult map(MappingConfig config, byte[] value) {
    return new EventMapper(config).map(TOPIC, 3, 42L, null, value);
  }

  static MappingResult map(String json) {
    return map(MappingConfig.DEFAULT, json);
  }

  static MappingResult.Event event(MappingResult r) {
    assertThat(r).as("expected an event, got %s", r).isInstanceOf(MappingResult.Event.class);
    return (MappingResult.Event) r;
  }

  static JsonNode body(MappingResult r) {
    try {
      return JSON.readTree(event(r).body());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  static MappingResult.Skip skip(MappingResult r, SkipReason reason) {
    assertThat(r).as("expected a skip, got %s", r).isInstanceOf(MappingResult.Skip.class);
    MappingResult.Skip s = (MappingResult.Skip) r;
    assertThat(s.reason()).as("reason, detail: %s", s.detail()).isEqualTo(reason);
    assertThat(s.detail()).isNotBlank();
    return s;
  }

  static MappingConfig with(String field, String value) {
    String[] v = new String[9];
    String[] names = {
      "eventKey",
      "mapKeyAlertKey",
      "mapKeySummary",
      "mapKeyEtype",
      "mapValEtypeAlert",
      "mapValEtypeAccept",
      "mapValEtypeResolve",
      "filterKey",
      "filterVal"
    };
    for (int i = 0; i < names.length; i++) {
      if (names[i].equals(field)) {
        v[i] = value;
      }
    }
    return new MappingConfig(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], false, false);
  }

  static String withKey(String fields) {
    return "{\"integrationKey\":\"" + KEY + "\"" + (fields.isEmpty() ? "" : "," + fields) + "}";
  }

  @Nested
  class DocumentedExamples {
    @Test
    void seedPayloadBecomesTheSameEventWithRecordMetadata() throws Exception {
      MappingResult r =
          map(
              "{\n  \"integrationKey\": \"il1api123...\",\n  \"eventType\": \"ALERT\",\n"
                  + "  \"summary\": \"Hey from Kafka\"\n}");
      MappingResult.Event e = event(r);
      assertThat(e.integrationKey()).isEqualTo("il1api123...");
      assertThat(e.alertKey()).isNull();
      assertThat(e.eventType()).isEqualTo("ALERT");
      assertThat(body(r))
          .isEqualTo(
              JSON.readTree(
                  "{\"integrationKey\":\"il1api123...\",\"eventType\":\"ALERT\","
                      + "\"summary\":\"Hey from Kafka\",\"customDetails\":{\"messageKey\":null,"
                      + "\"topic\":\"events-topic\",\"partition\":3,\"offset\":42}}"));
    }

    @Test
    void dottedPathReadsNestedObject() {
      MappingResult r =
          map(
              with("mapKeySummary", "data.message"),
              withKey("\"data\":{\"message\":\"disk full\"}"));
      assertThat(body(r).get("summary").asText()).isEqualTo("disk full");
    }

    @Test
    void alertWithoutSummaryNamesTheTopic() {
      assertThat(body(map(withKey(""))).get("summary").asText())
          .isEqualTo("New alert from events-topic");
    }
  }

  @Nested
  class BadInput {
    @Test
    void tombstoneAndEmptyAndBlankAreEmpty() {
      skip(map(MappingConfig.DEFAULT, (byte[]) null), SkipReason.EMPTY);
      skip(map(MappingConfig.DEFAULT, new byte[0]), SkipReason.EMPTY);
      skip(map(" \n\t "), SkipReason.EMPTY);
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "C328", // C3 needs a continuation byte, 28 is '('
          "FF", // never valid
          "7B22613A22E282", // {"a:" + truncated 3-byte sequence
          "7B7DC0AF", // overlong '/'
          "7B7DEDA080", // UTF-16 surrogate D800
          "7B7DF4908080", // above U+10FFFF
          "80", // continuation byte without a lead
          "FEFF007B007D", // UTF-16 BOM
        })
    void invalidUtf8IsNotUtf8(String hex) {
      MappingResult.Skip s = skip(map(MappingConfig.DEFAULT, hex(hex)), SkipReason.NOT_UTF8);
      assertThat(s.detail()).startsWith("not valid UTF-8 at byte offset ");
    }

    @Test
    void invalidUtf8InsideAStringOfValidJsonIsNotUtf8() {
      byte[] good = withKey("\"summary\":\"a_b\"").getBytes(StandardCharsets.UTF_8);
      int at = new String(good, StandardCharsets.UTF_8).indexOf("a_b") + 1;
      good[at] = (byte) 0xFF;
      assertThat(skip(map(MappingConfig.DEFAULT, good), SkipReason.NOT_UTF8).detail())
          .isEqualTo("not valid UTF-8 at byte offset " + at);
    }

    @Test
    void utf16EncodedJsonIsRefusedNotGuessed() {
      byte[] utf16 = withKey("").getBytes(StandardCharsets.UTF_16LE);
      skip(map(MappingConfig.DEFAULT, utf16), SkipReason.INVALID_JSON);
    }

    @Test
    void utf8ByteOrderMarkAndMultibyteTextAreFine() {
      byte[] json =
          withKey("\"summary\":\"Störung \uD83D\uDD25 東京\"").getBytes(StandardCharsets.UTF_8);
      byte[] withBom = new byte[json.length + 3];
      withBom[0] = (byte) 0xEF;
      withBom[1] = (byte) 0xBB;
      withBom[2] = (byte) 0xBF;
      System.arraycopy(json, 0, withBom, 3, json.length);
      assertThat(body(map(MappingConfig.DEFAULT, withBom)).get("summary").asText())
          .isEqualTo("Störung \uD83D\uDD25 東京");
    }

    @Test
    void notJsonIsInvalidJsonWithPositionButWithoutPayloadText() {
      MappingResult.Skip s = skip(map("{\"a\": secretword}"), SkipReason.INVALID_JSON);
      assertThat(s.detail()).isEqualTo("invalid JSON at line 1 column 18");
      assertThat(skip(map("hello"), SkipReason.INVALID_JSON).detail()).doesNotContain("hello");
      assertThat(skip(map("{'a':1}"), SkipReason.INVALID_JSON).detail()).contains("line 1");
      assertThat(skip(map("{\"a\":1e99999999999}"), SkipReason.INVALID_JSON).detail())
          .isEqualTo("invalid JSON: number out of range");
    }

    @Test
    void truncatedJsonIsInvalidJson() {
      assertThat(skip(map("{\"a\":"), SkipReason.INVALID_JSON).detail())
          .startsWith("invalid JSON: unexpected end of input");
      skip(map("[1,2"), SkipReason.INVALID_JSON);
    }

    @ParameterizedTest
    @ValueSource(strings = {"[1,2]", "\"text\"", "42", "-1.5", "null", "true", "[]"})
    void jsonThatIsNotAnObjectIsNotObject(String json) {
      skip(map(json), SkipReason.NOT_OBJECT);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{} x", "{}{}", "{} []", "{} 1", "{}\n\"a\"", "{}}"})
    void trailingDataIsInvalidJson(String json) {
      skip(map(json), SkipReason.INVALID_JSON);
    }

    @Test
    void trailingWhitespaceIsFine() {
      event(map(withKey("") + " \r\n\t"));
    }

    @Test
    void nestingUpToTheLimitIsFineAndDeeperIsInvalidJson() {
      // The payload object itself is level 1.
      int inner = EventMapper.MAX_NESTING_DEPTH - 1;
      String ok = withKey("\"x\":" + "[".repeat(inner) + "]".repeat(inner));
      event(map(ok));
      String deep = withKey("\"x\":" + "[".repeat(inner + 1) + "]".repeat(inner + 1));
      assertThat(skip(map(deep), SkipReason.INVALID_JSON).detail()).contains("nested too deep");
      String veryDeep = "{\"a\":".repeat(100_000);
      assertThat(skip(map(veryDeep), SkipReason.INVALID_JSON).detail()).contains("nested too deep");
    }

    @Test
    void largerThanTheLimitIsTooLarge() {
      assertThat(EventMapper.MAX_RECORD_BYTES).isEqualTo(1_048_576);
      MappingResult.Skip s =
          skip(
              map(MappingConfig.DEFAULT, padded(EventMapper.MAX_RECORD_BYTES + 1)),
              SkipReason.TOO_LARGE);
      assertThat(s.detail()).contains("1048577");
      event(map(MappingConfig.DEFAULT, padded(EventMapper.MAX_RECORD_BYTES)));
    }

    @Test
    void oneMegabyteRecordIsMapped() throws Exception {
      byte[] value = padded(1_000_000);
      assertThat(value).hasSize(1_000_000);
      JsonNode body = body(map(MappingConfig.DEFAULT, value));
      assertThat(body.get("details").asText()).hasSizeGreaterThan(999_000);
      assertThat(body.get("summary").asText()).isEqualTo("big");
    }

    /** A valid event of exactly {@code size} bytes. */
    static byte[] padded(int size) {
      String head = withKey("\"summary\":\"big\",\"details\":\"");
      String tail = "\"}";
      return (head + "x".repeat(size - head.length() - tail.length()) + tail)
          .getBytes(StandardCharsets.UTF_8);
    }
  }

  @Nested
  class Filter {
    @Test
    void keepsOnlyPayloadsWithTheKey() {
      MappingConfig c = with("filterKey", "kind");
      event(map(c, withKey("\"kind\":\"x\"")));
      event(map(c, withKey("\"kind\":null")));
      event(map(c, withKey("\"kind\":{}")));
      assertThat(skip(map(c, withKey("\"other\":1")), SkipReason.FILTERED).detail())
          .isEqualTo("no top-level key \"kind\"");
      skip(map(c, withKey("\"data\":{\"kind\":\"x\"}")), SkipReason.FILTERED);
    }

    @Test
    void withValueTheKeyMustHoldThatString() {
      MappingConfig c =
          new MappingConfig(null, null, null, null, null, null, null, "env", "prod", false, false);
      event(map(c, withKey("\"env\":\"prod\"")));
      skip(map(c, withKey("\"env\":\"dev\"")), SkipReason.FILTERED);
      skip(map(c, withKey("\"env\":\"PROD\"")), SkipReason.FILTERED);
      skip(map(c, withKey("\"env\":[\"prod\"]")), SkipReason.FILTERED);
      skip(map(c, withKey("")), SkipReason.FILTERED);
    }

    @Test
    void filterRunsBeforeTheKeyIsLookedUp() {
      skip(map(with("filterKey", "kind"), "{}"), SkipReason.FILTERED);
    }

    @Test
    void valueWithoutKeyIsAConfigurationError() {
      assertThatThrownBy(() -> new EventMapper(with("filterVal", "prod")))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Nested
  class IntegrationKey {
    @Test
    void eventKeyReplacesThePayloadKey() {
      MappingConfig c = with("eventKey", "il1apiFIXEDKEY0001");
      MappingResult r = map(c, withKey(""));
      assertThat(event(r).integrationKey()).isEqualTo("il1apiFIXEDKEY0001");
      assertThat(body(r).get("integrationKey").asText()).isEqualTo("il1apiFIXEDKEY0001");
      assertThat(event(map(c, "{}")).integrationKey()).isEqualTo("il1apiFIXEDKEY0001");
    }

    @Test
    void apiKeyIsAnAliasAndIntegrationKeyWins() {
      assertThat(event(map("{\"apiKey\":\"il1apiALIAS\"}")).integrationKey())
          .isEqualTo("il1apiALIAS");
      assertThat(
              event(map("{\"apiKey\":\"il1apiALIAS\",\"integrationKey\":\"il1apiMAIN\"}"))
                  .integrationKey())
          .isEqualTo("il1apiMAIN");
      assertThat(body(map("{\"apiKey\":\"il1apiALIAS\"}")).has("apiKey")).isFalse();
    }

    @Test
    void unusableIntegrationKeyFallsBackToApiKey() {
      assertThat(
              event(map("{\"integrationKey\":\"\",\"apiKey\":\"il1apiALIAS\"}")).integrationKey())
          .isEqualTo("il1apiALIAS");
    }

    @Test
    void missingBlankOrNonStringKeyIsMissingIntegrationKey() {
      assertThat(skip(map("{\"summary\":\"x\"}"), SkipReason.MISSING_INTEGRATION_KEY).detail())
          .isEqualTo("no integrationKey or apiKey");
      skip(map("{\"integrationKey\":null}"), SkipReason.MISSING_INTEGRATION_KEY);
      assertThat(
              skip(map("{\"integrationKey\":\"  \"}"), SkipReason.MISSING_INTEGRATION_KEY).detail())
          .isEqualTo("integrationKey is blank");
      assertThat(
              skip(map("{\"integrationKey\":12345}"), SkipReason.MISSING_INTEGRATION_KEY).detail())
          .isEqualTo("integrationKey is an integer, not a string");
      skip(map("{\"apiKey\":{\"k\":\"v\"}}"), SkipReason.MISSING_INTEGRATION_KEY);
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "il1api/../../admin",
          "il1api SECRET1234",
          "il1api?x=SECRET",
          "..",
          "il1api%2FSECRET"
        })
    void keyThatCannotBeAUrlPathSegmentIsRefusedAndMasked(String key) {
      MappingResult.Skip s =
          skip(map("{\"integrationKey\":\"" + key + "\"}"), SkipReason.MISSING_INTEGRATION_KEY);
      assertThat(s.detail()).doesNotContain(key).doesNotContain("SECRET");
    }

    @Test
    void unusableEventKeyIsAConfigurationErrorWithMaskedMessage() {
      assertThatThrownBy(() -> new EventMapper(with("eventKey", "il1api/SECRETSECRET")))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageNotContaining("SECRETSECRET");
    }

    @Test
    void blankOptionsCountAsNotGiven() {
      MappingConfig c = new MappingConfig(" ", "", "", "", "", "", "", "", "", false, false);
      assertThat(event(map(c, withKey(""))).integrationKey()).isEqualTo(KEY);
    }
  }

  @Nested
  class MappedPaths {
    MappingConfig paths =
        new MappingConfig(
            null,
            "meta.id",
            "data.message",
            "data.state",
            null,
            null,
            null,
            null,
            null,
            false,
            false);

    @Test
    void valuesAreTakenFromThePaths() {
      MappingResult r =
          map(
              paths,
              withKey(
                  "\"meta\":{\"id\":\"host-1\"},\"data\":{\"message\":\"down\",\"state\":\"RESOLVE\"}"));
      assertThat(event(r).alertKey()).isEqualTo("host-1");
      assertThat(event(r).eventType()).isEqualTo("RESOLVE");
      assertThat(body(r).get("summary").asText()).isEqualTo("down");
      assertThat(body(r).get("alertKey").asText()).isEqualTo("host-1");
    }

    @Test
    void missingOrNonStringPathValueLeavesTheTopLevelField() {
      String fields =
          "\"alertKey\":\"top-key\",\"summary\":\"top-summary\",\"eventType\":\"ACCEPT\","
              + "\"meta\":{\"id\":7},\"data\":{\"message\":{\"x\":1}}";
      MappingResult r = map(paths, withKey(fields));
      assertThat(event(r).alertKey()).isEqualTo("top-key");
      assertThat(event(r).eventType()).isEqualTo("ACCEPT");
      assertThat(body(r).get("summary").asText()).isEqualTo("top-summary");
    }

    @Test
    void pathThroughANonObjectIsMissing() {
      MappingResult r = map(paths, withKey("\"data\":\"flat\",\"meta\":[{\"id\":\"x\"}]"));
      assertThat(event(r).alertKey()).isNull();
      assertThat(body(r).get("summary").asText()).isEqualTo("New alert from events-topic");
    }

    @Test
    void singleSegmentPathReadsATopLevelField() {
      MappingResult r = map(with("mapKeySummary", "msg"), withKey("\"msg\":\"hello\""));
      assertThat(body(r).get("summary").asText()).isEqualTo("hello");
      assertThat(body(r).has("msg")).isFalse();
    }
  }

  @Nested
  class EventTypeValues {
    MappingConfig vals =
        new MappingConfig(
            null, null, null, "status", "firing", "ack", "ok", null, null, false, false);

    @ParameterizedTest
    @ValueSource(strings = {"firing:ALERT", "ack:ACCEPT", "ok:RESOLVE"})
    void mappedValuesBecomeEventTypes(String pair) {
      String[] p = pair.split(":");
      assertThat(event(map(vals, withKey("\"status\":\"" + p[0] + "\""))).eventType())
          .isEqualTo(p[1]);
    }

    @Test
    void valuesApplyToTheTopLevelEventTypeToo() {
      MappingConfig c = with("mapValEtypeResolve", "ok");
      assertThat(event(map(c, withKey("\"eventType\":\"ok\""))).eventType()).isEqualTo("RESOLVE");
    }

    @Test
    void valueMatchIsExact() {
      assertThat(
              skip(map(vals, withKey("\"status\":\"OK\"")), SkipReason.UNKNOWN_EVENT_TYPE).detail())
          .isEqualTo("eventType \"OK\" is not ALERT, ACCEPT, RESOLVE or COMMENT");
    }
  }

  @Nested
  class Defaults {
    @Test
    void eventTypeDefaultsToAlert() {
      assertThat(event(map(withKey(""))).eventType()).isEqualTo("ALERT");
      assertThat(event(map(withKey("\"eventType\":null"))).eventType()).isEqualTo("ALERT");
      assertThat(event(map(withKey("\"eventType\":\"\""))).eventType()).isEqualTo("ALERT");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ALERT", "ACCEPT", "RESOLVE", "COMMENT"})
    void upperCaseTypesAreKept(String type) {
      MappingResult r = map(withKey("\"eventType\":\"" + type + "\""));
      assertThat(event(r).eventType()).isEqualTo(type);
      assertThat(body(r).get("eventType").asText()).isEqualTo(type);
    }

    @Test
    void otherCaseIsUpperCased() {
      assertThat(event(map(withKey("\"eventType\":\"resolve\""))).eventType()).isEqualTo("RESOLVE");
      assertThat(event(map(withKey("\"eventType\":\"Accept\""))).eventType()).isEqualTo("ACCEPT");
    }

    @Test
    void unknownEventTypeIsSkippedWithTheValueQuoted() {
      assertThat(
              skip(map(withKey("\"eventType\":\"FOO\"")), SkipReason.UNKNOWN_EVENT_TYPE).detail())
          .isEqualTo("eventType \"FOO\" is not ALERT, ACCEPT, RESOLVE or COMMENT");
      assertThat(skip(map(withKey("\"eventType\":1")), SkipReason.UNKNOWN_EVENT_TYPE).detail())
          .isEqualTo("eventType is an integer, not ALERT, ACCEPT, RESOLVE or COMMENT");
      skip(map(withKey("\"eventType\":\" ALERT\"")), SkipReason.UNKNOWN_EVENT_TYPE);
    }

    @Test
    void longOrControlCharacterValuesAreShortenedInTheDetail() {
      String d =
          skip(
                  map(withKey("\"eventType\":\"a\\nINFO fake log line " + "y".repeat(200) + "\"")),
                  SkipReason.UNKNOWN_EVENT_TYPE)
              .detail();
      assertThat(d).doesNotContain("\n").doesNotContain("y".repeat(50)).contains("...");
    }

    @Test
    void priorityMustBeHighOrLow() {
      assertThat(body(map(withKey("\"priority\":\"HIGH\""))).get("priority").asText())
          .isEqualTo("HIGH");
      assertThat(body(map(withKey("\"priority\":\"low\""))).get("priority").asText())
          .isEqualTo("LOW");
      assertThat(body(map(withKey("\"priority\":null"))).has("priority")).isFalse();
      assertThat(
              skip(map(withKey("\"priority\":\"URGENT\"")), SkipReason.UNKNOWN_PRIORITY).detail())
          .isEqualTo("priority \"URGENT\" is not HIGH or LOW");
      skip(map(withKey("\"priority\":1")), SkipReason.UNKNOWN_PRIORITY);
    }

    @Test
    void onlyAlertsGetAGeneratedSummary() {
      assertThat(body(map(withKey("\"summary\":\"  \""))).get("summary").asText())
          .isEqualTo("New alert from events-topic");
      assertThat(body(map(withKey("\"eventType\":\"RESOLVE\""))).has("summary")).isFalse();
      assertThat(
              body(map(withKey("\"eventType\":\"RESOLVE\",\"summary\":\"gone\"")))
                  .get("summary")
                  .asText())
          .isEqualTo("gone");
    }
  }

  @Nested
  class CustomDetails {
    @Test
    void payloadCustomDetailsAreKept() throws Exception {
      MappingResult r = map(withKey("\"customDetails\":{\"a\":[1,{\"b\":null}]},\"extra\":1"));
      assertThat(body(r).get("customDetails")).isEqualTo(JSON.readTree("{\"a\":[1,{\"b\":null}]}"));
      MappingConfig forward =
          new MappingConfig(null, null, null, null, null, null, null, null, null, true, false);
      assertThat(body(map(forward, withKey("\"customDetails\":{}"))).get("customDetails"))
          .isEqualTo(JSON.readTree("{}"));
    }

    @Test
    void forwardHeadersPutsTheRecordHeadersUnderCustomDetails() throws Exception {
      MappingConfig headersOn =
          new MappingConfig(null, null, null, null, null, null, null, null, null, false, true);
      List<RecordHeader> headers =
          List.of(
              new RecordHeader("trace-id", "abc-123".getBytes(StandardCharsets.UTF_8)),
              new RecordHeader("bad-bytes", new byte[] {(byte) 0xff}),
              new RecordHeader("empty", null),
              new RecordHeader("trace-id", "last-wins".getBytes(StandardCharsets.UTF_8)));
      EventMapper mapper = new EventMapper(headersOn);

      JsonNode meta =
          body(mapper.map(
                  TOPIC, 3, 42L, null, withKey("").getBytes(StandardCharsets.UTF_8), headers))
              .get("customDetails");
      assertThat(meta.get("topic").asText()).isEqualTo(TOPIC);
      assertThat(meta.get("headers"))
          .isEqualTo(
              JSON.readTree(
                  "{\"trace-id\":\"last-wins\",\"bad-bytes\":\"\uFFFD\",\"empty\":null}"));

      byte[] given = withKey("\"customDetails\":{\"a\":1}").getBytes(StandardCharsets.UTF_8);
      assertThat(
              body(mapper.map(TOPIC, 3, 42L, null, given, headers))
                  .get("customDetails")
                  .get("a")
                  .asInt())
          .as("the payload's own customDetails are kept beside the headers")
          .isEqualTo(1);
      assertThat(
              body(new EventMapper(config()).map(TOPIC, 3, 42L, null, given, headers))
                  .get("customDetails"))
          .as("without --forward_headers nothing is added")
          .isEqualTo(JSON.readTree("{\"a\":1}"));
      assertThat(
              body(mapper.map(TOPIC, 3, 42L, null, given, List.of()))
                  .get("customDetails")
                  .has("headers"))
          .as("a record without headers gets none")
          .isFalse();
    }

    @Test
    void customDetailsMustBeAnObject() {
      assertThat(skip(map(withKey("\"customDetails\":\"x\"")), SkipReason.INVALID_FIELD).detail())
          .isEqualTo("customDetails must be an object, not a string");
      skip(map(withKey("\"customDetails\":[]")), SkipReason.INVALID_FIELD);
    }

    @Test
    void forwardMessagePayloadSendsThePayloadWithoutItsKeys() throws Exception {
      MappingConfig forward =
          new MappingConfig(null, null, null, null, null, null, null, null, null, true, false);
      String payload =
          "{\"apiKey\":\"il1apiALIAS\",\"summary\":\"s\",\"host\":\"db1\",\"n\":1.10,"
              + "\"big\":123456789012345678901234567890,\"huge\":1e400,\"nested\":{\"k\":[true]}}";
      JsonNode cd = body(map(forward, payload)).get("customDetails");
      assertThat(cd)
          .isEqualTo(
              JSON.readTree(
                  "{\"summary\":\"s\",\"host\":\"db1\",\"n\":1.10,"
                      + "\"big\":123456789012345678901234567890,\"huge\":1e400,\"nested\":{\"k\":[true]}}"));
      String raw = new String(event(map(forward, payload)).body(), StandardCharsets.UTF_8);
      assertThat(raw).contains("\"n\":1.10").contains("123456789012345678901234567890");
      assertThat(raw).doesNotContain("il1apiALIAS\",\"summary\":\"s\",\"host");
      // With the key supplied by configuration the payload is forwarded as it is.
      MappingConfig both =
          new MappingConfig(
              "il1apiFIXED", null, null, null, null, null, null, null, null, true, false);
      assertThat(body(map(both, "{\"host\":\"db1\"}")).get("customDetails"))
          .isEqualTo(JSON.readTree("{\"host\":\"db1\"}"));
    }

    @Test
    void withoutThemCustomDetailsCarryRecordMetadata() throws Exception {
      EventMapper m = new EventMapper(MappingConfig.DEFAULT);
      MappingResult r =
          m.map(
              "t1",
              7,
              123456789012L,
              "host-1".getBytes(StandardCharsets.UTF_8),
              withKey("").getBytes(StandardCharsets.UTF_8));
      assertThat(body(r).get("customDetails"))
          .isEqualTo(
              JSON.readTree(
                  "{\"messageKey\":\"host-1\",\"topic\":\"t1\",\"partition\":7,\"offset\":123456789012}"));
      r = m.map("t1", 0, 0, new byte[] {(byte) 0xFF}, withKey("").getBytes(StandardCharsets.UTF_8));
      assertThat(body(r).get("customDetails").get("messageKey").asText()).isEqualTo("\uFFFD");
    }
  }

  @Nested
  class PassThrough {
    @Test
    void everyIlertFieldIsPassedAndUnknownFieldsAreNot() throws Exception {
      String fields =
          "\"eventType\":\"ALERT\",\"summary\":\"s\",\"details\":\"d\",\"alertKey\":\"k\","
              + "\"priority\":\"LOW\",\"severity\":2,\"images\":[{\"src\":\"https://x/i.png\"}],"
              + "\"links\":[{\"href\":\"https://x\",\"text\":\"x\"}],\"customDetails\":{\"c\":1},"
              + "\"routingKey\":\"team-a\",\"labels\":{\"env\":\"prod\"},\"services\":[{\"alias\":\"db\"}],"
              + "\"comments\":[{\"content\":\"hi\"}]";
      MappingResult r = map(withKey(fields + ",\"unknown\":1,\"apiKey\":\"il1apiOTHER\""));
      assertThat(body(r)).isEqualTo(JSON.readTree(withKey(fields)));
      assertThat(event(r).alertKey()).isEqualTo("k");
    }

    @Test
    void numbersAndBooleansInTextFieldsBecomeText() {
      MappingResult r =
          map(withKey("\"summary\":42,\"details\":true,\"alertKey\":7,\"routingKey\":1.50"));
      JsonNode b = body(r);
      assertThat(b.get("summary").isTextual()).isTrue();
      assertThat(b.get("summary").asText()).isEqualTo("42");
      assertThat(b.get("details").asText()).isEqualTo("true");
      assertThat(b.get("alertKey").asText()).isEqualTo("7");
      assertThat(b.get("routingKey").asText()).isEqualTo("1.50");
      assertThat(event(r).alertKey()).isEqualTo("7");
    }

    @ParameterizedTest
    @ValueSource(strings = {"summary", "details", "alertKey", "routingKey"})
    void objectsOrArraysInTextFieldsAreInvalidField(String field) {
      assertThat(
              skip(map(withKey("\"" + field + "\":{\"a\":1}")), SkipReason.INVALID_FIELD).detail())
          .isEqualTo(field + " must be a string, not an object");
      assertThat(skip(map(withKey("\"" + field + "\":[]")), SkipReason.INVALID_FIELD).detail())
          .contains(field);
    }

    @ParameterizedTest
    @ValueSource(strings = {"images", "links", "services", "comments"})
    void listFieldsMustBeArrays(String field) {
      assertThat(skip(map(withKey("\"" + field + "\":{}")), SkipReason.INVALID_FIELD).detail())
          .isEqualTo(field + " must be an array, not an object");
      skip(map(withKey("\"" + field + "\":\"x\"")), SkipReason.INVALID_FIELD);
    }

    @Test
    void labelsMustBeAnObject() {
      assertThat(skip(map(withKey("\"labels\":[]")), SkipReason.INVALID_FIELD).detail())
          .isEqualTo("labels must be an object, not an array");
    }

    @Test
    void nullFieldsAreLeftOut() {
      JsonNode b =
          body(
              map(
                  withKey(
                      "\"details\":null,\"alertKey\":null,\"severity\":null,\"labels\":null,\"images\":null")));
      assertThat(b.has("details")).isFalse();
      assertThat(b.has("alertKey")).isFalse();
      assertThat(b.has("severity")).isFalse();
      assertThat(b.has("labels")).isFalse();
      assertThat(b.has("images")).isFalse();
    }

    @Test
    void blankAlertKeyCountsAsMissing() {
      MappingResult r = map(withKey("\"alertKey\":\"\""));
      assertThat(event(r).alertKey()).isNull();
      assertThat(body(r).has("alertKey")).isFalse();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 5})
    void severityFromOneToFiveIsKept(int severity) {
      assertThat(body(map(withKey("\"severity\":" + severity))).get("severity").intValue())
          .isEqualTo(severity);
    }

    @ParameterizedTest
    @ValueSource(
        strings = {"0", "6", "-1", "2.5", "3.0", "\"3\"", "true", "99999999999999999999", "[]"})
    void otherSeveritiesAreInvalidField(String severity) {
      assertThat(skip(map(withKey("\"severity\":" + severity)), SkipReason.INVALID_FIELD).detail())
          .isEqualTo("severity must be an integer from 1 to 5");
    }
  }

  @Nested
  class Masking {
    static final String SECRET = "il1apiTOPSECRET9876543210";

    @ParameterizedTest
    @ValueSource(
        strings = {
          "\"eventType\":\"FOO\"",
          "\"priority\":\"x\"",
          "\"severity\":9",
          "\"summary\":[]",
          "\"labels\":1",
          "\"customDetails\":1",
          "\"images\":1",
        })
    void skipDetailsNeverHoldTheKey(String field) {
      String json = "{\"integrationKey\":\"" + SECRET + "\"," + field + "}";
      MappingResult r = map(json);
      assertThat(r).isInstanceOf(MappingResult.Skip.class);
      assertThat(((MappingResult.Skip) r).detail()).doesNotContain("TOPSECRET");
    }

    @Test
    void skipDetailsNeverHoldTheConfiguredKey() {
      MappingResult r = map(with("eventKey", SECRET), "{\"eventType\":\"FOO\"}");
      assertThat(((MappingResult.Skip) r).detail()).doesNotContain("TOPSECRET");
    }
  }

  @Test
  void oneInstanceMapsFromManyThreads() throws Exception {
    EventMapper m = new EventMapper(with("mapKeySummary", "data.message"));
    byte[] v = withKey("\"data\":{\"message\":\"m\"}").getBytes(StandardCharsets.UTF_8);
    Thread[] threads = new Thread[4];
    java.util.concurrent.atomic.AtomicInteger bad = new java.util.concurrent.atomic.AtomicInteger();
    for (int t = 0; t < threads.length; t++) {
      threads[t] =
          new Thread(
              () -> {
                for (int i = 0; i < 2_000; i++) {
                  if (!(m.map(TOPIC, 0, i, null, v) instanceof MappingResult.Event)) {
                    bad.incrementAndGet();
                  }
                }
              });
      threads[t].start();
    }
    for (Thread t : threads) {
      t.join();
    }
    assertThat(bad.get()).isZero();
  }

  static byte[] hex(String hex) {
    byte[] b = new byte[hex.length() / 2];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
    }
    return b;
  }

  @Test
  void theReadmeMappingExampleWorksAsDocumented() throws Exception {
    MappingConfig readme =
        new MappingConfig(
            "il1api1234567890abcd",
            "id",
            "check.output",
            "state",
            "CRITICAL",
            null,
            "OK",
            "source",
            "nagios",
            false,
            false);
    EventMapper mapper = new EventMapper(readme);
    String critical =
        "{\"source\": \"nagios\", \"state\": \"CRITICAL\", \"check\": {\"host\": \"db1\","
            + " \"output\": \"Disk 95% full\"}, \"id\": \"db1-disk\"}";
    JsonNode alert =
        body(mapper.map(TOPIC, 0, 1L, null, critical.getBytes(StandardCharsets.UTF_8)));
    assertThat(alert.get("integrationKey").asText()).isEqualTo("il1api1234567890abcd");
    assertThat(alert.get("eventType").asText()).isEqualTo("ALERT");
    assertThat(alert.get("summary").asText()).isEqualTo("Disk 95% full");
    assertThat(alert.get("alertKey").asText()).isEqualTo("db1-disk");
    JsonNode resolve =
        body(
            mapper.map(
                TOPIC,
                0,
                2L,
                null,
                critical.replace("CRITICAL", "OK").getBytes(StandardCharsets.UTF_8)));
    assertThat(resolve.get("eventType").asText()).isEqualTo("RESOLVE");
    assertThat(resolve.get("alertKey").asText()).isEqualTo("db1-disk");
    skip(
        mapper.map(
            TOPIC,
            0,
            3L,
            null,
            critical.replace("nagios", "zabbix").getBytes(StandardCharsets.UTF_8)),
        SkipReason.FILTERED);
  }
}
