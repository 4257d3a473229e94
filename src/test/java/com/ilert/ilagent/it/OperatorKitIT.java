package com.ilert.ilagent.it;

import static com.ilert.ilagent.it.Events.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.ilert.ilagent.testkit.AgentProcess;
import com.ilert.ilagent.testkit.AgentTest;
import com.ilert.ilagent.testkit.Fault;
import com.ilert.ilagent.testkit.IlertStandIn;
import com.ilert.ilagent.testkit.KafkaBroker;
import com.ilert.ilagent.testkit.RunningAgent;
import com.ilert.ilagent.testkit.TestAgents;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;

/**
 * The operator's kit under conf/ (Grafana dashboard, Prometheus rules, the same rules as a
 * PrometheusRule) reads only what the agent exposes. An agent that has done a bit of everything
 * (events delivered after a 429, a dead letter, a heartbeat ping, an escalation-policy update, a
 * GC) is scraped, and every series name the kit's queries use must be among its series, with the
 * label values their selectors fix and the labels they group by; counters and histograms are read
 * through rate or increase, gauges never.
 */
@AgentTest
class OperatorKitIT {
  private static final Path DASHBOARD = Path.of("conf/grafana-dashboard.json");
  private static final Path RULES = Path.of("conf/prometheus-alerts.yml");
  private static final Path OPERATOR_RULE = Path.of("conf/prometheus-rule.yaml");

  private static final String KEY = "il1apiopskit000000001";
  private static final String BEAT = "hbopskittopic0000001";
  private static final String TOKEN = "il1apitokenopskit000001";

  /** Series Prometheus makes itself for each target: not on /metrics. */
  private static final Set<String> PROMETHEUS_OWN = Set.of("up");

  /** Labels Prometheus adds to every series of a target. */
  private static final Set<String> TARGET_LABELS = Set.of("job", "instance");

