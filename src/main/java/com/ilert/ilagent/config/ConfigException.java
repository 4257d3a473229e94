package com.ilert.ilagent.config;

/** A usage or configuration error: the message names the option (or file) and what is wrong. */
public final class ConfigException extends Exception {
  public ConfigException(String message) {
    super(message, null, false, false);
  }
}
