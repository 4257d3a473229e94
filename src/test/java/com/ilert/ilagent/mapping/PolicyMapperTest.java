package com.ilert.ilagent.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The escalation-policy rules of the Rust program, one by one. */
class PolicyMapperTest {
  private static final List<String> LOCATION_SLOT = List.of("location", "slot");

  private static PolicyMapper mapper(List<String> fields, int shiftOffset) {
    return new PolicyMapper(
        new PolicyRules(fields, "data.email", "data.shift", shiftOffset, null, null));
  }

  private static MappingResult map(PolicyMapper mapper, String json) {
    return mapper.map(json == null ? null : json.getBytes(StandardCharsets.UTF_8));
  }

  private static MappingResult map(String json) {
    return map(mapper(LOCATION_SLOT, 0), json);
  }

  private static MappingResult.PolicyUpdate update(String email, int level, String routingKey) {
    return new MappingResult.PolicyUpdate(email, level, routingKey);
  }

  private static MappingResult.Skip skipped(MappingResult r, SkipReason reason) {
    assertThat(r).as("expected a skip, got %s", r).isInstanceOf(MappingResult.Skip.class);
    MappingResult.Skip skip = (MappingResult.Skip) r;
    assertThat(skip.reason()).isEqualTo(reason);
    return skip;
  }

  @Test
  void theReferenceRecordBecomesAnUpdateOfItsLevel() {
    assertThat(
            map(
                "{\"location\":\"powerplant\",\"slot\":\"three50\","
                    + "\"data\":{\"email\":\"oncall@example.com\",\"shift\":1}}"))
        .isEqualTo(update("oncall@example.com", 1, "powerplantthree50"));
  }

  @Test
  void routingKeyJoinsTheNamedFieldsInTheirOrderLeavingOutEmptyMissingAndNonStringOnes() {
    String data = "\"data\":{\"email\":\"a@example.com\"}";
    PolicyMapper three = mapper(List.of("region", "location", "slot"), 0);
    assertThat(map(three, "{\"slot\":\"b\",\"location\":\"a\",\"region\":\"eu-\"," + data + "}"))
        .isEqualTo(update("a@example.com", 0, "eu-ab"));
    assertThat(map(three, "{\"location\":\"a\",\"region\":\"\",\"slot\":\"b\"," + data + "}"))
        .as("empty left out")
        .isEqualTo(update("a@example.com", 0, "ab"));
    assertThat(map(three, "{\"slot\":\"b\"," + data + "}"))
        .as("missing left out")
        .isEqualTo(update("a@example.com", 0, "b"));
    assertThat(map(three, "{\"region\":5,\"location\":null,\"slot\":\"b\"," + data + "}"))
        .as("only string values count")
        .isEqualTo(update("a@example.com", 0, "b"));
    assertThat(map(mapper(List.of("team"), 0), "{\"team\":\"db\"," + data + "}"))
        .as("a single field")
        .isEqualTo(update("a@example.com", 0, "db"));
  }

  @Test
  void withoutAnyRoutingKeyValueTheRecordIsSkipped() {
    MappingResult.Skip skip =
        skipped(
            map("{\"location\":\"\",\"slot\":7,\"data\":{\"email\":\"a@example.com\"}}"),
            SkipReason.MISSING_ROUTING_KEY);
    assertThat(skip.detail()).contains("location, slot");
    skipped(map("{\"data\":{\"email\":\"a@example.com\"}}"), SkipReason.MISSING_ROUTING_KEY);
  }

