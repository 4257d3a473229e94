package com.ilert.ilagent.startup;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * Loads a list of classes so that the class-data-sharing training run (scripts/cds-archive) puts
 * them into the archive although it never meets them: the training has no broker, so the classes
 * the Kafka client loads once connected (protocol messages, error types, the group protocol) would
 * otherwise be loaded from the jar at every start. Only the training run does this ({@value
 * #TRAINING_PROPERTY}=true); the agent itself never preloads anything.
 *
 * <p>The list ({@value #LIST}) has one class name per line; {@code #} starts a comment; a leading
 * {@code +} also initialises the class, for the few whose static initialiser creates what should be
 * archived too (lambdas, e.g. Kafka's error table), and which are known to have no other effects. A
 * name that no longer exists is skipped: a stale list costs start-up time, never a start.
 */
public final class ClassPreload {
  public static final String TRAINING_PROPERTY = "ilagent.cds.training";
  public static final String LIST = "META-INF/ilagent/cds-preload.txt";

  private ClassPreload() {}

  /** In the training run only: loads the listed classes; returns how many were loaded. */
  public static int ifTraining() {
    return Boolean.getBoolean(TRAINING_PROPERTY) ? load(LIST) : 0;
  }

  /** Loads the classes listed in {@code resource}; returns how many were loaded. */
  static int load(String resource) {
    ClassLoader loader = ClassPreload.class.getClassLoader();
    int loaded = 0;
    try (InputStream in = loader.getResourceAsStream(resource)) {
      if (in == null) {
        return 0;
      }
      BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        String name = line.strip();
        if (name.isEmpty() || name.startsWith("#")) {
          continue;
        }
        boolean initialise = name.startsWith("+");
        try {
          Class.forName(initialise ? name.substring(1) : name, initialise, loader);
          loaded++;
        } catch (ClassNotFoundException | LinkageError | RuntimeException e) {
          // Gone or changed since the list was made: that class is just not archived.
        }
      }
    } catch (IOException e) {
      // An unreadable list: nothing preloaded.
    }
    return loaded;
  }
}
