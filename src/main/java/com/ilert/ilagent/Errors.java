package com.ilert.ilagent;

/** Describes exceptions for log lines and error messages. */
public final class Errors {
  private Errors() {}

  /**
   * The exception's message, or its class's simple name when the message is null or blank: a
   * network error without a message still says what kind of error it was.
   */
  public static String describe(Throwable t) {
    String message = t.getMessage();
    return message == null || message.isBlank() ? t.getClass().getSimpleName() : message;
  }
}
