package com.ilert.ilagent;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The agent's version, as written into the jar by the build. */
public final class Version {
  private static final String VERSION = load();

  private Version() {}

  public static String get() {
    return VERSION;
  }

  public static String userAgent() {
    return "ilagent/" + VERSION;
  }

  private static String load() {
    try (InputStream in = Version.class.getResourceAsStream("/ilagent-version.properties")) {
      if (in == null) {
        return "dev";
      }
      Properties p = new Properties();
      p.load(in);
      String v = p.getProperty("version", "dev");
      return v.startsWith("${") ? "dev" : v;
    } catch (IOException e) {
      return "dev";
    }
  }
}
