package com.ilert.ilagent.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The alerting rules an operator loads (conf/prometheus-alerts.yml), checked by Prometheus' own
 * promtool: the file loads, and the cases of src/test/prometheus/alerts.test.yml pass, in which
 * each alert fires on the case it is for and none fires on a healthy agent. Where promtool is not
 * installed those two are skipped (.ci/run installs it); that every alert has its cases is checked
 * everywhere.
 */
class AlertRulesTest {
  private static final Path RULES = Path.of("conf/prometheus-alerts.yml");
  private static final Path CASES = Path.of("src/test/prometheus/alerts.test.yml");
  private static final String HEALTHY = "healthy";
  private static final String NO_PROMTOOL =
      "promtool is not installed (Debian: apt-get install prometheus), so Prometheus does not"
          + " check the alert rules here";

  @Test
  void theRulesFileLoads() throws Exception {
    String out = promtool("check", "rules", RULES.toString());
    assertThat(out).contains("SUCCESS");
  }

  @Test
  void everyAlertFiresOnItsCaseAndNoneOnAHealthyAgent() throws Exception {
    String out = promtool("test", "rules", CASES.toString());
    assertThat(out).contains("SUCCESS");
  }

  /** So that a new alert cannot go without cases, nor the healthy case miss one. */
  @Test
  void everyAlertHasAFiringCaseANearMissAndIsQuietWhenHealthy() throws IOException {
    YAMLMapper yaml = new YAMLMapper();
    Set<String> alerts = new TreeSet<>();
    for (JsonNode group : yaml.readTree(RULES.toFile()).path("groups")) {
      group.path("rules").forEach(rule -> alerts.add(rule.path("alert").asText()));
    }
    alerts.remove("");
    JsonNode cases = yaml.readTree(CASES.toFile());
    List<Path> ruleFiles = new ArrayList<>();
    cases
        .path("rule_files")
        .forEach(f -> ruleFiles.add(CASES.getParent().resolve(f.asText()).normalize()));
    assertThat(ruleFiles).as("the rule files of %s", CASES).containsExactly(RULES);

    Set<String> firing = new TreeSet<>();
    Set<String> quietBefore = new TreeSet<>();
    Set<String> quietWhenHealthy = new TreeSet<>();
    for (JsonNode group : cases.path("tests")) {
      boolean healthy = group.path("name").asText().equals(HEALTHY);
      for (JsonNode test : group.path("alert_rule_test")) {
        String alert = test.path("alertname").asText();
        boolean fires = !test.path("exp_alerts").isEmpty();
        assertThat(!healthy || !fires)
            .as("%s is expected to fire on the healthy agent", alert)
            .isTrue();
        (healthy ? quietWhenHealthy : fires ? firing : quietBefore).add(alert);
      }
    }
    assertThat(alerts).as("alerts in %s", RULES).isNotEmpty();
    assertThat(firing).as("alerts with a case they fire on").containsAll(alerts);
    assertThat(quietBefore).as("alerts with a near miss they do not fire on").containsAll(alerts);
    assertThat(quietWhenHealthy)
        .as("alerts the group \"%s\" checks stay quiet", HEALTHY)
        .containsAll(alerts);
  }

  /** Runs promtool and returns what it printed; skips the test where it is not installed. */
  private static String promtool(String... args) throws Exception {
    Path promtool = onPath("promtool");
    if (promtool == null) {
      // Surefire's summary counts a skip without its reason: say it where the build log shows it.
      System.err.println("AlertRulesTest: " + NO_PROMTOOL);
    }
    assumeTrue(promtool != null, NO_PROMTOOL);
    List<String> command = new ArrayList<>(List.of(promtool.toString()));
    command.addAll(List.of(args));
    Path out = Files.createTempFile("promtool", ".out");
    try {
      Process p =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .start();
      boolean ended = p.waitFor(60, TimeUnit.SECONDS);
      if (!ended) {
        p.destroyForcibly();
      }
      String text = Files.readString(out, StandardCharsets.UTF_8);
      assertThat(ended).as("%s ended within 60 s: %s", command, text).isTrue();
      assertThat(p.exitValue())
          .as("exit code of %s:%n%s", String.join(" ", command), text)
          .isZero();
      return text;
    } finally {
      Files.deleteIfExists(out);
    }
  }

  private static Path onPath(String name) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
        return Path.of(dir, name);
      }
    }
    return null;
  }
}
