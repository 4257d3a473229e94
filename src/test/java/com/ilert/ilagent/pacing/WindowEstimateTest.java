package com.ilert.ilagent.pacing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WindowEstimateTest {

  @Test
  void retryAfterFromACleanWindowGivesTheLengthToTheSecond() {
    WindowEstimate w = new WindowEstimate();
    w.resetsAfter(6_050, true);

    assertThat(w.hi()).isEqualTo(6_050);
    assertThat(w.lo()).isEqualTo(5_050);
    assertThat(w.earlyProbeAfter()).as("a second apart: known well enough").isEqualTo(-1);
  }

  @Test
  void retryAfterFromAWindowNotSeenFromItsStartIsOnlyAFirstGuess() {
    WindowEstimate w = new WindowEstimate();
    w.resetsAfter(2_000, false);
    w.resetsAfter(1_000, false);

    assertThat(w.hi()).as("the first guess stays until a clean window").isEqualTo(2_000);
    w.resetsAfter(6_000, true);
    assertThat(w.hi()).isEqualTo(6_000);
  }

  @Test
  void probesNarrowTheBoundsAndAnEarlyProbeGoesHalfWay() {
    WindowEstimate w = new WindowEstimate();
    w.notResetAfter(3_000);
    w.hadResetAfter(7_000);

    assertThat(w.earlyProbeAfter()).isEqualTo(5_000);
    w.notResetAfter(5_000);
    assertThat(w.earlyProbeAfter()).isEqualTo(6_000);
    w.hadResetAfter(6_000);
    assertThat(w.earlyProbeAfter()).as("1 s apart").isEqualTo(-1);
    assertThat(w.hi()).isEqualTo(6_000);
  }

  @Test
  void aContradictionForgetsTheUpperBound() {
    WindowEstimate w = new WindowEstimate();
    w.hadResetAfter(6_000);
    w.notResetAfter(6_500);

    assertThat(w.hi()).isZero();
    assertThat(w.lo()).isEqualTo(6_500);
  }

  @Test
  void anotherKeysBoundsAreTakenOnlyUntilThisOneObservedItsOwn() {
    WindowEstimate w = new WindowEstimate();
    w.adopt(5_000, 6_000);
    assertThat(w.hi()).isEqualTo(6_000);
    w.adopt(5_500, 6_100);
    assertThat(w.hi()).isEqualTo(6_100);

    w.hadResetAfter(9_000);
    assertThat(w.hi()).as("own observation replaces adopted bounds").isEqualTo(9_000);
    w.adopt(5_000, 6_000);
    assertThat(w.hi()).isEqualTo(9_000);
  }

  @Test
  void copyAndRestore() {
    WindowEstimate w = new WindowEstimate();
    w.resetsAfter(6_000, true);
    WindowEstimate saved = w.copy();
    w.notResetAfter(7_000);
    w.restore(saved);

    assertThat(w.hi()).isEqualTo(6_000);
    assertThat(w.lo()).isEqualTo(5_000);
  }
}
