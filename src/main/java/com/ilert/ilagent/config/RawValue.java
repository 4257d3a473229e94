package com.ilert.ilagent.config;

/**
 * One value as a source gave it, before conversion, together with where it came from. Carrying the
 * origin lets a single converter report "ILAGENT_PORT: ..." or "--port: ..." for the same rule.
 *
 * @param text the value as text (a list is comma-separated, a count is its number)
 * @param source how error messages name the origin, e.g. {@code --port}, {@code ILAGENT_PORT}
 * @param secret whether the value must never be shown
 */
public record RawValue(String text, String source, boolean secret) {

  /** The value quoted for an error message, or a placeholder for secrets. */
  public String shown() {
    return secret ? "(value hidden)" : quote(text);
  }

  /** An error about this value: names the source, says what was expected and what came instead. */
  public ConfigException invalid(String expected) {
    return new ConfigException(source + ": " + expected + ", got " + shown());
  }

  /** An error about this value that does not repeat the value. */
  public ConfigException problem(String what) {
    return new ConfigException(source + ": " + what);
  }

  static String quote(String s) {
    return "\"" + s + "\"";
  }
}
