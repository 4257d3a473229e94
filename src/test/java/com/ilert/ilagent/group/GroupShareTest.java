package com.ilert.ilagent.group;

import static org.assertj.core.api.Assertions.assertThat;

import com.ilert.ilagent.pacing.Pacer;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** An agent's part of its group's limits, dealt by the partitions it consumes. */
class GroupShareTest {
  private static final GroupShare.Topics TOPICS =
      new GroupShare.Topics(List.of("events"), List.of("beats"), List.of("events", "beats"));
  private static final Map<String, Integer> COUNTS = Map.of("events", 6, "beats", 2);

  @Test
  void threeMembersOfSixEventPartitionsTakeSeventeenSeventeenAndSixteenOfFifty() {
    int sum = 0;
    for (int m = 0; m < 3; m++) {
      Pacer.Share s = GroupShare.of(TOPICS, COUNTS, Map.of("events", Set.of(2 * m, 2 * m + 1)), 0);
      sum += s.events().of(50);
    }
    assertThat(sum).as("the members' parts add up to the told number").isEqualTo(50);
  }

  @Test
  void eachKindIsDealtOverItsOwnTopicsAndTheIpOverAll() {
    Pacer.Share s =
        GroupShare.of(TOPICS, COUNTS, Map.of("events", Set.of(0, 1, 2), "beats", Set.of(1)), 0);

    assertThat(s.events().of(50)).isEqualTo(26);
    assertThat(s.pings().of(5)).as("1 of 2 heartbeat partitions").isEqualTo(2);
    // All 8 partitions in name order: beats 0-1 then events 0-5 (indices 0-7), 87 each and the
    // remainder 4 to indices 0-3; ours are indices 1 (beats 1), 2, 3 and 4 (events 0-2).
    assertThat(s.ip().of(700)).isEqualTo(88 + 88 + 88 + 87);
  }

  @Test
  void anAgentWithEveryPartitionIsAlone() {
    Pacer.Share s =
        GroupShare.of(
            TOPICS, COUNTS, Map.of("events", Set.of(0, 1, 2, 3, 4, 5), "beats", Set.of(0, 1)), 0);

    assertThat(s.events().whole()).isTrue();
    assertThat(s.pings().whole()).isTrue();
    assertThat(s.ip().whole()).isTrue();
  }

  @Test
  void theOperatorSaysHowManyAgentsShareTheEgressIp() {
    Map<String, Set<Integer>> owned = Map.of("events", Set.of(0));
    assertThat(GroupShare.of(TOPICS, COUNTS, owned, 1).ip().whole())
        .as("1: this agent has its own address")
        .isTrue();
    assertThat(GroupShare.of(TOPICS, COUNTS, owned, 3).ip().of(700))
        .as("3: an equal third, rounded down")
        .isEqualTo(233);
  }

  @Test
  void aKindWithoutTopicsIsWhole() {
    GroupShare.Topics eventsOnly =
        new GroupShare.Topics(List.of("events"), List.of(), List.of("events"));
    assertThat(GroupShare.of(eventsOnly, COUNTS, Map.of("events", Set.of(0)), 0).pings().whole())
        .isTrue();
  }

  @Test
  void theRefresherTellsThePacerAfterAnAssignmentAndIgnoresAnEmptyOne() {
    Pacer pacer = new Pacer(com.ilert.ilagent.pacing.RateLimits.LEARNED_ONLY);
    AtomicReference<Set<TopicPartition>> assigned = new AtomicReference<>(Set.of());
    List<String> asked = new ArrayList<>();
    ShareRefresher refresher =
        new ShareRefresher(
            TOPICS,
            0,
            pacer,
            () -> Future.succeededFuture(new HashSet<>(assigned.get())),
            topic -> {
              asked.add(topic);
              return Future.succeededFuture(COUNTS.get(topic));
            },
            () -> 1_000L);

    refresher.refresh();
    assertThat(pacer.share()).as("nothing assigned yet").isEqualTo(Pacer.Share.ALONE);

    assigned.set(Set.of(new TopicPartition("events", 0), new TopicPartition("events", 1)));
    refresher.refresh();
    assertThat(pacer.share().events().of(50)).isEqualTo(18);
    assertThat(asked).containsExactlyInAnyOrder("events", "beats");

    assigned.set(Set.of());
    refresher.refresh();
    assertThat(pacer.share().events().of(50)).as("between revoke and assign").isEqualTo(18);
    refresher.refresh();
    assertThat(asked).as("partition counts are asked once").hasSize(2);
  }
}
