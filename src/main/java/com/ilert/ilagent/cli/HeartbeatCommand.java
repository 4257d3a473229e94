package com.ilert.ilagent.cli;

import com.ilert.ilagent.config.ConfigException;
import com.ilert.ilagent.redaction.Redaction;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code ilagent heartbeat}: pings one heartbeat once and exits. Legacy keys (il1hbt...) go to
 * {@code GET {api}/heartbeats/{key}}, heartbeat monitor keys to {@code HEAD
 * {heartbeat}/pings/{key}}.
 */
@Command(
    name = "heartbeat",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    sortOptions = false,
    description = "Ping an ilert heartbeat once and exit.",
    footer = {
      "",
      "Exit codes: 0 ilert accepted the ping (202), 1 any other answer or no answer",
      "(the command does not retry), 2 usage error."
    })
final class HeartbeatCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(HeartbeatCommand.class);

  private final Map<String, String> env;

  @Spec CommandSpec spec;

  @Mixin OneShotOptions common;

  @Mixin RustFileOption rustFile;

  HeartbeatCommand(Map<String, String> env) {
    this.env = env;
  }

  @Override
  public Integer call() {
    OneShotOptions.Resolved options;
    try {
      options = common.resolve(env, IlagentCommand.verbosity(spec));
    } catch (ConfigException e) {
      return Cli.configError(spec, e);
    }
    OneShot.startLogging(options, LOG);
    RustFileOption.warnIfGiven(spec, rustFile, LOG);
    String masked = Redaction.key(options.key());
    // The same choice IlertClient.ping makes, for the messages.
    String target =
        options.key().startsWith("il1hbt")
            ? "GET " + options.apiUrl() + "/heartbeats/" + masked
            : "HEAD " + options.heartbeatUrl() + "/pings/" + masked;
    LOG.info("Pinging heartbeat: {}", target);
    return OneShot.send(
        spec.commandLine(), options, "heartbeat ping", target, c -> c.ping(options.key()));
  }
}
