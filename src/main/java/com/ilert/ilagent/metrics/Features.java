package com.ilert.ilagent.metrics;

import com.ilert.ilagent.config.AgentConfig;
import java.util.List;

/**
 * What the agent was configured to do, as far as its series go: {@link AgentMetrics#start} puts the
 * series of each of these features on /metrics at 0, and leaves out those of the features that are
 * off.
 *
 * @param eventTopics the event topics (-e)
 * @param heartbeatTopics the heartbeat topics (-r)
 * @param policyTopic the escalation-policy topic, or null
 * @param filter whether --filter_key drops records (counted as skipped with that reason)
 * @param deadLetters whether --dead_letter_topic is set
 * @param ownHeartbeat whether the agent pings its own heartbeat (-b)
 */
public record Features(
    List<String> eventTopics,
    List<String> heartbeatTopics,
    String policyTopic,
    boolean filter,
    boolean deadLetters,
    boolean ownHeartbeat) {

  public Features {
    eventTopics = List.copyOf(eventTopics);
    heartbeatTopics = List.copyOf(heartbeatTopics);
  }

  public static Features of(AgentConfig config) {
    return new Features(
        config.kafka().eventTopics(),
        config.kafka().heartbeatTopics(),
        config.policy() == null ? null : config.policy().topic(),
        config.kafka().enabled() && config.mapping().filterKey() != null,
        config.kafka().deadLetterTopic() != null,
        config.heartbeatKey() != null);
  }

  /** Whether a Kafka consumer runs: some topic is consumed. */
  boolean consumer() {
    return !eventTopics.isEmpty() || !heartbeatTopics.isEmpty() || policyTopic != null;
  }
}
