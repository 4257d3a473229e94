package com.ilert.ilagent.pacing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SendLogTest {
  private static SendLog answeredAt(long... times) {
    SendLog log = new SendLog();
    for (long t : times) {
      log.add(t);
      log.answered(t, t);
    }
    return log;
  }

  @Test
  void growsKeepsOrderAndDropsTheOldest() {
    SendLog log = new SendLog();
    for (long t = 1; t <= 20; t++) {
      log.add(t);
      log.answered(t, t);
    }
    log.dropUpTo(5);
    assertThat(log.size()).isEqualTo(15);
    assertThat(log.answeredAt(0)).isEqualTo(6);
    for (long t = 21; t <= 30; t++) {
      log.add(t); // wraps around the ring once answered
      log.answered(t, t);
    }
    assertThat(log.answeredAt(0)).isEqualTo(6);
    assertThat(log.answeredAt(log.size() - 1)).isEqualTo(30);
    log.keepNewest(3);
    assertThat(log.toString()).isEqualTo("[28, 29, 30]");
  }

  @Test
  void aSentRequestIsPendingUntilAnsweredAndThenCountsFromItsAnswer() {
    SendLog log = new SendLog();
    log.add(10);
    log.add(20);
    assertThat(log.size()).isEqualTo(2);
    assertThat(log.pendingCount()).isEqualTo(2);
    log.dropUpTo(1_000);
    assertThat(log.size()).as("pending entries are never dropped by age").isEqualTo(2);
    log.answered(10, 500); // reached the server at the latest when it answered
    assertThat(log.pendingCount()).isEqualTo(1);
    assertThat(log.toString()).isEqualTo("[500] + 1 pending");
    log.answered(20, 15); // an answer can never count before its sending
    assertThat(log.toString()).isEqualTo("[20, 500]");
    log.answered(99, 100); // unknown: nothing changes
    assertThat(log.size()).isEqualTo(2);
  }

  @Test
  void removesOneEntryOfAGivenTimePendingFirst() {
    SendLog log = answeredAt(1, 2, 3);
    log.add(2);
    log.remove(2);
    assertThat(log.toString()).isEqualTo("[1, 2, 3]");
    log.remove(2);
    log.remove(9);
    assertThat(log.toString()).isEqualTo("[1, 3]");
    log.clear();
    assertThat(log.size()).isZero();
  }

  @Test
  void keepNewestDropsOnlyAnsweredEntries() {
    SendLog log = answeredAt(1, 2, 3);
    log.add(4);
    log.add(5);
    log.keepNewest(3);
    assertThat(log.toString()).isEqualTo("[3] + 2 pending");
  }

  @Test
  void findsTheRequestsAroundAMomentAndRemembersTheLastDropped() {
    SendLog log = new SendLog();
    for (long t = 0; t < 5; t++) {
      log.add(t * 100);
      log.answered(t * 100, t * 100 + 10);
    }
    assertThat(log.sentAround(215, true)).as("the first answered after 215").isEqualTo(300);
    assertThat(log.sentAround(215, false)).as("the last answered at or before").isEqualTo(200);
    log.dropUpTo(215);
    assertThat(log.lastDroppedSent()).isEqualTo(200);
    assertThat(log.sentAround(215, false)).isEqualTo(-1);
  }
}
