package com.ilert.ilagent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

/** docs/configuration.md is what the code generates, and names every option and Kafka property. */
class ConfigurationDocsTest {
  @Test
  void theFileIsWhatTheCodeGenerates() throws Exception {
    String generated = ConfigurationDocs.render();
    String file =
        Files.exists(ConfigurationDocs.FILE)
            ? Files.readString(ConfigurationDocs.FILE, StandardCharsets.UTF_8)
            : "";
    if (!file.equals(generated)) {
      fail(
          "%s is stale: run %s (%s)",
          ConfigurationDocs.FILE, ConfigurationDocs.COMMAND, firstDifference(file, generated));
    }
  }

  @Test
  void everyOptionAndEveryOwnedPropertyHasARow() throws Exception {
    String generated = ConfigurationDocs.render();
    for (Setting s : Setting.values()) {
      assertThat(generated)
          .as("the row of %s", s.longName())
          .contains("`--" + s.longName(), "`" + s.jsonKey() + "`", "`" + s.envName())
          .contains(s.description().replace("|", "\\|"));
    }
    for (OwnedKafkaProperty p : OwnedKafkaProperty.values()) {
      assertThat(generated).contains("| `" + p.key() + "` |", p.advice());
    }
    assertThat(generated)
        .as("the defaults of KafkaSettings a property may change")
        .contains("| `client.id` | `ilagent` |", "| `enable.metrics.push` | `false` | `true` |");
  }

  private static String firstDifference(String file, String generated) {
    List<String> a = file.lines().toList();
    List<String> b = generated.lines().toList();
    for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
      String was = i < a.size() ? a.get(i) : "<end of file>";
      String now = i < b.size() ? b.get(i) : "<end of file>";
      if (!was.equals(now)) {
        return "line " + (i + 1) + " is\n  " + was + "\nbut the code generates\n  " + now;
      }
    }
    return "the line ends differ";
  }
}
