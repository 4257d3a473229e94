package com.ilert.ilagent.offsets;

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
   * Builds one metadata string from runs of done offsets handed over in increasing order, within
   * the size limit. Reusable: {@link #start} begins the next one. Not thread-safe.
   */
  public static final class Writer implements PartitionOffsets.RunSink {
    private final byte[] buf = new byte[MAX_BYTES];
    private int size;
    private long next;
    private boolean complete;

    /** Begins the metadata of a commit of {@code committed}. */
    Writer start(long committed) {
      size = 0;
      next = committed;
      complete = true;
      return this;
    }

    /** Adds {@code length} done offsets from {@code start}; false once full (the run left out). */
    @Override
    public boolean run(long start, long length) {
      long gap = start - next;
      if (gap < 0 || length < 1) {
        throw new IllegalArgumentException(
            "runs must be ascending and at or above the committed offset");
      }
      if (size + varintSize(gap) + varintSize(length) > MAX_BYTES) {
        complete = false; // what fits: a shorter list is still a true one
        return false;
      }
      size = writeVarint(buf, size, gap);
      size = writeVarint(buf, size, length);
      next = start + length;
      return true;
    }

    /** Whether every run handed over fit. */
    boolean complete() {
      return complete;
    }

    String finish() {
      if (size == 0) {
        return "";
      }
      return PREFIX + ENCODER.encodeToString(java.util.Arrays.copyOf(buf, size));
    }
  }

  /**
   * The metadata for a commit of {@code committed} with these offsets done above it (ascending,
   * each at or above {@code committed}); "" when none. Runs that do not fit are left out.
   */
  static String encode(long committed, long[] doneAscending) {
    Writer w = new Writer().start(committed);
    int i = 0;
    while (i < doneAscending.length) {
      int j = i;
      while (j + 1 < doneAscending.length && doneAscending[j + 1] == doneAscending[j] + 1) {
        j++;
      }
      if (!w.run(doneAscending[i], doneAscending[j] - doneAscending[i] + 1)) {
        break;
      }
      i = j + 1;
    }
    return w.finish();
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

  private static int writeVarint(byte[] out, int at, long v) {
    while ((v & ~0x7FL) != 0) {
      out[at++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    out[at++] = (byte) v;
    return at;
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
