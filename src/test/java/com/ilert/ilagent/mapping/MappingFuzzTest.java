package com.ilert.ilagent.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Random and mutated records must never make a mapper throw, and every event must be a JSON object
 * ilert can take. Set -Dfuzz.seed=N to replay a failing run (the seed is printed), and
 * -Dfuzz.cases=N for a longer run.
 */
class MappingFuzzTest {
  static final ObjectMapper STRICT =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  static final JsonNodeFactory F = JsonNodeFactory.instance;
  static final String SECRET_KEY = "il1apiSECRETMARK0123456789";
  static final String[] FIELDS = {
    "integrationKey",
    "apiKey",
    "eventType",
    "summary",
    "details",
    "alertKey",
    "priority",
    "severity",
    "images",
    "links",
    "customDetails",
    "routingKey",
    "labels",
    "services",
    "comments",
    "data",
    "status",
    "kind",
    "x"
  };
  static final String[] STRINGS = {
    "il1apiOTHER",
    "ALERT",
    "accept",
    "RESOLVE",
    "COMMENT",
    "FOO",
    "HIGH",
    "low",
    "",
    " ",
    "ok",
    "firing",
    "prod",
    "ümlaut €",
    "\uD83D\uDD25",
    "line\nbreak",
    "quote\"back\\slash",
    "il1hbt123..."
  };
  static final Set<String> TYPES = Set.of("ALERT", "ACCEPT", "RESOLVE", "COMMENT");

  static final List<MappingConfig> CONFIGS =
      List.of(
          MappingConfig.DEFAULT,
          new MappingConfig(
              null,
              "data.id",
              "data.message",
              "status",
              "firing",
              "ack",
              "ok",
              null,
              null,
              false,
              false),
          new MappingConfig(null, null, null, null, null, null, null, null, null, true, false),
          new MappingConfig(
              "il1apiFIXED0000", null, "data", null, null, null, null, "kind", "prod", true, false),
          new MappingConfig(null, null, null, null, null, null, null, "kind", null, false, false));

  @Test
  void mappersNeverThrowAndEventsAreValidJson() {
    long seed = Long.getLong("fuzz.seed", System.nanoTime());
    System.out.println("MappingFuzzTest seed " + seed + " (replay with -Dfuzz.seed=" + seed + ")");
    Random rnd = new Random(seed);
    List<EventMapper> events = CONFIGS.stream().map(EventMapper::new).toList();
    HeartbeatMapper heartbeats = new HeartbeatMapper();
    int[] counts = new int[3];

    int cases = Integer.getInteger("fuzz.cases", 6_000);
    for (int n = 0; n < cases; n++) {
      final int i = n;
      byte[] generated = generate(rnd);
      byte[][] inputs = {generated, mutate(rnd, generated), randomBytes(rnd)};
      for (int kind = 0; kind < inputs.length; kind++) {
        byte[] value = inputs[kind];
        byte[] key = rnd.nextInt(4) == 0 ? null : randomBytes(rnd);
        for (EventMapper m : events) {
          MappingResult r = call(seed, i, value, () -> m.map("t", 1, i, key, value));
          check(seed, i, value, r, kind == 0);
          counts[r instanceof MappingResult.Event ? 0 : 1]++;
        }
        MappingResult h = call(seed, i, value, () -> heartbeats.map(value));
        check(seed, i, value, h, kind == 0);
        if (h instanceof MappingResult.Heartbeat) {
          counts[2]++;
        }
      }
    }
    // The generator must reach the interesting paths, not only skip.
    assertThat(counts[0]).as("events produced, seed %d", seed).isGreaterThan(1_000);
    assertThat(counts[1]).as("skips produced, seed %d", seed).isGreaterThan(1_000);
    assertThat(counts[2]).as("heartbeats produced, seed %d", seed).isGreaterThan(100);
  }

  static MappingResult call(
      long seed, int i, byte[] value, java.util.function.Supplier<MappingResult> f) {
    try {
      MappingResult r = f.get();
      assertThat(r).as("seed %d case %d: null result", seed, i).isNotNull();
      return r;
    } catch (Throwable t) {
      throw new AssertionError("seed " + seed + " case " + i + " threw on " + show(value), t);
    }
  }

  static void check(long seed, int i, byte[] value, MappingResult r, boolean keyOnlyInKeyFields) {
    String where = "seed " + seed + " case " + i + " input " + show(value);
    if (r instanceof MappingResult.Event e) {
      JsonNode body;
      try {
        body = STRICT.readTree(e.body());
      } catch (Exception ex) {
        throw new AssertionError(where + ": body is not JSON", ex);
      }
      assertThat(body.isObject()).as(where).isTrue();
      assertThat(body.path("integrationKey").textValue()).as(where).isEqualTo(e.integrationKey());
      assertThat(e.integrationKey()).as(where).isNotBlank();
      assertThat(body.path("eventType").textValue()).as(where).isEqualTo(e.eventType());
      assertThat(TYPES).as(where).contains(e.eventType());
      assertThat(body.path("alertKey").textValue()).as(where).isEqualTo(e.alertKey());
      if (e.eventType().equals("ALERT")) {
        assertThat(body.path("summary").textValue()).as(where).isNotBlank();
      }
      JsonNode severity = body.get("severity");
      if (severity != null) {
        assertThat(severity.intValue()).as(where).isBetween(1, 5);
      }
      assertThat(body.path("customDetails").isObject()).as(where).isTrue();
    } else if (r instanceof MappingResult.Skip s) {
      assertThat(s.reason()).as(where).isNotNull();
      assertThat(s.detail()).as(where).isNotBlank().doesNotContain("\n");
      if (keyOnlyInKeyFields) {
        assertThat(s.detail()).as(where).doesNotContain("SECRETMARK");
      }
    } else if (r instanceof MappingResult.Heartbeat h) {
      assertThat(h.integrationKey()).as(where).isNotBlank();
    } else {
      fail(where + ": unexpected result " + r);
    }
  }

