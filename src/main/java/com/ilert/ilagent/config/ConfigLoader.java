package com.ilert.ilagent.config;

import java.util.Map;

/**
 * Builds the {@link AgentConfig} from all sources: defaults &lt; config file &lt; environment &lt;
 * flags. Takes the environment as a map so that tests never depend on the real one.
 */
public final class ConfigLoader {
  private ConfigLoader() {}

  /**
   * @param flags the options given on the command line (and the --config file, if any)
   * @param env the process environment, e.g. {@code System.getenv()}
   * @throws ConfigException with a one-line message naming the option, variable or file at fault
   */
  public static AgentConfig load(FlagValues flags, Map<String, String> env) throws ConfigException {
    RawSettings merged = RawSettings.defaults();
    if (flags.configFile() != null) {
      merged = merged.overlay(ConfigFile.read(flags.configFile()));
    }
    merged = merged.overlay(EnvSettings.read(env)).overlay(flags.toRawSettings());
    return ConfigBuilder.build(merged, env);
  }
}
