package com.ilert.ilagent.pacing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SendLogTest {
  @Test
  void growsKeepsOrderAndDropsTheOldest() {
    SendLog log = new SendLog();
    for (long t = 1; t <= 20; t++) {
      log.add(t);
    }
    log.dropUpTo(5);
    assertThat(log.size()).isEqualTo(15);
    assertThat(log.get(0)).isEqualTo(6);
    for (long t = 21; t <= 30; t++) {
      log.add(t); // wraps around the ring
    }
    assertThat(log.get(0)).isEqualTo(6);
    assertThat(log.get(log.size() - 1)).isEqualTo(30);
    log.keepNewest(3);
    assertThat(log.toString()).isEqualTo("[28, 29, 30]");
  }

  @Test
  void removesOneEntryOfAGivenTime() {
    SendLog log = new SendLog();
    for (long t : new long[] {1, 2, 2, 3}) {
      log.add(t);
    }
    log.remove(2);
    log.remove(9);
    assertThat(log.toString()).isEqualTo("[1, 2, 3]");
    log.clear();
    assertThat(log.size()).isZero();
  }
}
