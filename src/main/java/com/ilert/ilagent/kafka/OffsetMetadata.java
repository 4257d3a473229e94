package com.ilert.ilagent.kafka;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Base64;

/**
 * The offsets completed above a committed offset, carried in the commit's metadata string so that a
 * crash does not deliver them again: a restart skips them. The committed offset alone can only name
 * the lowest pending record, and one record that keeps failing would otherwise make everything
 * completed after it in its partition a duplicate.
 *
 * <p>Format: {@code "ilagent1:"} followed by unpadded URL-safe Base64 of unsigned varints, in pairs
 * {@code (gap, run)}: starting at the committed offset, {@code gap} offsets not known done, then
 * {@code run} (at least 1) offsets done, and so on. Offsets not listed are not known done, so a
 * list cut short to fit the broker's limit ({@code offset.metadata.max.bytes}, 4,096 by default)
 * only costs duplicates, never a skipped record. Pure and stateless.
 */
public final class OffsetMetadata {
  static final String PREFIX = "ilagent1:";
  /** The broker's default offset.metadata.max.bytes. */
  static final int MAX_CHARS = 4_096;

  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();
  /** Raw bytes whose Base64 fits MAX_CHARS after the prefix. */
  private static final int MAX_BYTES = (MAX_CHARS - PREFIX.length()) / 4 * 3;

  private OffsetMetadata() {}

  /**
   * An encoding: the metadata, and whether every done offset fit in it.
   *
   * @param complete false when runs were left out for size
   */
  record Encoded(String metadata, boolean complete) {}

  /**
   * The metadata for a commit of {@code committed} with these offsets done above it (ascending,
   * each at or above {@code committed}); "" when none. Runs that do not fit are left out.
   */
  static String encode(long committed, long[] doneAscending) {
    return encode(committed, doneAscending, doneAscending.length).metadata();
  }

  /** As {@link #encode(long, long[])} for the first {@code count} offsets of {@code done}. */
  static Encoded encode(long committed, long[] done, int count) {
    if (count == 0) {
      return new Encoded("", true);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    long next = committed; // the first offset not covered yet
    int i = 0;
    while (i < count) {
      long start = done[i];
      int j = i;
      while (j + 1 < count && done[j + 1] == done[j] + 1) {
        j++;
      }
      long gap = start - next;
      long run = done[j] - start + 1;
      if (gap < 0) {
        throw new IllegalArgumentException("done offsets must be ascending and at or above " + committed);
      }
      if (out.size() + varintSize(gap) + varintSize(run) > MAX_BYTES) {
        break; // what fits: a shorter list is still a true one
      }
      writeVarint(out, gap);
      writeVarint(out, run);
      next = done[j] + 1;
      i = j + 1;
    }
    return new Encoded(out.size() == 0 ? "" : PREFIX + ENCODER.encodeToString(out.toByteArray()), i == count);
  }

  /**
   * The offsets known done above {@code committed}, ascending; an empty array for "" (a commit
   * without them), or null if the metadata is not this format (another client, another version,
   * damaged): then nothing is skipped.
   */
  public static long[] decode(long committed, String metadata) {
    if (metadata == null || metadata.isEmpty()) {
      return new long[0];
    }
    if (!metadata.startsWith(PREFIX) || committed < 0) {
      return null;
    }
    byte[] raw;
    try {
      raw = DECODER.decode(metadata.substring(PREFIX.length()));
    } catch (IllegalArgumentException e) {
      return null;
    }
    long[] done = new long[16];
    int n = 0;
    int[] pos = {0};
    long next = committed;
    while (pos[0] < raw.length) {
      long gap = readVarint(raw, pos);
      long run = pos[0] < raw.length ? readVarint(raw, pos) : -1;
      if (gap < 0 || run < 1 || next + gap + run < next) {
        return null;
      }
      long start = next + gap;
      if (n + run > 1_000_000) {
        return null; // no commit of this agent lists that many: not ours
      }
      for (long o = start; o < start + run; o++) {
        if (n == done.length) {
          done = Arrays.copyOf(done, n * 2);
        }
        done[n++] = o;
      }
      next = start + run;
    }
    return Arrays.copyOf(done, n);
  }

  private static int varintSize(long v) {
    int size = 1;
    while ((v >>>= 7) != 0) {
      size++;
    }
    return size;
  }

  private static void writeVarint(ByteArrayOutputStream out, long v) {
    while ((v & ~0x7FL) != 0) {
      out.write((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
  }

  /** The next varint, or -1 if it is cut off or longer than a long. */
  private static long readVarint(byte[] raw, int[] pos) {
    long v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos[0] >= raw.length) {
        return -1;
      }
      byte b = raw[pos[0]++];
      v |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return v;
      }
    }
    return -1;
  }
}
