package com.ilert.ilagent.pacing.heartbeat;

import static org.assertj.core.api.Assertions.assertThat;

import com.ilert.ilagent.pacing.heartbeat.HeartbeatCoalescer.Decision;
import com.ilert.ilagent.pacing.heartbeat.HeartbeatCoalescer.Due;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Leading and trailing coalescing of heartbeat pings, with injected time. */
class HeartbeatCoalescerTest {
  private static final long T = 1_700_000_000_000L;
  private static final long I = 12_000;

  private final HeartbeatCoalescer<Integer> c = new HeartbeatCoalescer<>(I);

  @Test
  void theFirstRecordOfAQuietKeyPingsAtOnce() {
    assertThat(c.onRecord("hb", 1, T).sendNow()).isTrue();
    assertThat(c.nextDueAt()).as("nothing pending").isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void recordsWithinTheIntervalRideOnOneTrailingPingAndTheSupersededAreDone() {
    c.onRecord("hb", 1, T);
    Decision<Integer> second = c.onRecord("hb", 2, T + 1_000);
    Decision<Integer> third = c.onRecord("hb", 3, T + 2_000);

    assertThat(second.sendNow()).isFalse();
    assertThat(second.superseded())
        .as("nothing to commit yet: 2 rides on the trailing ping")
        .isNull();
    assertThat(third.sendNow()).isFalse();
    assertThat(third.superseded()).as("3 replaces 2 on the trailing ping: 2 is done").isEqualTo(2);
    assertThat(c.nextDueAt()).isEqualTo(T + I);
    assertThat(c.due(T + I - 1)).isEmpty();
    assertThat(c.due(T + I)).containsExactly(new Due<>("hb", 3));
    assertThat(c.nextDueAt()).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void theTrailingPingStartsTheNextInterval() {
    c.onRecord("hb", 1, T);
    c.onRecord("hb", 2, T + 5_000);
    c.due(T + I + 30); // the timer fired a little late

    Decision<Integer> d = c.onRecord("hb", 3, T + I + 1_000);
    assertThat(d.sendNow()).as("within the interval of the trailing ping").isFalse();
    assertThat(c.nextDueAt()).isEqualTo(T + I + 30 + I);
  }

  @Test
  void aKeyIsQuietAgainOneIntervalAfterItsLastPing() {
    c.onRecord("hb", 1, T);
    assertThat(c.onRecord("hb", 2, T + I).sendNow()).isTrue();
    assertThat(c.onRecord("hb", 3, T + 3 * I).sendNow()).isTrue();
  }

  @Test
  void keysAreCoalescedApart() {
    assertThat(c.onRecord("a", 1, T).sendNow()).isTrue();
    assertThat(c.onRecord("b", 2, T + 10).sendNow()).isTrue();
    assertThat(c.onRecord("a", 3, T + 20).sendNow()).isFalse();
    assertThat(c.onRecord("b", 4, T + 30).sendNow()).isFalse();

    assertThat(c.due(T + I + 10)).containsExactly(new Due<>("a", 3), new Due<>("b", 4));
  }

  /** The flood: 100 records of one key within 5 s. */
  @Test
  void aFloodPingsAtMostOncePerIntervalAndCommitsEveryRecordWithinAnIntervalOfTheLast() {
    long interval = 1_200; // ilert's limits ten times faster, as in the benchmark
    HeartbeatCoalescer<Integer> flood = new HeartbeatCoalescer<>(interval);
    List<Long> pings = new ArrayList<>();
    Map<Integer, Long> committedAt = new HashMap<>();
    long lastRecord = 0;
    for (int i = 0; i < 100; i++) {
      long now = T + i * 50L; // 100 records in 5 s
      for (Due<Integer> due : flood.due(now)) {
        pings.add(now);
        committedAt.put(due.token(), now);
      }
      Decision<Integer> d = flood.onRecord("hb", i, now);
      if (d.sendNow()) {
        pings.add(now);
        committedAt.put(i, now);
      } else if (d.superseded() != null) {
        committedAt.put(d.superseded(), now);
      }
      lastRecord = now;
    }
    for (long now = lastRecord; flood.nextDueAt() != Long.MAX_VALUE; ) {
      now = flood.nextDueAt();
      for (Due<Integer> due : flood.due(now)) {
        pings.add(now);
        committedAt.put(due.token(), now);
      }
    }

    assertThat(committedAt).as("every record committed").hasSize(100);
    assertThat(committedAt.values()).allMatch(at -> at <= T + 4_950 + interval);
    for (int i = 1; i < pings.size(); i++) {
      assertThat(pings.get(i) - pings.get(i - 1))
          .as("pings %d and %d", i - 1, i)
          .isGreaterThanOrEqualTo(interval);
    }
    assertThat(pings).as("leading ping at 0 s, then one per interval up to 6 s").hasSize(6);
    for (int i = 5; i < pings.size(); i++) {
      assertThat(pings.get(i) - pings.get(i - 5))
          .as("at most 5 in any 6 s")
          .isGreaterThanOrEqualTo(5 * interval);
    }
  }

  @Test
  void abandonedTokensAreNotPingedForAndTakeAllEmptiesThePending() {
    c.onRecord("a", 1, T);
    c.onRecord("a", 2, T + 1);
    c.onRecord("b", 3, T);
    c.onRecord("b", 4, T + 1);

    assertThat(c.abandon(token -> token == 2)).containsExactly(2);
    assertThat(c.pendingCount()).isEqualTo(1);
    assertThat(c.takeAll()).containsExactly(new Due<>("b", 4));
    assertThat(c.pendingCount()).isZero();
    assertThat(c.due(T + I)).isEmpty();
  }

  @Test
  void quietKeysAreForgotten() {
    for (int k = 0; k < 1_000; k++) {
      c.onRecord("key" + k, k, T);
    }
    assertThat(c.trackedKeys()).isEqualTo(1_000);

    c.onRecord("other", 0, T + I);

    assertThat(c.trackedKeys()).isEqualTo(1);
  }
}
