package com.ilert.ilagent.config;

import com.ilert.ilagent.kafka.KafkaSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.config.ConfigDef;
import picocli.CommandLine.Option;

/**
 * Writes docs/configuration.md from the code: the option table ({@link Setting} and its help texts)
 * and the Kafka consumer properties the agent sets ({@link OwnedKafkaProperty}, {@link
 * KafkaSettings#consumerProperties}). Run it with {@code scripts/config-docs};
 * ConfigurationDocsTest fails when the file differs from what this renders.
 */
public final class ConfigurationDocs {
  static final Path FILE = Path.of("docs/configuration.md");
  static final String COMMAND = "scripts/config-docs";

  /** The brokers of the example configuration the Kafka properties are rendered with. */
  private static final String BROKERS = "broker-1:9092";

  private static final String ENV_PROPERTY_EXAMPLE =
      Setting.ENV_KAFKA_PROPERTY_PREFIX + "SASL_MECHANISM";

  private ConfigurationDocs() {}

  public static void main(String[] args) throws Exception {
    Path file = args.length > 0 ? Path.of(args[0]) : FILE;
    Files.writeString(file, render(), StandardCharsets.UTF_8);
    System.out.println("Wrote " + file);
  }

  static String render() throws ConfigException {
    List<String> out = new ArrayList<>();
    out.add("# Configuration reference");
    out.add("");
    out.add(
        "<!-- Generated from the code by "
            + COMMAND
            + " (config.Setting, setting-help.properties, config.OwnedKafkaProperty,"
            + " kafka.KafkaSettings); edit those, not this file. ConfigurationDocsTest fails when"
            + " it is stale. -->");
    out.add("");
    out.add(
        "Every option of `ilagent daemon` can come from four places; each one overrides those"
            + " before it: its default, the `--config` JSON file (the key below), the environment"
            + " (the variable below), the command line. A value that does not fit names the option"
            + " and where it came from, and the agent exits with code 2. An `ILAGENT_*` variable"
            + " that names no option is such an error too, except the variables Kubernetes sets"
            + " for a Service named `ilagent` (`ILAGENT_SERVICE_HOST`, `ILAGENT_PORT=tcp://...`),"
            + " which are ignored.");
    out.add("");
    out.add("## Options");
    out.add("");
    out.add("| option | config file | environment | default | meaning |");
    out.add("|---|---|---|---|---|");
    for (Setting s : Setting.values()) {
      out.add(
          row(
              flags(s),
              "`" + s.jsonKey() + "` (" + jsonType(s.kind()) + ")",
              environment(s),
              defaultText(s),
              s.description()));
    }
    // Options of the command line only: no config key, no environment variable.
    for (String[] field : COMMAND_LINE_ONLY) {
      Option option = commandLineOption(field[0], field[1]);
      out.add(
          row(
              "`" + String.join("`, `", option.names()) + " " + option.paramLabel() + "`",
              "",
              "",
              "",
              String.join(" ", option.description())));
    }
    out.add("");
    out.add(
        "A list (`"
            + Setting.EVENT_TOPIC.paramLabel()
            + "`) is comma-separated; its flag may be repeated, and the repeats add up. A Kafka"
            + " client property from the environment is one variable per property: `"
            + ENV_PROPERTY_EXAMPLE
            + "` sets `"
            + KafkaProperties.fromEnvName(ENV_PROPERTY_EXAMPLE)
            + "` (the rest of the name, lower-cased, underscores as dots).");
    out.add("");
    out.add(
        "Read from the environment only: `"
            + PolicySettings.API_KEY_ENV
            + "`, the ilert API token of `--"
            + Setting.POLICY_TOPIC.longName()
            + "` (a leading `Bearer ` is dropped), and the proxy variables `HTTPS_PROXY`,"
            + " `HTTP_PROXY`, `ALL_PROXY` and `NO_PROXY` (or their lower-case forms), read as"
            + " the Rust ilagent's HTTP client reads them.");
    out.add("");
    kafkaProperties(out);
    return String.join("\n", out) + "\n";
  }

