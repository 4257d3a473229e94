package com.ilert.ilagent.pacing.learning;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What a scope knows about the server window's length, from Retry-After, probes and refusals. */
class WindowEstimateTest {

  @Test
  void retryAfterGivesBothBoundsASecondApartAndAnotherKeysNeverWidensThem() {
    WindowEstimate w = new WindowEstimate();
    w.resetsAfter(6_040, 5_020);
    assertThat(w.hi()).isEqualTo(6_040);
    assertThat(w.lo()).isEqualTo(5_020);

    w.resetsAfter(7_000, 6_000);
    assertThat(w.hi()).as("the shorter upper bound stays").isEqualTo(6_040);
  }

  @Test
  void aRequestThatGotThroughNarrowsTheUpperBound() {
    WindowEstimate w = new WindowEstimate();
    w.resetsAfter(6_040, 5_020);
    w.hadResetAfter(5_600);
    assertThat(w.hi()).isEqualTo(5_600);
    assertThat(w.lo()).isEqualTo(5_020);
  }

  @Test
  void aRefusalLengthensTheWindowButAtMostDoublesIt() {
    WindowEstimate w = new WindowEstimate();
    w.resetsAfter(1_040, 40);
    w.notShorterThan(6_000);
    assertThat(w.hi()).as("one observation at most doubles it").isEqualTo(2_080);
    w.notShorterThan(6_000);
    assertThat(w.hi()).isEqualTo(4_160);
    w.notShorterThan(6_000);
    assertThat(w.hi()).isEqualTo(6_000);
    assertThat(w.lo()).isEqualTo(5_000);
  }

  @Test
  void noWindowIsTakenToBeLongerThanFiveMinutes() {
    WindowEstimate w = new WindowEstimate();
    w.notShorterThan(3_600_000);
    assertThat(w.hi()).isEqualTo(WindowEstimate.MAX_WINDOW_MS);
  }

  @Test
  void anEarlyProbeGoesHalfWayWhileTheBoundsAreFarApart() {
    WindowEstimate w = new WindowEstimate();
    assertThat(w.earlyProbeAfter()).as("unknown").isEqualTo(-1);
    w.resetsAfter(6_000, 5_000);
    assertThat(w.earlyProbeAfter()).isEqualTo(5_500);
    w.notResetAfter(5_900);
    assertThat(w.earlyProbeAfter()).as("within max(100 ms, hi / 30)").isEqualTo(-1);
  }
}
