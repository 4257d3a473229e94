package com.ilert.ilagent.mapping;

/**
 * Strict UTF-8 validation (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF).
 * Hand-rolled rather than a CharsetDecoder so the hot path allocates nothing and Jackson can then
 * parse the original bytes; Jackson alone only checks bytes inside strings, and not strictly.
 */
final class Utf8 {
  private Utf8() {}

  /** Returns the offset of the first byte of the first invalid sequence, or -1 if all is valid. */
  static int firstInvalid(byte[] b) {
    int i = 0;
    int n = b.length;
    while (i < n) {
      int c = b[i];
      if (c >= 0) { // ASCII, by far the common case
        i++;
        continue;
      }
      c &= 0xFF;
      int len;
      int lo = 0x80;
      int hi = 0xBF;
      if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
      } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        if (c == 0xE0) {
          lo = 0xA0; // below is overlong
        } else if (c == 0xED) {
          hi = 0x9F; // above are UTF-16 surrogates
        }
      } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        if (c == 0xF0) {
          lo = 0x90; // below is overlong
        } else if (c == 0xF4) {
          hi = 0x8F; // above is past U+10FFFF
        }
      } else {
        return i; // continuation byte without a lead, C0/C1 (overlong) or F5..FF
      }
      if (i + len > n) {
        return i; // truncated sequence
      }
      int second = b[i + 1] & 0xFF;
      if (second < lo || second > hi) {
        return i;
      }
      for (int k = 2; k < len; k++) {
        if ((b[i + k] & 0xC0) != 0x80) {
          return i;
        }
      }
      i += len;
    }
    return -1;
  }
}