  @ParameterizedTest(name = "shift {0} -> level {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "2           | 2",
        "'\"2\"'     | 2",
        "'\" 3 \"'   | 3",
        "0           | 0",
        "-4          | 0",
        "'\"-1\"'    | 0",
        "'\"two\"'   | 0",
        "2.5         | 0",
        "true        | 0",
        "null        | 0",
        "'{}'        | 0",
        "99999999999999999999999 | 0",
      })
  void shiftIsAnIntegerOrAStringHoldingOneAnythingElseCountsAsZero(String shift, int level) {
    String json =
        "{\"location\":\"l\",\"data\":{\"email\":\"a@example.com\",\"shift\":" + shift + "}}";
    assertThat(map(json)).isEqualTo(update("a@example.com", level, "l"));
  }

  @Test
  void aMissingShiftIsLevelZero() {
    assertThat(map("{\"location\":\"l\",\"data\":{\"email\":\"a@example.com\"}}"))
        .isEqualTo(update("a@example.com", 0, "l"));
  }

  @ParameterizedTest(name = "shift {0} offset {1} -> level {2}")
  @CsvSource({
    "1, -1, 0",
    "'\"3\"', -1, 2",
    "0, -1, 0",
    "2, 3, 5",
    "'\"x\"', 2, 2",
    "1, -5, 0",
  })
  void shiftOffsetIsAddedAndTheLevelNeverGoesBelowZero(String shift, int offset, int level) {
    String json =
        "{\"location\":\"l\",\"data\":{\"email\":\"a@example.com\",\"shift\":" + shift + "}}";
    assertThat(map(mapper(List.of("location"), offset), json))
        .isEqualTo(update("a@example.com", level, "l"));
  }

  @Test
  void pathsOfEmailAndShiftAreConfigurable() {
    PolicyMapper custom =
        new PolicyMapper(
            new PolicyRules(List.of("location"), "person.contact.mail", "rota", -1, null, null));
    assertThat(
            map(
                custom,
                "{\"location\":\"l\",\"rota\":\"2\",\"person\":{\"contact\":{\"mail\":\"b@example.com\"}}}"))
        .isEqualTo(update("b@example.com", 1, "l"));
    skipped(
        map(custom, "{\"location\":\"l\",\"data\":{\"email\":\"a@example.com\"}}"),
        SkipReason.MISSING_EMAIL);
  }

  @Test
  void aMissingEmptyOrNonStringEmailSkipsTheRecord() {
    assertThat(
            skipped(map("{\"location\":\"l\",\"data\":{\"shift\":1}}"), SkipReason.MISSING_EMAIL)
                .detail())
        .isEqualTo("no e-mail at data.email");
    assertThat(
            skipped(
                    map("{\"location\":\"l\",\"data\":{\"email\":\"  \"}}"),
                    SkipReason.MISSING_EMAIL)
                .detail())
        .isEqualTo("the e-mail at data.email is empty");
    assertThat(
            skipped(map("{\"location\":\"l\",\"data\":{\"email\":42}}"), SkipReason.MISSING_EMAIL)
                .detail())
        .isEqualTo("the e-mail at data.email is an integer, not a string");
    skipped(map("{\"location\":\"l\",\"data\":\"oncall@example.com\"}"), SkipReason.MISSING_EMAIL);
    skipped(map("{\"location\":\"l\",\"data\":{\"email\":null}}"), SkipReason.MISSING_EMAIL);
    skipped(map("{\"location\":\"l\"}"), SkipReason.MISSING_EMAIL);
  }

  @Test
  void theEmailIsTrimmed() {
    assertThat(map("{\"location\":\"l\",\"data\":{\"email\":\" a@example.com \"}}"))
        .isEqualTo(update("a@example.com", 0, "l"));
  }

  @Test
  void theFilterAppliesAsForEvents() {
    PolicyMapper filtered =
        new PolicyMapper(
            new PolicyRules(
                List.of("location"), "data.email", "data.shift", 0, "kind", "shift-plan"));
    String base = "\"location\":\"l\",\"data\":{\"email\":\"a@example.com\",\"shift\":1}";
    assertThat(map(filtered, "{\"kind\":\"shift-plan\"," + base + "}"))
        .isEqualTo(update("a@example.com", 1, "l"));
    skipped(map(filtered, "{\"kind\":\"vacation\"," + base + "}"), SkipReason.FILTERED);
    skipped(map(filtered, "{" + base + "}"), SkipReason.FILTERED);
    PolicyMapper keyOnly =
        new PolicyMapper(
            new PolicyRules(List.of("location"), "data.email", "data.shift", 0, "kind", null));
    assertThat(map(keyOnly, "{\"kind\":7," + base + "}"))
        .isEqualTo(update("a@example.com", 1, "l"));
    skipped(map(keyOnly, "{" + base + "}"), SkipReason.FILTERED);
  }

  @Test
  void badInputIsSkippedForTheSameReasonsAsEvents() {
    PolicyMapper m = mapper(LOCATION_SLOT, 0);
    skipped(m.map(null), SkipReason.EMPTY);
    skipped(m.map(new byte[0]), SkipReason.EMPTY);
    skipped(m.map(new byte[] {(byte) 0xC3, 0x28}), SkipReason.NOT_UTF8);
    skipped(map("{\"location\":"), SkipReason.INVALID_JSON);
    skipped(map("[1]"), SkipReason.NOT_OBJECT);
    skipped(m.map(new byte[EventMapper.MAX_RECORD_BYTES + 1]), SkipReason.TOO_LARGE);
  }

  @Test
  void rulesWithoutRoutingKeyFieldsOrWithAFilterValueAloneAreRefused() {
    assertThatThrownBy(() -> mapper(List.of(), 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> new PolicyMapper(new PolicyRules(List.of("l"), null, null, 0, null, "v")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void blankPathsFallBackToTheDefaults() {
    PolicyMapper defaults =
        new PolicyMapper(new PolicyRules(List.of("l"), null, " ", 0, null, null));
    assertThat(
            map(defaults, "{\"l\":\"x\",\"data\":{\"email\":\"a@example.com\",\"shift\":\"4\"}}"))
        .isEqualTo(update("a@example.com", 4, "x"));
  }
}
