package com.ilert.ilagent.ilert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class KeyBackoffTest {

  @Test
  void unknownKeyMayBeSentNow() {
    KeyBackoff b = new KeyBackoff();
    assertThat(b.remainingMs("k", 1000)).isZero();
    assertThat(b.size()).isZero();
  }

  @Test
  void heldBackKeyWaitsWhileOthersFlow() {
    KeyBackoff b = new KeyBackoff();
    b.backOff("a", 20_000);
    assertThat(b.remainingMs("a", 5_000)).isEqualTo(15_000);
    assertThat(b.remainingMs("b", 5_000)).isZero();
    assertThat(b.remainingMs("a", 19_999)).isEqualTo(1);
  }

  @Test
  void keepsTheLaterTime() {
    KeyBackoff b = new KeyBackoff();
    b.backOff("a", 30_000);
    b.backOff("a", 20_000);
    assertThat(b.remainingMs("a", 0)).isEqualTo(30_000);
    b.backOff("a", 40_000);
    assertThat(b.remainingMs("a", 0)).isEqualTo(40_000);
  }

  @Test
  void expiredEntryIsRemovedOnLookup() {
    KeyBackoff b = new KeyBackoff();
    b.prune(0); // schedule the next sweep far away, so only the lookup removes
    b.backOff("a", 10_000);
    assertThat(b.remainingMs("a", 10_000)).isZero();
    assertThat(b.size()).isZero();
    // A new 429 after expiry starts afresh.
    b.backOff("a", 25_000);
    assertThat(b.remainingMs("a", 20_000)).isEqualTo(5_000);
  }

  @Test
  void keysNeverAskedAgainAreSweptOut() {
    KeyBackoff b = new KeyBackoff();
    long now = 1_000_000;
    for (int i = 0; i < 1000; i++) {
      b.backOff("k" + i, now + 10_000);
    }
    b.backOff("long", now + 10 * KeyBackoff.SWEEP_INTERVAL_MS);
    assertThat(b.remainingMs("other", now)).isZero();
    assertThat(b.size()).isEqualTo(1001);
    // After the entries passed and a sweep interval went by, one lookup of any key cleans up.
    long later = now + KeyBackoff.SWEEP_INTERVAL_MS;
    assertThat(b.remainingMs("other", later)).isZero();
    assertThat(b.size()).isEqualTo(1);
    assertThat(b.remainingMs("long", later)).isEqualTo(9 * KeyBackoff.SWEEP_INTERVAL_MS);
  }

  @Test
  void explicitPrune() {
    KeyBackoff b = new KeyBackoff();
    b.backOff("a", 100);
    b.backOff("b", 200);
    b.prune(150);
    assertThat(b.size()).isEqualTo(1);
    assertThat(b.remainingMs("b", 150)).isEqualTo(50);
  }

  @Test
  void rejectsNullKey() {
    assertThatThrownBy(() -> new KeyBackoff().backOff(null, 1))
        .isInstanceOf(NullPointerException.class);
  }
}
