package com.ilert.ilagent.cli;

import com.ilert.ilagent.config.AgentConfig;
import com.ilert.ilagent.config.ConfigException;
import com.ilert.ilagent.config.ConfigLoader;
import com.ilert.ilagent.config.FlagValues;
import com.ilert.ilagent.config.RustCompat;
import com.ilert.ilagent.config.Setting;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.ToIntFunction;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ilagent daemon}: consumes Kafka and forwards to ilert until stopped. Builds the config
 * from all sources and hands it to the runner ({@code Agent::run} in production).
 */
@Command(
    name = "daemon",
    // The generated synopsis lists all ~30 options twice over; the option list below is enough.
    customSynopsis = "ilagent daemon [OPTIONS]",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    sortOptions = false,
    description =
        "Consume Kafka topics and forward the records to ilert, ping the agent's own"
            + " heartbeat (-b), serve /health, /ready and /metrics (-p). Without --kafka_brokers only -b"
            + " and -p run.",
    footer = {
      "",
      "Every option can also be set in the --config JSON file (key = long name",
      "without dashes; \"verbose\": N for -v; Kafka properties in a \"kafka\" object)",
      "and as environment variable ILAGENT_<LONG_NAME>, e.g. ILAGENT_KAFKA_BROKERS,",
      "ILAGENT_VERBOSE, and ILAGENT_KAFKA_PROPERTY_SASL_MECHANISM for sasl.mechanism.",
      "Precedence: defaults < config file < environment < command line.",
      "Also read: ILERT_API_KEY (ilert API token of the policy topic), ILERT_API_URL,",
      "ILERT_HEARTBEAT_URL, HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY (or lower",
      "case), RUST_LOG (log levels as env_logger reads them; wins over -v).",
      "Exit codes: 0 stopped cleanly, 1 delivery failure, 2 usage/config error."
    })
final class DaemonCommand implements Callable<Integer> {
  private final Map<String, String> env;
  private final ToIntFunction<AgentConfig> runner;
  private final SettingOptions settingOptions = new SettingOptions();

  @Spec CommandSpec spec;

  @Option(names = "--config", paramLabel = "FILE", description = "JSON config file.")
  Path configFile;

  @Mixin RustFileOption rustFile;

  @Option(
      names = "--max_retries",
      paramLabel = "N",
      description =
          "Accepted for the Rust ilagent's queue and ignored (with a warning): deliveries are retried"
              + " for --retry_max_ms instead.")
  String maxRetries;

  private DaemonCommand(Map<String, String> env, ToIntFunction<AgentConfig> runner) {
    this.env = env;
    this.runner = runner;
  }

  static CommandLine commandLine(Map<String, String> env, ToIntFunction<AgentConfig> runner) {
    DaemonCommand daemon = new DaemonCommand(env, runner);
    CommandLine cmd = new CommandLine(daemon);
    daemon.settingOptions.addTo(cmd.getCommandSpec());
    return cmd;
  }

  @Override
  public Integer call() {
    FlagValues flags = new FlagValues().configFile(configFile);
    for (int i = IlagentCommand.verbosity(spec); i > 0; i--) {
      flags.add(Setting.VERBOSE, "");
    }
    settingOptions.collect(spec.commandLine().getParseResult().matchedOptions(), flags);
    AgentConfig config;
    try {
      String file = RustFileOption.given(spec, rustFile);
      if (file != null) {
        flags.warn(RustCompat.fileIgnored(file));
      }
      if (maxRetries != null) {
        flags.warn(RustCompat.maxRetriesIgnored(maxRetries));
      }
      config = ConfigLoader.load(flags, env);
    } catch (ConfigException e) {
      return Cli.configError(spec, e);
    }
    return runner.applyAsInt(config);
  }
}
