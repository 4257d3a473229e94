package com.ilert.ilagent.cli;

import com.ilert.ilagent.config.ConfigException;
import com.ilert.ilagent.redaction.Redaction;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ilagent event}: sends one event to ilert's generic events endpoint ({@code POST
 * {api}/events}, key in the body) and exits, as the Rust ilagent's event command does.
 */
@Command(
    name = "event",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    sortOptions = false,
    description = "Send one event to ilert and exit.",
    footer = {
      "",
      "Exit codes: 0 ilert accepted the event (202), 1 any other answer or no answer",
      "(the command does not retry), 2 usage error."
    })
final class EventCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(EventCommand.class);

  static final Set<String> EVENT_TYPES = Set.of("ALERT", "ACCEPT", "RESOLVE", "COMMENT");
  static final Set<String> PRIORITIES = Set.of("HIGH", "LOW");

  private final Map<String, String> env;

  @Spec CommandSpec spec;

  @Mixin OneShotOptions common;

  @Mixin RustFileOption rustFile;

  @Option(
      names = {"-t", "--event_type"},
      paramLabel = "TYPE",
      description = "ALERT, ACCEPT, RESOLVE or COMMENT. Default: ALERT.")
  String eventType;

  @Option(
      names = {"-s", "--summary"},
      paramLabel = "SUMMARY",
      description = "Summary (required for ALERT).")
  String summary;

  @Option(
      names = {"-i", "--alert_key"},
      paramLabel = "ALERT_KEY",
      description = "Groups events: ACCEPT and RESOLVE find the open alert by it.")
  String alertKey;

  @Option(
      names = {"-o", "--priority"},
      paramLabel = "PRIORITY",
      description = "HIGH or LOW.")
  String priority;

  @Option(
      names = {"-d", "--details"},
      paramLabel = "DETAILS",
      description = "Details text.")
  String details;

  @Option(
      names = {"-g", "--image"},
      paramLabel = "URL",
      description = "Image URL (http/https); repeatable.")
  List<String> images = new ArrayList<>();

  @Option(
      names = {"-l", "--link"},
      paramLabel = "URL",
      description = "Link URL (http/https); repeatable.")
  List<String> links = new ArrayList<>();

  EventCommand(Map<String, String> env) {
    this.env = env;
  }

  @Override
  public Integer call() {
    OneShotOptions.Resolved options;
    JsonObject event;
    try {
      options = common.resolve(env, IlagentCommand.verbosity(spec));
      event = event(options.key());
    } catch (ConfigException e) {
      return Cli.configError(spec, e);
    }
    OneShot.startLogging(options, LOG);
    RustFileOption.warnIfGiven(spec, rustFile, LOG);
    String target = "POST " + options.apiUrl() + "/events";
    LOG.info(
        "Sending {} event for key {}: {}",
        event.getString("eventType"),
        Redaction.key(options.key()),
        target);
    byte[] body = event.encode().getBytes(StandardCharsets.UTF_8);
    return OneShot.send(
        spec.commandLine(), options, "event", target, c -> c.sendGenericEvent(body));
  }

  /** The event body; only the fields given. */
  JsonObject event(String key) throws ConfigException {
    String type = oneOf(eventType == null ? "ALERT" : eventType, "--event_type", EVENT_TYPES);
    if (type.equals("ALERT") && (summary == null || summary.isBlank())) {
      throw new ConfigException("--summary: required for ALERT events");
    }
    JsonObject event = new JsonObject().put("integrationKey", key).put("eventType", type);
    putIfGiven(event, "summary", summary);
    putIfGiven(event, "details", details);
    putIfGiven(event, "alertKey", alertKey);
    if (priority != null) {
      event.put("priority", oneOf(priority, "--priority", PRIORITIES));
    }
    if (!images.isEmpty()) {
      event.put("images", urls(images, "--image", "src"));
    }
    if (!links.isEmpty()) {
      event.put("links", urls(links, "--link", "href"));
    }
    return event;
  }

  /** Case does not matter on the command line; ilert gets the upper-case form. */
  private static String oneOf(String value, String option, Set<String> allowed)
      throws ConfigException {
    String v = value.trim().toUpperCase(Locale.ROOT);
    if (!allowed.contains(v)) {
      throw new ConfigException(
          option
              + ": expected one of "
              + String.join(", ", sorted(allowed))
              + ", got \""
              + value
              + "\"");
    }
    return v;
  }

  private static List<String> sorted(Set<String> values) {
    // The order people know them in, not alphabetical.
    List<String> order = List.of("ALERT", "ACCEPT", "RESOLVE", "COMMENT", "HIGH", "LOW");
    return order.stream().filter(values::contains).toList();
  }

  private static void putIfGiven(JsonObject event, String field, String value) {
    if (value != null && !value.isBlank()) {
      event.put(field, value);
    }
  }

  private static JsonArray urls(List<String> urls, String option, String field)
      throws ConfigException {
    JsonArray array = new JsonArray();
    for (String url : urls) {
      String u = url.trim();
      if (!OneShotOptions.isHttpUrl(u)) {
        throw new ConfigException(
            option + ": expected an absolute http or https URL, got \"" + url + "\"");
      }
      array.add(new JsonObject().put(field, u));
    }
    return array;
  }
}
