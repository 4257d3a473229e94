package com.ilert.ilagent.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.ilert.ilagent.config.ConfigLoader;
import com.ilert.ilagent.config.FlagValues;
import com.ilert.ilagent.config.Setting;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What /metrics shows of each configured feature before its first event: every series it will count
 * into, at 0, with the label values it will have; nothing of the features that are off.
 */
class FeatureSeriesTest {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final AgentMetrics metrics = new AgentMetrics(registry);

  /** The series of an agent started with these flags, before it counted anything. */
  private String startedWith(Map<String, String> env, Object... settingsAndValues)
      throws Exception {
    FlagValues flags = new FlagValues();
    for (int i = 0; i < settingsAndValues.length; i += 2) {
      flags.add((Setting) settingsAndValues[i], (String) settingsAndValues[i + 1]);
    }
    metrics.start(Features.of(ConfigLoader.load(flags, env)));
    return registry.scrape();
  }

  @Test
  void aHeartbeatTopicsPingsAreThereAtZeroBeforeTheFirstPing() throws Exception {
    String text =
        startedWith(Map.of(), Setting.KAFKA_BROKERS, "b:9092", Setting.HEARTBEAT_TOPIC, "beats");

    assertThat(text)
        .contains(
            "ilagent_heartbeat_pings_total{result=\"delivered\",source=\"topic\"} 0.0",
            "ilagent_heartbeat_pings_total{result=\"coalesced\",source=\"topic\"} 0.0",
            "ilagent_heartbeat_pings_total{result=\"rejected\",source=\"topic\"} 0.0",
            "ilagent_heartbeat_pings_total{result=\"failed\",source=\"topic\"} 0.0",
            "ilagent_records_consumed_total{topic=\"beats\"} 0.0",
            "ilagent_records_skipped_total{reason=\"invalid_json\"} 0.0",
            "ilagent_records_skipped_total{reason=\"rejected\"} 0.0",
            "ilagent_delivery_retries_total 0.0",
            "ilagent_ilert_answers_total{status=\"429\"} 0.0",
            "ilagent_deliveries_in_flight 0.0",
            "ilagent_kafka_commit_duration_seconds_count 0",
            "ilagent_records_already_done_total 0.0")
        .as("features that are off: events, policy, dead letters, filter, own heartbeat")
        .doesNotContain(
            "ilagent_events_delivered_total",
            "ilagent_delivery_latency_seconds",
            "ilagent_delivery_failures_total",
            "ilagent_policy_updates_total",
            "ilagent_records_dead_lettered_total",
            "reason=\"filtered\"",
            "reason=\"missing_email\"",
            "source=\"own\"");
  }

  @Test
  void everyFeatureConfiguredHasEverySeriesAtZero() throws Exception {
    String text =
        startedWith(
            Map.of("ILERT_API_KEY", "il1apitokenfeatures0001"),
            Setting.KAFKA_BROKERS,
            "b:9092",
            Setting.EVENT_TOPIC,
            "events",
            Setting.HEARTBEAT_TOPIC,
            "beats",
            Setting.POLICY_TOPIC,
            "shifts",
            Setting.POLICY_ROUTING_KEYS,
            "location",
            Setting.DEAD_LETTER_TOPIC,
            "dlq",
            Setting.FILTER_KEY,
            "source",
            Setting.HEARTBEAT,
            "il1hbtfeatures0000001");

    assertThat(text)
        .contains(
            "ilagent_records_consumed_total{topic=\"events\"} 0.0",
            "ilagent_records_consumed_total{topic=\"beats\"} 0.0",
            "ilagent_records_consumed_total{topic=\"shifts\"} 0.0",
            "ilagent_events_delivered_total 0.0",
            "ilagent_delivery_latency_seconds_count 0",
            "ilagent_delivery_latency_seconds_bucket{le=\"1.0\"} 0",
            "ilagent_delivery_failures_total 0.0",
            "ilagent_records_dead_lettered_total 0.0",
            "ilagent_records_skipped_total{reason=\"filtered\"} 0.0",
            "ilagent_records_skipped_total{reason=\"missing_email\"} 0.0",
            "ilagent_records_skipped_total{reason=\"missing_routing_key\"} 0.0",
            "ilagent_policy_updates_total{result=\"updated\"} 0.0",
            "ilagent_policy_updates_total{result=\"rejected\"} 0.0",
            "ilagent_policy_updates_total{result=\"failed\"} 0.0",
            "ilagent_policy_updates_total{result=\"skipped\"} 0.0",
            "ilagent_policy_updates_total{result=\"filtered\"} 0.0",
            "ilagent_heartbeat_pings_total{result=\"coalesced\",source=\"topic\"} 0.0",
            "ilagent_heartbeat_pings_total{result=\"delivered\",source=\"own\"} 0.0",
            "ilagent_heartbeat_pings_total{result=\"failed\",source=\"own\"} 0.0",
            "ilagent_heartbeat_pings_total{result=\"abandoned\",source=\"own\"} 0.0");
  }

  @Test
  void withoutKafkaOnlyTheOwnHeartbeatsSeriesAreThere() throws Exception {
    String text = startedWith(Map.of(), Setting.HEARTBEAT, "il1hbtfeatures0000001");

    assertThat(text)
        .contains(
            "ilagent_heartbeat_pings_total{result=\"delivered\",source=\"own\"} 0.0",
            "ilagent_heartbeat_pings_total{result=\"rejected\",source=\"own\"} 0.0")
        .doesNotContain(
            "source=\"topic\"",
            "ilagent_records_",
            "ilagent_events_delivered_total",
            "ilagent_delivery_",
            "ilagent_ilert_answers_total",
            "ilagent_deliveries_in_flight",
            "ilagent_kafka_commit_duration");
  }

  @Test
  void anEventTopicWithoutAFilterHasNoFilteredSeriesAndEventsOnlyNoPings() throws Exception {
    String text =
        startedWith(Map.of(), Setting.KAFKA_BROKERS, "b:9092", Setting.EVENT_TOPIC, "events");

    assertThat(text)
        .contains("ilagent_events_delivered_total 0.0", "ilagent_delivery_failures_total 0.0")
        .doesNotContain(
            "reason=\"filtered\"", "ilagent_heartbeat_pings_total", "ilagent_policy_updates_total");
  }

  @Test
  void aCountIntoASeriesOfAFeatureThatIsOffStillShows() throws Exception {
    startedWith(Map.of(), Setting.KAFKA_BROKERS, "b:9092", Setting.EVENT_TOPIC, "events");

    metrics.deadLettered();
    metrics.ping("own", "delivered");

    assertThat(registry.scrape())
        .contains(
            "ilagent_records_dead_lettered_total 1.0",
            "ilagent_heartbeat_pings_total{result=\"delivered\",source=\"own\"} 1.0");
  }

  @Test
  void startingTwiceChangesNothingAndKeepsTheCounts() throws Exception {
    String first =
        startedWith(Map.of(), Setting.KAFKA_BROKERS, "b:9092", Setting.EVENT_TOPIC, "events");
    metrics.delivered(System.nanoTime());
    metrics.start(
        Features.of(
            ConfigLoader.load(
                new FlagValues()
                    .add(Setting.KAFKA_BROKERS, "b:9092")
                    .add(Setting.EVENT_TOPIC, "events"),
                Map.of())));

    assertThat(registry.scrape())
        .contains("ilagent_events_delivered_total 1.0")
        .hasLineCount((int) first.lines().count());
  }
}
