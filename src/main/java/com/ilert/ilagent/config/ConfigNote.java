package com.ilert.ilagent.config;

/**
 * Something the configuration step wants logged once logging is set up (it is not yet while the
 * configuration is read): an ignored variable, say. Never holds a secret.
 */
public record ConfigNote(Level level, String message) {
  public enum Level {
    DEBUG,
    WARN
  }
}
