package com.ilert.ilagent.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Utf8Test {

  /** The JDK's strict decoder is the reference the hand-rolled check must agree with. */
  static boolean jdkValid(byte[] b) {
    CharsetDecoder d =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    try {
      d.decode(ByteBuffer.wrap(b));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  @Test
  void knownSequences() {
    assertThat(Utf8.firstInvalid("plain ascii {}".getBytes(StandardCharsets.UTF_8))).isEqualTo(-1);
    assertThat(Utf8.firstInvalid("ä € 𝄞 \uFFFF".getBytes(StandardCharsets.UTF_8))).isEqualTo(-1);
    assertThat(Utf8.firstInvalid(bytes(0xC3, 0x28))).isZero();
    assertThat(Utf8.firstInvalid(bytes('a', 0xFF))).isEqualTo(1);
    assertThat(Utf8.firstInvalid(bytes('a', 'b', 0xE2, 0x82))).isEqualTo(2);
    assertThat(Utf8.firstInvalid(bytes(0xF0, 0x9F, 0x98))).isZero();
    assertThat(Utf8.firstInvalid(bytes(0xC0, 0x80))).isZero(); // overlong NUL
    assertThat(Utf8.firstInvalid(bytes(0xE0, 0x80, 0x80))).isZero(); // overlong
    assertThat(Utf8.firstInvalid(bytes(0xED, 0xBF, 0xBF))).isZero(); // surrogate
    assertThat(Utf8.firstInvalid(bytes(0xF4, 0x8F, 0xBF, 0xBF))).isEqualTo(-1); // U+10FFFF
    assertThat(Utf8.firstInvalid(bytes(0xF4, 0x90, 0x80, 0x80))).isZero(); // above
  }

  @Test
  void agreesWithTheJdkDecoderOnRandomBytes() {
    long seed = System.nanoTime();
    Random rnd = new Random(seed);
    for (int i = 0; i < 50_000; i++) {
      byte[] b = new byte[rnd.nextInt(8)];
      for (int k = 0; k < b.length; k++) {
        // Mostly bytes around the interesting boundaries, some fully random.
        int[] edges = {
          0x00, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1, 0xEC,
          0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xFF
        };
        b[k] = (byte) (rnd.nextBoolean() ? edges[rnd.nextInt(edges.length)] : rnd.nextInt(256));
      }
      assertThat(Utf8.firstInvalid(b) < 0)
          .as("seed %d, bytes %s", seed, java.util.HexFormat.of().formatHex(b))
          .isEqualTo(jdkValid(b));
    }
  }

  static byte[] bytes(int... v) {
    byte[] b = new byte[v.length];
    for (int i = 0; i < v.length; i++) {
      b[i] = (byte) v[i];
    }
    return b;
  }
}
