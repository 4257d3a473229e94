package com.ilert.ilagent.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** Reads the version Maven writes into /ilagent-version.properties at build time. */
public final class VersionProvider implements IVersionProvider {
  static final String RESOURCE = "/ilagent-version.properties";

  @Override
  public String[] getVersion() {
    return new String[] {"ilagent " + version()};
  }

  /** The build's version, or "dev" when run from sources that Maven has not filtered. */
  public static String version() {
    try (InputStream in = VersionProvider.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        return "dev";
      }
      Properties p = new Properties();
      p.load(in);
      String v = p.getProperty("version", "").trim();
      // An unfiltered resource still holds the Maven placeholder.
      return v.isEmpty() || v.contains("${") ? "dev" : v;
    } catch (IOException e) {
      return "dev";
    }
  }
}
