package com.ilert.ilagent.cli;

import com.ilert.ilagent.config.FlagValues;
import com.ilert.ilagent.config.Setting;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Declares one picocli option per {@link Setting} and reads back the ones the user gave. picocli
 * only splits the command line here; every value stays text, so conversion and validation happen in
 * one place (the config package) for flags, environment and config file alike.
 */
final class SettingOptions {
  private final Map<OptionSpec, Setting> settings = new IdentityHashMap<>();

  void addTo(CommandSpec command) {
    for (Setting s : Setting.values()) {
      OptionSpec option = optionFor(s);
      settings.put(option, s);
      command.addOption(option);
    }
  }

  /** The options matched on the command line; options that were not given are absent. */
  void collect(List<OptionSpec> matched, FlagValues flags) {
    // picocli lists an option once per occurrence, but its value already holds every occurrence.
    Set<OptionSpec> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    for (OptionSpec option : matched) {
      if (!seen.add(option)) {
        continue;
      }
      Setting s = settings.get(option);
      if (s == null) {
        continue; // --config and the help options are handled by the command itself
      }
      Object value = option.getValue();
      switch (s.kind()) {
        case LIST, PROPERTIES -> {
          List<?> values = value instanceof List<?> l ? l : List.of(value);
          for (Object v : values) {
            flags.add(s, (String) v);
          }
        }
        case COUNT -> {
          for (int i = 0; i < ((boolean[]) value).length; i++) {
            flags.add(s, "");
          }
        }
        case FLAG -> flags.add(s, "true");
        default -> flags.add(s, (String) value);
      }
    }
  }

  private static OptionSpec optionFor(Setting s) {
    OptionSpec.Builder b = OptionSpec.builder(s.cliNames()).description(description(s));
    if (s.paramLabel() != null) {
      b.paramLabel(s.paramLabel());
    }
    if (s.repeatableFlag() && s.kind() != Setting.Kind.COUNT) {
      return b.type(List.class).auxiliaryTypes(String.class).arity("1").build();
    }
    return switch (s.kind()) {
      case COUNT -> b.type(boolean[].class).arity("0").build();
      case FLAG -> b.type(boolean.class).arity("0").build();
      default -> b.type(String.class).arity("1").build();
    };
  }

  private static String description(Setting s) {
    String d = s.description();
    if (s.defaultValue() != null && s.kind() != Setting.Kind.COUNT) {
      d += " Default: " + s.defaultValue() + ".";
    }
    return d;
  }
}
