package com.ilert.ilagent.testkit;

import static com.ilert.ilagent.testkit.RateLimiter.ADMITTED;
import static org.assertj.core.api.Assertions.assertThat;

import com.ilert.ilagent.testkit.RateLimiter.Model;
import org.junit.jupiter.api.Test;

/** The stand-in's limiter models, with injected time (ms here, nanos to the limiter). */
class RateLimiterTest {
  private static final long MS = 1_000_000L;
  private static final long W = 6_000 * MS;

  private static int admitted(RateLimiter l, String key, int n, long atMs) {
    int got = 0;
    for (int i = 0; i < n; i++) {
      if (l.admit(key, atMs * MS) == ADMITTED) {
        got++;
      }
    }
    return got;
  }

  @Test
  void aFixedWindowAdmitsItsNumberThenRefusesUntilItEnds() {
    RateLimiter l = RateLimiter.of(Model.FIXED_WINDOW, 3, W, 3);
    assertThat(admitted(l, "k", 5, 1_000)).isEqualTo(3);
    assertThat(l.admit("k", 2_000 * MS))
        .as("until the window that began at 1 s ends")
        .isEqualTo(5_000 * MS);
    assertThat(admitted(l, "other", 3, 2_000)).as("per key").isEqualTo(3);
    assertThat(admitted(l, "k", 3, 7_000)).as("a new window, all of it at once").isEqualTo(3);
  }

  @Test
  void aSlidingWindowFreesEachRequestOneWindowAfterIt() {
    RateLimiter l = RateLimiter.of(Model.SLIDING_WINDOW, 3, W, 3);
    assertThat(l.admit("k", 0)).isEqualTo(ADMITTED);
    assertThat(l.admit("k", 2_000 * MS)).isEqualTo(ADMITTED);
    assertThat(l.admit("k", 4_000 * MS)).isEqualTo(ADMITTED);
    assertThat(l.admit("k", 5_000 * MS)).as("until the oldest leaves").isEqualTo(1_000 * MS);
    assertThat(admitted(l, "k", 3, 6_000)).as("only the oldest has left").isEqualTo(1);
    assertThat(admitted(l, "k", 3, 8_000)).isEqualTo(1);
  }

  @Test
  void aTokenBucketGivesItsBurstThenItsRate() {
    RateLimiter l = RateLimiter.of(Model.TOKEN_BUCKET, 50, W, 20);
    assertThat(admitted(l, "k", 50, 0)).as("the burst").isEqualTo(20);
    assertThat(l.admit("k", 0)).as("one token comes every 120 ms").isEqualTo(120 * MS);
    assertThat(admitted(l, "k", 50, 1_200)).as("1.2 s refill 10").isEqualTo(10);
    assertThat(admitted(l, "k", 50, 60_000)).as("never more than the burst").isEqualTo(20);
  }

  @Test
  void aClockAlignedWindowBeginsAtItsPhase() {
    RateLimiter l = RateLimiter.clockAligned(2, W, 2_000 * MS);
    assertThat(admitted(l, "k", 3, 1_000)).isEqualTo(2);
    assertThat(l.admit("k", 1_500 * MS)).as("the window ends at 2 s").isEqualTo(500 * MS);
    assertThat(admitted(l, "k", 3, 2_000)).isEqualTo(2);
  }
}
