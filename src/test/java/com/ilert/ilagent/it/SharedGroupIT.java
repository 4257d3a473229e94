package com.ilert.ilagent.it;

import static com.ilert.ilagent.it.Events.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.ilert.ilagent.testkit.AgentTest;
import com.ilert.ilagent.testkit.IlertStandIn;
import com.ilert.ilagent.testkit.KafkaBroker;
import com.ilert.ilagent.testkit.Received;
import com.ilert.ilagent.testkit.RunningAgent;
import com.ilert.ilagent.testkit.RustLikeMember;
import com.ilert.ilagent.testkit.TestAgents;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A rolling migration: the agent joins a consumer group whose other member speaks only librdkafka's
 * default assignors (as the Rust ilagent does), both deliver side by side, and when that member is
 * killed the agent takes over its partitions. Nothing is lost.
 */
@AgentTest
class SharedGroupIT {
  private static final String KEY = "il1apisharedgroup0001";

  @Test
  void theAgentJoinsAGroupOfRangeOnlyMembersAndTakesOverWhenTheyAreGone(
      TestAgents agents, IlertStandIn ilert, KafkaBroker kafka) {
    String topic = agents.newTopic(4);
    String group = agents.group();
    ilert.latency(20, 40); // both members stay busy while the other joins
    RunningAgent rust =
        agents.adopt(
            RustLikeMember.start(
                "rust-member", kafka.bootstrapServers(), group, topic, ilert.apiUrl()));
    rust.awaitLog("^assigned \\[.+\\]$", Duration.ofSeconds(60));
    for (int i = 0; i < 200; i++) {
      kafka.send(topic, i % 4, "k" + i, event(KEY, "ALERT", "before " + i, null));
    }
    RunningAgent agent = agents.start("-e", topic, "--kafka_property", "session.timeout.ms=6000");
    assertThat(agent.log()).doesNotContain("incompatible");
    for (int i = 0; i < 200; i++) {
      kafka.send(topic, i % 4, "k" + i, event(KEY, "ALERT", "shared " + i, null));
    }
    // Side by side: each member delivers from its own partitions.
    await().atMost(Duration.ofSeconds(60)).until(() -> summaries(ilert).size() >= 400);
    assertThat(sentBy(ilert, "ilagent/", "shared "))
        .as("the agent delivered its share")
        .isPositive();
    assertThat(sentBy(ilert, "Java-http-client", "shared "))
        .as("so did the range-only member")
        .isPositive();

    rust.sigkill(); // a crashed Rust agent: the group notices after its 6 s session
    for (int i = 0; i < 200; i++) {
      kafka.send(topic, i % 4, "k" + i, event(KEY, "ALERT", "after " + i, null));
    }
    await().atMost(Duration.ofSeconds(90)).until(() -> summaries(ilert).size() >= 600);
    Set<String> all = summaries(ilert);
    for (int i = 0; i < 200; i++) {
      assertThat(all).contains("before " + i, "shared " + i, "after " + i);
    }
    kafka.awaitNoLag(group, topic, Duration.ofSeconds(30));
    assertThat(agent.isAlive()).isTrue();
  }

  /** Events with this summary prefix whose User-Agent starts with {@code agent}. */
  private static long sentBy(IlertStandIn ilert, String agent, String summaryPrefix) {
    return ilert.events().stream()
        .filter(r -> r.summary() != null && r.summary().startsWith(summaryPrefix))
        .filter(r -> String.valueOf(r.headers().get("User-Agent")).startsWith(agent))
        .count();
  }

  private static Set<String> summaries(IlertStandIn ilert) {
    Set<String> s = new HashSet<>();
    for (Received r : ilert.events()) {
      s.add(r.summary());
    }
    return s;
  }
}
