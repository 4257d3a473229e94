package com.ilert.ilagent.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OrderingLanesTest {

  /** A work item; identity matters, fields are for the checks. */
  static final class Item {
    final String key;
    final int seq;
    final int partition;

    Item(String key, int seq, int partition) {
      this.key = key;
      this.seq = seq;
      this.partition = partition;
    }

    @Override
    public String toString() {
      return key + "#" + seq + "@p" + partition;
    }
  }

  private static Item item(String key, int seq) {
    return new Item(key, seq, 0);
  }

  private static List<Item> concat(List<Item> a, List<Item> b) {
    List<Item> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  private static List<Item> drain(OrderingLanes<Item> lanes) {
    List<Item> started = new ArrayList<>();
    Item i;
    while ((i = lanes.next()) != null) {
      started.add(i);
    }
    return started;
  }

  @Test
  void sameKeyRunsOneAfterAnotherDifferentKeysConcurrently() {
    OrderingLanes<Item> lanes = new OrderingLanes<>(10);
    Item a1 = item("a", 1);
    Item a2 = item("a", 2);
    Item b1 = item("b", 1);
    lanes.submit("a", a1);
    lanes.submit("a", a2);
    lanes.submit("b", b1);
    assertThat(drain(lanes)).containsExactly(a1, b1);
    assertThat(lanes.inFlight()).isEqualTo(2);
    assertThat(lanes.queued()).isEqualTo(1);
    assertThat(lanes.complete(b1)).isTrue();
    assertThat(lanes.next()).isNull();
    assertThat(lanes.complete(a1)).isTrue();
    assertThat(drain(lanes)).containsExactly(a2);
    lanes.complete(a2);
  }

  @Test
  void nullKeysRunConcurrentlyInSubmissionOrder() {
    OrderingLanes<Item> lanes = new OrderingLanes<>(10);
    List<Item> items = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      Item it = item(null, i);
      items.add(it);
      lanes.submit(null, it);
    }
    assertThat(drain(lanes)).containsExactlyElementsOf(items);
    assertThat(lanes.inFlight()).isEqualTo(5);
  }

  @Test
  void globalLimitHoldsAcrossKeys() {
    OrderingLanes<Item> lanes = new OrderingLanes<>(3);
    List<Item> items = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      Item it = item(i % 2 == 0 ? null : "k" + i, i);
      items.add(it);
      lanes.submit(it.key, it);
    }
    assertThat(drain(lanes)).containsExactlyElementsOf(items.subList(0, 3));
    assertThat(lanes.next()).isNull();
    lanes.complete(items.get(1));
    assertThat(drain(lanes)).containsExactly(items.get(3));
    assertThat(lanes.inFlight()).isEqualTo(3);
    assertThat(lanes.queued()).isEqualTo(6);
  }

  @Test
  void itemsBecomeReadyInFifoOrderOfReadiness() {
    OrderingLanes<Item> lanes = new OrderingLanes<>(1);
    Item a1 = item("a", 1);
    Item a2 = item("a", 2);
    Item b1 = item("b", 1);
    Item n1 = item(null, 1);
    lanes.submit("a", a1);
    lanes.submit("a", a2);
    lanes.submit("b", b1);
    assertThat(lanes.next()).isSameAs(a1);
    lanes.submit(null, n1);
    lanes.complete(a1); // a2 becomes ready now, after b1 and n1
    assertThat(lanes.next()).isSameAs(b1);
    lanes.complete(b1);
    assertThat(lanes.next()).isSameAs(n1);
    lanes.complete(n1);
    assertThat(lanes.next()).isSameAs(a2);
  }

  @Test
  void completeCannotMisRelease() {
    OrderingLanes<Item> lanes = new OrderingLanes<>(1);
    Item a1 = item("a", 1);
    Item a2 = item("a", 2);
    Item lookalike = item("a", 1);
    lanes.submit("a", a1);
    lanes.submit("a", a2);
    assertThat(lanes.complete(a2)).as("queued, not started").isFalse();
    assertThat(lanes.next()).isSameAs(a1);
    assertThat(lanes.complete(lookalike)).as("equal-looking other instance").isFalse();
    assertThat(lanes.next()).isNull();
    assertThat(lanes.complete(a1)).isTrue();
    assertThat(lanes.complete(a1)).as("twice").isFalse();
    assertThat(lanes.inFlight()).isZero();
    assertThat(lanes.next()).isSameAs(a2);
    assertThat(lanes.inFlight()).isEqualTo(1);
  }

  @Test
  void sameInstanceInFlightTwiceIsRejectedWithoutCorruption() {
    OrderingLanes<Item> lanes = new OrderingLanes<>(5);
    Item x = item(null, 1);
    lanes.submit(null, x);
    lanes.submit(null, x);
    assertThat(lanes.next()).isSameAs(x);
    assertThatThrownBy(lanes::next).isInstanceOf(IllegalStateException.class);
    assertThat(lanes.inFlight()).isEqualTo(1);
    assertThat(lanes.queued()).isEqualTo(1);
  }

  @Test
  void rejectsBadArguments() {
    assertThatThrownBy(() -> new OrderingLanes<Item>(0))
        .isInstanceOf(IllegalArgumentException.class);
    OrderingLanes<Item> lanes = new OrderingLanes<>(1);
    assertThatThrownBy(() -> lanes.submit("a", null)).isInstanceOf(NullPointerException.class);
    assertThat(lanes.queued()).isZero();
  }

  @Test
  void removeQueuedKeepsLanesConsistent() {
    OrderingLanes<Item> lanes = new OrderingLanes<>(10);
    Item a1 = new Item("a", 1, 0);
    Item a2 = new Item("a", 2, 1);
    Item a3 = new Item("a", 3, 0);
    Item b1 = new Item("b", 1, 1);
    Item b2 = new Item("b", 2, 0);
    Item c1 = new Item("c", 1, 1);
    Item n1 = new Item(null, 1, 1);
    Item n2 = new Item(null, 2, 0);
    for (Item i : List.of(a1, a2, a3, b1, b2, c1, n1, n2)) {
      lanes.submit(i.key, i);
    }
    assertThat(lanes.next()).isSameAs(a1); // a is busy, a2 and a3 wait
    // Revoke partition 1: a2 (waiting behind a running item), b1 (ready head of b),
    // c1 (whole lane), n1 (unordered).
    List<Item> removed = lanes.removeQueued(i -> i.partition == 1);
    assertThat(removed).containsExactlyInAnyOrder(a2, b1, c1, n1);
    assertThat(lanes.queued()).isEqualTo(3);
    // b advanced to b2; a still waits for a1; n2 is ready.
    assertThat(drain(lanes)).containsExactly(b2, n2);
    lanes.complete(a1);
    assertThat(drain(lanes)).containsExactly(a3);
    lanes.complete(a3);
    lanes.complete(b2);
    lanes.complete(n2);
    assertThat(lanes.inFlight()).isZero();
    assertThat(lanes.queued()).isZero();
    assertThat(lanes.next()).isNull();
  }

  @Test
  void removeAllQueuedLeavesOnlyRunningLanes() {
    OrderingLanes<Item> lanes = new OrderingLanes<>(10);
    Item a1 = item("a", 1);
    lanes.submit("a", a1);
    lanes.submit("a", item("a", 2));
    lanes.submit("b", item("b", 1));
    lanes.submit(null, item(null, 1));
    assertThat(lanes.next()).isSameAs(a1);
    assertThat(lanes.removeQueued(i -> true)).hasSize(3);
    assertThat(lanes.queued()).isZero();
    assertThat(lanes.next()).isNull();
    lanes.complete(a1);
    assertThat(lanes.next()).isNull();
    // Still usable afterwards.
    Item a9 = item("a", 9);
    lanes.submit("a", a9);
    assertThat(lanes.next()).isSameAs(a9);
  }

  @Test
  void noGrowthAfterManyKeysComplete() {
    OrderingLanes<Item> lanes = new OrderingLanes<>(64);
    int next = 0;
    for (int round = 0; round < 1000; round++) {
      for (int i = 0; i < 50; i++) {
        lanes.submit("k" + (next % 777), item("k", next++));
      }
      Item started;
      while ((started = lanes.next()) != null) {
        lanes.complete(started);
      }
    }
    assertThat(lanes.queued()).isZero();
    assertThat(lanes.inFlight()).isZero();
  }

  /**
   * Random submits, starts, completions (in random order) and removals, checked against a model:
   * per-key submission order, one in flight per key, the global limit, no lost or duplicated item,
   * and no stall (next() is null only when nothing may start).
   */
  @Test
  void randomizedAgainstReferenceChecker() {
    long seed = System.nanoTime();
    Random rnd = new Random(seed);
    for (int run = 0; run < 200; run++) {
      int max = 1 + rnd.nextInt(8);
      OrderingLanes<Item> lanes = new OrderingLanes<>(max);
      // Model: per key, the queued items in submission order; the in-flight items.
      Map<String, List<Item>> queuedByKey = new HashMap<>();
      List<Item> queuedNull = new ArrayList<>();
      Set<String> runningKeys = new HashSet<>();
      List<Item> running = new ArrayList<>();
      List<Item> suspended = new ArrayList<>();
      List<Item> resumedQueue = new ArrayList<>();
      Map<String, Integer> lastStartedSeq = new HashMap<>();
      int seq = 0;
      int ops = 200 + rnd.nextInt(2000);
      for (int op = 0; op < ops; op++) {
        int r = rnd.nextInt(100);
        if (r < 40) {
          String key = rnd.nextInt(5) == 0 ? null : "k" + rnd.nextInt(6);
          Item it = new Item(key, seq++, rnd.nextInt(3));
          lanes.submit(key, it);
          if (key == null) {
            queuedNull.add(it);
          } else {
            queuedByKey.computeIfAbsent(key, k -> new ArrayList<>()).add(it);
          }
        } else if (r < 70) {
          Item it = lanes.next();
          if (it != null && !resumedQueue.isEmpty()) {
            assertThat(it)
                .as("seed %d: resumed items first, in resume order", seed)
                .isSameAs(resumedQueue.remove(0));
            running.add(it);
            continue;
          }
          if (it == null) {
            boolean anyStartable =
                !resumedQueue.isEmpty()
                    || !queuedNull.isEmpty()
                    || queuedByKey.entrySet().stream()
                        .anyMatch(
                            e -> !e.getValue().isEmpty() && !runningKeys.contains(e.getKey()));
            assertThat(running.size() >= max || !anyStartable)
                .as("seed %d: stalled with %s", seed, queuedByKey)
                .isTrue();
          } else {
            assertThat(running.size()).as("seed %d", seed).isLessThan(max);
            if (it.key == null) {
              assertThat(queuedNull.remove(it)).as("seed %d", seed).isTrue();
            } else {
              List<Item> q = queuedByKey.get(it.key);
              assertThat(q).as("seed %d", seed).isNotEmpty();
              assertThat(q.get(0)).as("seed %d: per-key order", seed).isSameAs(it);
              q.remove(0);
              assertThat(runningKeys.add(it.key)).as("seed %d: one per key", seed).isTrue();
              Integer prev = lastStartedSeq.put(it.key, it.seq);
              assertThat(prev == null || prev < it.seq).isTrue();
            }
            running.add(it);
          }
        } else if (r < 80) {
          if (!running.isEmpty()) {
            Item it = running.remove(rnd.nextInt(running.size()));
            assertThat(lanes.suspend(it)).isTrue();
            suspended.add(it);
          }
        } else if (r < 85) {
          if (!suspended.isEmpty()) {
            Item it = suspended.remove(rnd.nextInt(suspended.size()));
            assertThat(lanes.resume(it)).isTrue();
            assertThat(lanes.resume(it)).isFalse();
            resumedQueue.add(it);
          }
        } else if (r < 95) {
          // Completes a started item: in flight, suspended or resumed.
          List<List<Item>> pools = new ArrayList<>(List.of(running, suspended, resumedQueue));
          pools.removeIf(List::isEmpty);
          if (!pools.isEmpty()) {
            List<Item> pool = pools.get(rnd.nextInt(pools.size()));
            Item it = pool.remove(rnd.nextInt(pool.size()));
            assertThat(lanes.complete(it)).isTrue();
            assertThat(lanes.complete(it)).isFalse();
            if (it.key != null) {
              runningKeys.remove(it.key);
            }
          }
        } else {
          int part = rnd.nextInt(3);
          List<Item> removed = lanes.removeQueued(i -> i.partition == part);
          List<Item> expected = new ArrayList<>();
          for (List<Item> q : queuedByKey.values()) {
            q.stream().filter(i -> i.partition == part).forEach(expected::add);
            q.removeIf(i -> i.partition == part);
          }
          queuedNull.stream().filter(i -> i.partition == part).forEach(expected::add);
          queuedNull.removeIf(i -> i.partition == part);
          assertThat(removed).as("seed %d", seed).containsExactlyInAnyOrderElementsOf(expected);
        }
        int modelQueued =
            queuedNull.size() + queuedByKey.values().stream().mapToInt(List::size).sum();
        assertThat(lanes.queued()).as("seed %d", seed).isEqualTo(modelQueued);
        assertThat(lanes.inFlight()).as("seed %d", seed).isEqualTo(running.size());
        assertThat(lanes.waiting())
            .as("seed %d", seed)
            .isEqualTo(suspended.size() + resumedQueue.size());
      }
      // Drain: everything still queued runs, in order, and the lanes end empty.
      Map<String, Integer> drainedLast = new LinkedHashMap<>(lastStartedSeq);
      for (Item it : concat(suspended, resumedQueue)) {
        assertThat(lanes.complete(it)).as("seed %d", seed).isTrue();
      }
      assertThat(lanes.waiting()).isZero();
      while (!running.isEmpty() || lanes.queued() > 0) {
        Item it;
        while ((it = lanes.next()) != null) {
          running.add(it);
          if (it.key != null) {
            Integer prev = drainedLast.put(it.key, it.seq);
            assertThat(prev == null || prev < it.seq).as("seed %d", seed).isTrue();
          }
        }
        assertThat(running).as("seed %d: stalled", seed).isNotEmpty();
        assertThat(lanes.complete(running.remove(rnd.nextInt(running.size())))).isTrue();
      }
      assertThat(lanes.inFlight()).isZero();
    }
  }

  @Test
  void heldEntriesStayAsideUntilTheirGateIsReleasedAndOthersFlowMeanwhile() {
    OrderingLanes<Item> lanes = new OrderingLanes<>(10);
    Item a1 = item("a", 1);
    Item a2 = item("a", 2);
    Item b1 = item("b", 1);
    Item n1 = item(null, 1);
    lanes.submit("a", a1);
    lanes.submit("a", a2);
    lanes.submit("b", b1);
    lanes.submit(null, n1);
    assertThat(lanes.peek()).isSameAs(a1);
    assertThat(lanes.inFlight()).isZero();
    assertThat(lanes.holdFirst("gate-a")).isTrue();
    assertThat(lanes.heldGates()).isEqualTo(1);
    assertThat(drain(lanes)).containsExactly(b1, n1);
    lanes.releaseHeld("gate-a");
    assertThat(lanes.heldGates()).isZero();
    assertThat(drain(lanes)).containsExactly(a1);
    lanes.complete(a1);
    assertThat(drain(lanes)).containsExactly(a2);
  }

  @Test
  void removeQueuedAlsoRemovesHeldEntries() {
    OrderingLanes<Item> lanes = new OrderingLanes<>(10);
    Item a1 = new Item("a", 1, 1);
    Item n1 = new Item(null, 1, 1);
    Item b1 = new Item("b", 1, 2);
    lanes.submit("a", a1);
    lanes.submit(null, n1);
    lanes.submit("b", b1);
    lanes.holdFirst("g");
    lanes.holdFirst("g");
    assertThat(lanes.removeQueued(i -> i.partition == 1)).containsExactlyInAnyOrder(a1, n1);
    lanes.releaseHeld("g");
    assertThat(drain(lanes)).containsExactly(b1);
    assertThat(lanes.queued()).isZero();
  }

  @Test
  void aSuspendedItemGivesItsSlotBackButKeepsItsKeyBlocked() {
    OrderingLanes<Item> lanes = new OrderingLanes<>(1);
    Item a1 = item("a", 1);
    Item a2 = item("a", 2);
    Item b1 = item("b", 1);
    lanes.submit("a", a1);
    lanes.submit("a", a2);
    lanes.submit("b", b1);
    assertThat(lanes.next()).isSameAs(a1);
    assertThat(lanes.next()).as("the only slot is taken").isNull();
    assertThat(lanes.suspend(a1)).isTrue();
    assertThat(lanes.inFlight()).isZero();
    assertThat(lanes.waiting()).isEqualTo(1);
    assertThat(lanes.next()).as("b takes the slot; a2 stays behind a1").isSameAs(b1);
    assertThat(lanes.resume(a1)).isTrue();
    assertThat(lanes.next()).as("slot still taken by b1").isNull();
    lanes.complete(b1);
    assertThat(lanes.next()).as("a resumed item goes before queued ones").isSameAs(a1);
    assertThat(lanes.waiting()).isZero();
    assertThat(lanes.next()).isNull();
    lanes.complete(a1);
    assertThat(lanes.next()).isSameAs(a2);
  }

  @Test
  void completingASuspendedOrResumedItemReleasesItsKey() {
    OrderingLanes<Item> lanes = new OrderingLanes<>(4);
    Item a1 = item("a", 1);
    Item a2 = item("a", 2);
    Item n1 = item(null, 1);
    lanes.submit("a", a1);
    lanes.submit("a", a2);
    lanes.submit(null, n1);
    assertThat(drain(lanes)).containsExactly(a1, n1);
    lanes.suspend(a1);
    lanes.suspend(n1);
    lanes.resume(n1);
    assertThat(lanes.complete(a1)).as("dropped while waiting").isTrue();
    assertThat(lanes.complete(n1)).as("dropped once resumed").isTrue();
    assertThat(lanes.waiting()).isZero();
    assertThat(drain(lanes))
        .as("the resumed n1 is not started after being completed")
        .containsExactly(a2);
    assertThat(lanes.resume(a1)).isFalse();
    assertThat(lanes.suspend(a1)).isFalse();
  }

  @Test
  void peekShowsNothingAtTheInFlightLimitOrWhenNothingIsReady() {
    OrderingLanes<Item> lanes = new OrderingLanes<>(1);
    assertThat(lanes.peek()).isNull();
    assertThat(lanes.holdFirst("g")).isFalse();
    lanes.submit("a", item("a", 1));
    lanes.submit("b", item("b", 1));
    assertThat(lanes.next()).isNotNull();
    assertThat(lanes.peek()).isNull();
    assertThat(lanes.queued()).isEqualTo(1);
  }
}