  private static final Pattern AGENT_SERIES = Pattern.compile("\\bilagent_[a-z0-9_]+\\b");
  private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"");
  private static final Pattern SELECTOR = Pattern.compile("\\b(ilagent_[a-z0-9_]+)\\s*\\{([^}]*)}");
  private static final Pattern MATCHER =
      Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)\\s*\"([^\"]*)\"");
  private static final Pattern GROUPING =
      Pattern.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\(([^)]*)\\)");
  private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern LITERAL_ALTERNATIVES =
      Pattern.compile("[A-Za-z0-9_]+(\\|[A-Za-z0-9_]+)*");
  private static final Set<String> KEYWORDS =
      Set.of(
          "and",
          "or",
          "unless",
          "bool",
          "offset",
          "inf",
          "nan",
          "by",
          "without",
          "on",
          "ignoring",
          "group_left",
          "group_right");
  private static final Pattern COUNTER_READ =
      Pattern.compile("\\b(rate|irate|increase)\\s*\\(\\s*$");

  /** One PromQL expression of the kit and where it stands, for the failure message. */
  record Query(String where, String expr, boolean variable) {}

  @Test
  void everySeriesTheDashboardAndTheRulesQueryIsExposed(
      TestAgents agents, IlertStandIn ilert, KafkaBroker kafka) throws Exception {
    List<Query> queries = kitQueries(); // a broken file fails here, before anything starts
    String events = agents.newTopic("events", 1);
    String beats = agents.newTopic("beats", 1);
    String policy = agents.newTopic("policy", 1);
    String dlq = agents.newTopic("dlq", 1);
    ilert
        .requireApiToken(TOKEN)
        .user("jane@example.com", 99)
        .policy("plant1", 42, 5)
        .fault(Fault.status(429).header("Retry-After", "1").forKey(KEY).times(1));
    RunningAgent agent = startWithEveryFeature(agents, events, beats, policy, dlq);
    kafka.send(events, "a", event(KEY, "ALERT", "answered 429 first, then 202", "a"));
    kafka.send(events, "bad", "{not json");
    kafka.send(beats, "b", "{\"integrationKey\":\"" + BEAT + "\"}");
    kafka.send(
        policy,
        "p",
        "{\"location\":\"plant1\",\"data\":{\"email\":\"jane@example.com\",\"shift\":0}}");
    ilert.awaitEvents(1, Duration.ofSeconds(30));
    ilert.awaitPings(1, Duration.ofSeconds(30));
    ilert.awaitLevelUpdates(1, Duration.ofSeconds(30));
    assertThat(ilert.answered(429))
        .as("the first attempt of the event was rate limited")
        .isEqualTo(1);
    kafka.awaitNoLag(agents.group(), events, Duration.ofSeconds(30));

    // The JVM's GC pause timer appears with the first collection after the agent started.
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(250))
        .until(() -> scrape(agent).names.contains("ilagent_jvm_memory_used_bytes"));
    collectGarbage(agent);

    awaitExposed(queries, agent, p -> true, "the kit queries what /metrics does not expose");
    assertThat(usageProblems(queries, scrape(agent))).as("how the kit reads each series").isEmpty();
  }

  /**
   * Before its first record, an agent shows every series of the features it runs at 0 (a dashboard
   * shows 0, not "no data"; an alert on an increase sees the first event), and none of those that
   * are off.
   */
  @Test
  void anIdleAgentShowsTheSeriesOfItsFeaturesAtZero(TestAgents agents, IlertStandIn ilert)
      throws Exception {
    List<Query> queries = kitQueries();
    String events = agents.newTopic("events", 1);
    String beats = agents.newTopic("beats", 1);
    String policy = agents.newTopic("policy", 1);
    String dlq = agents.newTopic("dlq", 1);
    RunningAgent agent = startWithEveryFeature(agents, events, beats, policy, dlq);
    collectGarbage(agent); // the JVM's GC pause timer appears with the first collection

    // The lag is a series per assigned partition, from the consumer's reports, not a feature's:
    // a partition that starts at offset 0 is reported from its first record on.
    awaitExposed(
        queries,
        agent,
        p -> !p.contains("ilagent_consumer_lag"),
        "an idle agent lacks series the kit reads");
    assertThat(agent.metrics())
        .contains(
            "ilagent_heartbeat_pings_total{result=\"delivered\",source=\"topic\"} 0.0",
            "ilagent_events_delivered_total 0.0",
            "ilagent_delivery_failures_total 0.0",
            "ilagent_records_dead_lettered_total 0.0",
            "ilagent_policy_updates_total{result=\"rejected\"} 0.0",
            "ilagent_records_consumed_total{topic=\"" + beats + "\"} 0.0");
    assertThat(ilert.received()).as("nothing was sent to ilert").isEmpty();
  }

  @Test
  void theSeriesOfFeaturesThatAreOffAreNotThere(TestAgents agents) {
    RunningAgent agent = agents.start("-e", agents.newTopic("events", 1));

    assertThat(agent.metrics())
        .contains("ilagent_events_delivered_total 0.0")
        .doesNotContain(
            "ilagent_heartbeat_pings_total",
            "ilagent_policy_updates_total",
            "ilagent_records_dead_lettered_total");
  }

  /** An agent with an event, a heartbeat and a policy topic and a dead-letter topic. */
  private static RunningAgent startWithEveryFeature(
      TestAgents agents, String events, String beats, String policy, String dlq) {
    return agents
        .daemon(
            "-e",
            events,
            "-r",
            beats,
            "--policy_topic",
            policy,
            "--policy_routing_keys",
            "location",
            "--dead_letter_topic",
            dlq)
        .env("ILERT_API_KEY", TOKEN)
        .start();
  }

  /**
   * Waits (up to 60 s: the GC notification that registers the pause timer comes on its own thread,
   * the lag with the next report) until the scrape lacks nothing the kit reads, of the problems
   * {@code counted} keeps; fails listing them.
   */
  private static void awaitExposed(
      List<Query> queries, RunningAgent agent, Predicate<String> counted, String failure) {
    List<String> problems = new ArrayList<>();
    try {
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(500))
          .until(
              () -> {
                problems.clear();
                exposureProblems(queries, scrape(agent)).stream()
                    .filter(counted)
                    .forEach(problems::add);
                return problems.isEmpty();
              });
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(failure + ":\n  " + String.join("\n  ", problems));
    }
  }

  /** Every expression of the dashboard and the rules; checks the files' shape on the way. */
  static List<Query> kitQueries() throws IOException {
    List<Query> queries = new ArrayList<>();
    JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
    int panels = 0;
    for (JsonNode panel : dashboard.path("panels")) {
      if (panel.path("type").asText().equals("row")) {
        continue;
      }
      panels++;
      String title = panel.path("title").asText();
      assertThat(panel.path("targets")).as("queries of panel %s", title).isNotEmpty();
      for (JsonNode target : panel.path("targets")) {
        String expr = target.path("expr").asText();
        assertThat(expr)
            .as("panel %s, query %s", title, target.path("refId").asText())
            .isNotBlank();
        queries.add(
            new Query("panel \"" + title + "\" " + target.path("refId").asText(), expr, false));
      }
    }
    assertThat(panels).as("panels in %s", DASHBOARD).isGreaterThanOrEqualTo(20);
    for (JsonNode annotation : dashboard.path("annotations").path("list")) {
      if (annotation.has("expr")) {
        queries.add(
            new Query(
                "annotation \"" + annotation.path("name").asText() + "\"",
                annotation.path("expr").asText(),
                false));
      }
    }
    for (JsonNode variable : dashboard.path("templating").path("list")) {
      if (variable.path("type").asText().equals("query")) {
        JsonNode query = variable.path("query");
        String text = query.isObject() ? query.path("query").asText() : query.asText();
        Matcher labelValues =
            Pattern.compile("label_values\\((.*),\\s*[a-zA-Z_]+\\s*\\)").matcher(text);
        assertThat(labelValues.matches())
            .as("variable %s: %s", variable.path("name"), text)
            .isTrue();
        queries.add(
            new Query("variable " + variable.path("name").asText(), labelValues.group(1), true));
      }
    }
    assertThat(dashboard.path("__inputs").findValuesAsText("pluginId"))
        .as("the data source input")
        .contains("prometheus");

    YAMLMapper yaml = new YAMLMapper();
    JsonNode rules = yaml.readTree(RULES.toFile());
    JsonNode operatorRule = yaml.readTree(OPERATOR_RULE.toFile());
    assertThat(operatorRule.path("kind").asText()).isEqualTo("PrometheusRule");
    assertThat(operatorRule.path("spec").path("groups"))
        .as("%s spec.groups equal to %s", OPERATOR_RULE, RULES)
        .isEqualTo(rules.path("groups"));
    Set<String> alerts = new TreeSet<>();
    for (JsonNode group : rules.path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        String name = rule.path("alert").asText(rule.path("record").asText());
        assertThat(name)
            .as("a rule of group %s without alert or record", group.path("name"))
            .isNotBlank();
        assertThat(rule.path("expr").asText()).as("expr of %s", name).isNotBlank();
        if (rule.has("alert")) {
          alerts.add(name);
          assertThat(rule.path("labels").path("severity").asText())
              .as("severity of %s", name)
              .isNotBlank();
          assertThat(rule.path("annotations").path("summary").asText())
              .as("summary of %s", name)
              .isNotBlank();
          assertThat(rule.path("annotations").path("description").asText())
              .as("description of %s", name)
              .isNotBlank();
        }
        queries.add(new Query("rule " + name, rule.path("expr").asText(), false));
      }
    }
    assertThat(alerts)
        .as("the alerts docs/operations.md describes")
        .contains(
            "IlagentDown",
            "IlagentRestarting",
            "IlagentNotReady",
            "IlagentDeliveryFailures",
            "IlagentConsumerLagGrowing",
            "IlagentRateLimited",
            "IlagentDeadLetters",
            "IlagentRecordsRejected",
            "IlagentPolicyUpdatesFailing");
    for (Query q : queries) {
      assertThat(seriesNames(q.expr()))
          .as("%s reads no ilagent_ series: %s", q.where(), q.expr())
          .anyMatch(n -> n.startsWith("ilagent_"));
    }
    return queries;
  }

  /**
   * The series names an expression reads: every identifier that is no function, keyword, label,
   * string, duration or Grafana variable. Anything the regular ilagent_ pattern would miss (a typo
   * such as {@code ilagnet_ready}) is found as a name too, and then fails as not exposed.
   */
  static Set<String> seriesNames(String expr) {
    String s = STRING.matcher(expr).replaceAll("\"\"");
    s = s.replaceAll("\\[[^]]*]", " "); // ranges and subqueries: [15m], [$__rate_interval], [1d:]
    s = s.replaceAll("\\{[^}]*}", " "); // label matchers
    s = GROUPING.matcher(s).replaceAll(" ");
    s = s.replaceAll("\\$[a-zA-Z_]+", " ");
    Set<String> names = new LinkedHashSet<>();
    Matcher m = IDENTIFIER.matcher(s);
    while (m.find()) {
      String id = m.group();
      boolean call = s.substring(m.end()).matches("(?s)\\s*\\(.*");
      boolean number = m.start() > 0 && Character.isDigit(s.charAt(m.start() - 1)); // 1e3, 0x1f
      if (!call && !number && !KEYWORDS.contains(id.toLowerCase())) {
        names.add(id);
      }
    }
    Matcher agent = AGENT_SERIES.matcher(STRING.matcher(expr).replaceAll("\"\""));
    while (agent.find()) {
      names.add(agent.group());
    }
    return names;
  }

  /** What the kit reads that the scrape lacks: names, label values and grouping labels. */
  static List<String> exposureProblems(List<Query> queries, Scrape scrape) {
    List<String> problems = new ArrayList<>();
    for (Query q : queries) {
      Set<String> names = seriesNames(q.expr());
      for (String name : names) {
        if (!PROMETHEUS_OWN.contains(name) && !scrape.names.contains(name)) {
          problems.add(q.where() + ": " + name + " is not exposed");
        }
      }
      Matcher selector = SELECTOR.matcher(q.expr());
      while (selector.find()) {
        String name = selector.group(1);
        Matcher matcher = MATCHER.matcher(selector.group(2));
        while (matcher.find()) {
          String label = matcher.group(1);
          String op = matcher.group(2);
          String value = matcher.group(3);
          if (TARGET_LABELS.contains(label) || value.contains("$")) {
            continue;
          }
          List<String> wanted =
              op.equals("=")
                  ? List.of(value)
                  : op.equals("=~") && LITERAL_ALTERNATIVES.matcher(value).matches()
                      ? List.of(value.split("\\|"))
                      : List.of();
          for (String v : wanted) {
            if (!scrape.hasSeries(name, label, v)) {
              problems.add(q.where() + ": no series " + name + "{" + label + "=\"" + v + "\"}");
            }
          }
        }
      }
      if (!q.variable()) {
        Matcher grouping = GROUPING.matcher(STRING.matcher(q.expr()).replaceAll("\"\""));
        while (grouping.find()) {
          for (String label : grouping.group(2).split(",")) {
            String l = label.trim();
            if (!l.isEmpty()
                && !TARGET_LABELS.contains(l)
                && names.stream().noneMatch(n -> scrape.labels(n).contains(l))) {
              problems.add(
                  q.where()
                      + ": "
                      + grouping.group(1)
                      + " ("
                      + l
                      + "), a label none of "
                      + names
                      + " has");
            }
          }
        }
      }
    }
    return problems;
  }

  /** Counters and histograms only through rate/irate/increase; gauges never through them. */
  static List<String> usageProblems(List<Query> queries, Scrape scrape) {
    List<String> problems = new ArrayList<>();
    for (Query q : queries) {
      if (q.variable()) {
        continue; // label_values may name any series
      }
      String expr = STRING.matcher(q.expr()).replaceAll("\"\"");
      Matcher m = AGENT_SERIES.matcher(expr);
      while (m.find()) {
        String name = m.group();
        boolean readAsCounter = COUNTER_READ.matcher(expr.substring(0, m.start())).find();
        String type = scrape.typeOf(name);
        if (type.equals("counter") && !readAsCounter) {
          problems.add(q.where() + ": " + name + " is a counter, read without rate or increase");
        } else if (type.equals("gauge") && readAsCounter) {
          problems.add(q.where() + ": " + name + " is a gauge, read with rate or increase");
        } else if (type.equals("unknown")) {
          problems.add(q.where() + ": " + name + " has no # TYPE");
        }
      }
    }
    return problems;
  }

  /** Prometheus text as the agent serves it: series names, their labels, and the declared types. */
  static final class Scrape {
    final Set<String> names = new TreeSet<>();
    private final Map<String, List<Map<String, String>>> series = new HashMap<>();
    private final Map<String, String> types = new HashMap<>();

    Scrape(String text) {
      Pattern label = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");
      for (String line : text.split("\n")) {
        if (line.startsWith("# TYPE ")) {
          String[] parts = line.split(" ");
          types.put(parts[2], parts[3]);
        } else if (!line.isBlank() && !line.startsWith("#")) {
          int brace = line.indexOf('{');
          int space = line.indexOf(' ');
          String name = line.substring(0, brace >= 0 && brace < space ? brace : space);
          Map<String, String> labels = new HashMap<>();
          if (brace >= 0 && brace < space) {
            Matcher m = label.matcher(line.substring(brace, line.lastIndexOf('}')));
            while (m.find()) {
              labels.put(m.group(1), m.group(2));
            }
          }
          names.add(name);
          series.computeIfAbsent(name, n -> new ArrayList<>()).add(labels);
        }
      }
    }

    boolean hasSeries(String name, String label, String value) {
      return series.getOrDefault(name, List.of()).stream()
          .anyMatch(l -> value.equals(l.get(label)));
    }

    Set<String> labels(String name) {
      Set<String> all = new TreeSet<>();
      series.getOrDefault(name, List.of()).forEach(l -> all.addAll(l.keySet()));
      return all;
    }

    /**
     * counter (counters, and the _bucket/_sum/_count of histograms and summaries), gauge, or
     * unknown.
     */
    String typeOf(String name) {
      String declared = types.get(name);
      if (declared != null) {
        return declared.equals("counter")
            ? "counter"
            : declared.equals("gauge") ? "gauge" : "unknown";
      }
      for (String suffix : List.of("_bucket", "_sum", "_count", "_total")) {
        if (name.endsWith(suffix)) {
          String base = types.get(name.substring(0, name.length() - suffix.length()));
          if ("histogram".equals(base) || "summary".equals(base) || "counter".equals(base)) {
            return "counter";
          }
        }
      }
      return "unknown";
    }
  }

  private static Scrape scrape(RunningAgent agent) {
    AgentProcess.HttpResult result = agent.get("/metrics");
    assertThat(result.status()).isEqualTo(200);
    return new Scrape(result.body());
  }

  /** A full collection in the agent's JVM, as an operator would ask for one. */
  private static void collectGarbage(RunningAgent agent) throws Exception {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    Process p =
        new ProcessBuilder(jcmd.toString(), Long.toString(agent.pid()), "GC.run")
            .redirectErrorStream(true)
            .start();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("jcmd GC.run finished").isTrue();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.exitValue()).as("jcmd GC.run: %s", out).isZero();
  }
}
