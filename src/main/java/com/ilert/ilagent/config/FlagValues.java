package com.ilert.ilagent.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The options actually given on the command line, as text. The CLI fills it from picocli's parse
 * result; tests fill it directly. Only what is here overrides the other sources.
 */
public final class FlagValues {
  private final Map<Setting, List<String>> given = new EnumMap<>(Setting.class);
  private final List<String> warnings = new ArrayList<>();
  private Path configFile;

  /**
   * Records one occurrence of an option. Repeated LIST options concatenate, repeated KAFKA_PROPERTY
   * entries ({@code key=value}) add up, a COUNT counts its occurrences (the text is ignored), other
   * kinds keep the last value.
   */
  public FlagValues add(Setting setting, String value) {
    given.computeIfAbsent(setting, s -> new ArrayList<>()).add(value);
    return this;
  }

  /** A warning about a flag given, logged once logging is set up (e.g. {@link RustCompat}). */
  public FlagValues warn(String warning) {
    warnings.add(warning);
    return this;
  }

  public FlagValues configFile(Path file) {
    this.configFile = file;
    return this;
  }

  /** The --config file, or null when none was given. */
  public Path configFile() {
    return configFile;
  }

  RawSettings toRawSettings() throws ConfigException {
    RawSettings out = new RawSettings();
    warnings.forEach(w -> out.note(new ConfigNote(ConfigNote.Level.WARN, w)));
    for (Map.Entry<Setting, List<String>> e : given.entrySet()) {
      Setting s = e.getKey();
      List<String> values = e.getValue();
      String source = s.flagName();
      switch (s.kind()) {
        case PROPERTIES -> {
          for (String arg : values) {
            String[] kv = KafkaProperties.splitFlag(arg, source);
            out.putKafkaProperty(kv[0], new RawValue(kv[1], source, true));
          }
        }
        case LIST -> out.put(s, new RawValue(String.join(",", values), source, s.secret()));
        case COUNT -> out.put(s, new RawValue(String.valueOf(values.size()), source, false));
        case FLAG -> out.put(s, new RawValue("true", source, false));
        default -> out.put(s, new RawValue(values.get(values.size() - 1), source, s.secret()));
      }
    }
    return out;
  }
}