  /** A JSON object built mostly from ilert field names, with values of every JSON type. */
  static byte[] generate(Random rnd) {
    ObjectNode root = F.objectNode();
    int n = rnd.nextInt(8);
    if (rnd.nextInt(4) != 0) {
      root.put(rnd.nextBoolean() ? "integrationKey" : "apiKey", SECRET_KEY);
    }
    for (int k = 0; k < n; k++) {
      root.set(FIELDS[rnd.nextInt(FIELDS.length)], value(rnd, 0));
    }
    try {
      return STRICT.writeValueAsBytes(root);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  static JsonNode value(Random rnd, int depth) {
    int pick = rnd.nextInt(depth > 3 ? 6 : 9);
    switch (pick) {
      case 0:
        return F.nullNode();
      case 1:
        return F.booleanNode(rnd.nextBoolean());
      case 2:
        return F.numberNode(rnd.nextInt(9) - 2);
      case 3:
        return F.numberNode(rnd.nextDouble() * 1e6);
      case 4:
      case 5:
        return F.textNode(STRINGS[rnd.nextInt(STRINGS.length)]);
      case 6:
        return F.numberNode(new java.math.BigInteger(100, rnd));
      case 7:
        ArrayNode a = F.arrayNode();
        for (int k = rnd.nextInt(4); k > 0; k--) {
          a.add(value(rnd, depth + 1));
        }
        return a;
      default:
        ObjectNode o = F.objectNode();
        for (int k = rnd.nextInt(4); k > 0; k--) {
          String name = rnd.nextBoolean() ? FIELDS[rnd.nextInt(FIELDS.length)] : "message";
          o.set(rnd.nextBoolean() ? "id" : name, value(rnd, depth + 1));
        }
        return o;
    }
  }

  /** Byte-level damage: flips, cuts, insertions of JSON syntax and invalid UTF-8, nesting. */
  static byte[] mutate(Random rnd, byte[] in) {
    byte[] b = in.clone();
    int rounds = 1 + rnd.nextInt(3);
    for (int r = 0; r < rounds && b.length > 0; r++) {
      int at = rnd.nextInt(b.length);
      switch (rnd.nextInt(7)) {
        case 0 -> b[at] = (byte) rnd.nextInt(256);
        case 1 -> b = java.util.Arrays.copyOf(b, at);
        case 2 ->
            b =
                insert(
                    b,
                    at,
                    pickOf(rnd, "{", "}", "[", "]", ",", ":", "\"", "\\", "null", "1e999", " "));
        case 3 -> b = insert(b, at, new byte[] {(byte) 0xC3, 0x28});
        case 4 -> b = insert(b, b.length, pickOf(rnd, "{}", " x", "\n", "[]", "\u0000"));
        case 5 -> {
          int depth = 90 + rnd.nextInt(20);
          b =
              ("{\"x\":" + "[".repeat(depth) + "]".repeat(depth) + "}")
                  .getBytes(StandardCharsets.UTF_8);
        }
        default ->
            b = insert(b, at, java.util.Arrays.copyOfRange(b, at, Math.min(b.length, at + 12)));
      }
    }
    return b;
  }

  static byte[] pickOf(Random rnd, String... options) {
    return options[rnd.nextInt(options.length)].getBytes(StandardCharsets.UTF_8);
  }

  static byte[] insert(byte[] b, int at, byte[] what) {
    byte[] out = new byte[b.length + what.length];
    System.arraycopy(b, 0, out, 0, at);
    System.arraycopy(what, 0, out, at, what.length);
    System.arraycopy(b, at, out, at + what.length, b.length - at);
    return out;
  }

  static byte[] randomBytes(Random rnd) {
    byte[] b = new byte[rnd.nextInt(40)];
    if (rnd.nextBoolean()) {
      rnd.nextBytes(b);
    } else {
      // Printable ASCII around JSON syntax: more of it gets past the UTF-8 check.
      String alphabet = "{}[]:,\" 0123456789.eE-+truefalsnl\\abc";
      for (int i = 0; i < b.length; i++) {
        b[i] = (byte) alphabet.charAt(rnd.nextInt(alphabet.length()));
      }
    }
    return b;
  }

  static String show(byte[] b) {
    if (b == null) {
      return "null";
    }
    return b.length > 300 ? b.length + " bytes" : java.util.HexFormat.of().formatHex(b);
  }
}