  private static void kafkaProperties(List<String> out) throws ConfigException {
    KafkaConfig example =
        ConfigLoader.load(
                new FlagValues()
                    .add(Setting.KAFKA_BROKERS, BROKERS)
                    .add(Setting.EVENT_TOPIC, "events"),
                Map.of())
            .kafka();
    Map<String, Object> props = new TreeMap<>(KafkaSettings.consumerProperties(example));
    out.add("## Kafka consumer properties the agent sets");
    out.add("");
    out.add(
        "Any other Kafka client property (TLS, SASL, tuning) is given with `--"
            + Setting.KAFKA_PROPERTY.longName()
            + "`, the `"
            + Setting.KAFKA_PROPERTY.jsonKey()
            + "` object of the config file or `"
            + Setting.ENV_KAFKA_PROPERTY_PREFIX
            + "<NAME>`. The agent sets these itself; setting one of them is a configuration"
            + " error (values with `--kafka_brokers "
            + BROKERS
            + "` and the other options at their defaults):");
    out.add("");
    out.add("| property | value | Kafka's default | instead |");
    out.add("|---|---|---|---|");
    for (OwnedKafkaProperty owned : OwnedKafkaProperty.values()) {
      out.add(
          row(
              "`" + owned.key() + "`",
              "`" + props.remove(owned.key()) + "`",
              kafkaDefault(owned.key()),
              owned.advice()));
    }
    out.add("");
    out.add("And these defaults, which a property may change:");
    out.add("");
    out.add("| property | default | Kafka's default |");
    out.add("|---|---|---|");
    props.forEach(
        (key, value) -> out.add(row("`" + key + "`", "`" + value + "`", kafkaDefault(key))));
  }

  /** The Kafka consumer's own default of a property, as Kafka documents it. */
  private static String kafkaDefault(String key) {
    ConfigDef.ConfigKey def = ConsumerConfig.configDef().configKeys().get(key);
    Object value = def == null ? null : def.defaultValue;
    if (value == null || value == ConfigDef.NO_DEFAULT_VALUE) {
      return "none";
    }
    String text =
        value instanceof List<?> list
            ? String.join(",", list.stream().map(ConfigurationDocs::text).toList())
            : text(value);
    return text.isEmpty() ? "empty" : "`" + text + "`";
  }

  private static String text(Object value) {
    return value instanceof Class<?> c ? c.getName() : String.valueOf(value);
  }

  /** The command line's own options, as class and field: the file, the Rust program's flags. */
  private static final String[][] COMMAND_LINE_ONLY = {
    {"com.ilert.ilagent.cli.DaemonCommand", "configFile"},
    {"com.ilert.ilagent.cli.RustFileOption", "file"},
    {"com.ilert.ilagent.cli.DaemonCommand", "maxRetries"}
  };

  private static Option commandLineOption(String className, String field) {
    try {
      return Class.forName(className).getDeclaredField(field).getAnnotation(Option.class);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("no option " + className + "." + field, e);
    }
  }

  private static String defaultText(Setting s) {
    if (s.defaultValue() != null) {
      return "`" + s.defaultValue() + "`";
    }
    return s.kind() == Setting.Kind.FLAG ? "`false`" : "";
  }

  private static String flags(Setting s) {
    List<String> names = new ArrayList<>(List.of(s.cliNames()));
    String label = s.paramLabel() == null ? "" : " " + s.paramLabel();
    int last = names.size() - 1;
    names.set(last, names.get(last) + label);
    return "`" + String.join("`, `", names) + "`";
  }

  private static String environment(Setting s) {
    String name = s == Setting.KAFKA_PROPERTY ? s.envName() + "<NAME>" : s.envName();
    String text = "`" + name + "`";
    if (s.envAlias() != null) {
      text += " (or `" + s.envAlias() + "`)";
    }
    return text;
  }

  private static String jsonType(Setting.Kind kind) {
    return switch (kind) {
      case STRING -> "string";
      case NUMBER -> "integer";
      case LIST -> "string or array of strings";
      case COUNT -> "integer, the number of `-v`";
      case FLAG -> "true or false";
      case PROPERTIES -> "object of properties";
    };
  }

  /** A table row; a {@code |} inside a cell would end the cell, even inside backticks. */
  private static String row(String... cells) {
    List<String> escaped = new ArrayList<>();
    for (String cell : cells) {
      escaped.add(cell.replace("|", "\\|"));
    }
    return "| " + String.join(" | ", escaped) + " |";
  }
}
