package com.ilert.ilagent.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

/**
 * The help texts of the settings, one line per setting in {@value #RESOURCE}, read once: prose kept
 * out of the {@link Setting} table, so that the table stays one row per setting.
 */
final class SettingHelp {
  static final String RESOURCE = "setting-help.properties";

  private static final Properties TEXTS = load();

  private SettingHelp() {}

  /** The help text of {@code setting}; every setting has one (SettingHelpTest). */
  static String of(Setting setting) {
    String text = TEXTS.getProperty(setting.longName());
    if (text == null) {
      throw new IllegalStateException("no help text for " + setting.longName() + " in " + RESOURCE);
    }
    return text;
  }

  /** The long names that have a help text. */
  static java.util.Set<String> names() {
    return TEXTS.stringPropertyNames();
  }

  private static Properties load() {
    Properties texts = new Properties();
    try (InputStream in = SettingHelp.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the jar");
      }
      texts.load(new InputStreamReader(in, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return texts;
  }
}
