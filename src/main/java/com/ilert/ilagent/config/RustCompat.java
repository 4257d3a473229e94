package com.ilert.ilagent.config;

/**
 * Flags of the Rust program that this agent accepts, so that a unit file or manifest written for it
 * starts, but has no use for: each gets one warning that says what the agent does instead.
 */
public final class RustCompat {
  /** The largest --max_retries the Rust program takes (an unsigned 32-bit count). */
  static final long MAX_RETRIES_LIMIT = 4_294_967_295L;

  private RustCompat() {}

  /** The warning for -f/--file, the Rust program's SQLite database file. */
  public static String fileIgnored(String file) {
    return "-f/--file "
        + RawValue.quote(file.replaceAll("\\p{Cntrl}", "?"))
        + " is ignored: this agent keeps no database; what is not delivered yet stays in Kafka"
        + " (uncommitted offsets, and the event topic for events posted to /api/events)";
  }

  /**
   * Checks --max_retries as the Rust program would (a count of 0 or more) and returns its warning.
   *
   * @throws ConfigException for a value that is not such a count
   */
  public static String maxRetriesIgnored(String value) throws ConfigException {
    RawValue v = new RawValue(value, "--max_retries", false);
    Values.longInRange(v, 0, MAX_RETRIES_LIMIT);
    return "--max_retries "
        + value.trim()
        + " is ignored: a failed delivery is retried for --retry_max_ms, then the agent exits 1"
        + " and delivers it after the restart; nothing is dropped after a number of retries";
  }
}
