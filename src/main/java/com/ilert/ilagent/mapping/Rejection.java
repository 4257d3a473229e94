package com.ilert.ilagent.mapping;

/**
 * Thrown inside a mapper to end mapping with a {@link MappingResult.Skip}; never escapes {@code
 * map}. No stack trace: bad records can arrive by the thousand and the reason says it all.
 */
final class Rejection extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final SkipReason reason;

  Rejection(SkipReason reason, String detail) {
    super(detail, null, false, false);
    this.reason = reason;
  }

  MappingResult.Skip toSkip() {
    return new MappingResult.Skip(reason, getMessage());
  }

  /**
   * The skip for an exception no check foresaw: a bug or a Jackson corner case must cost one
   * record, not the consumer. Only the exception's class is told: its message may quote the
   * payload.
   */
  static MappingResult.Skip unexpected(Exception e) {
    return new MappingResult.Skip(
        SkipReason.INVALID_JSON, "cannot map record: " + e.getClass().getSimpleName());
  }
}
