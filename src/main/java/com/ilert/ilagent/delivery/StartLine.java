package com.ilert.ilagent.delivery;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.function.Predicate;

/**
 * The entries of {@link OrderingLanes} that may start, in the order they may: resumed items first
 * (they were first in line already), then the ready entries in the order they became ready. A ready
 * entry is a {@link Lane} (its first waiting item may start) or a null-key item itself.
 *
 * <p>The first entry may be {@link #holdFirst held} aside under a gate and {@link #releaseHeld
 * released} later: held entries are not looked at again meanwhile, so other keys flow however many
 * entries wait behind a closed gate. Not thread-safe.
 *
 * @param <T> the work item
 */
final class StartLine<T> {
  // Entries: a Lane (its first waiting item may start) or a null-key item itself.
  private final ArrayDeque<Object> ready = new ArrayDeque<>();
  // Resumed items, started before the ready ones: they were first in line already.
  private final ArrayDeque<Resumed<T>> retries = new ArrayDeque<>();
  private final HashMap<Object, ArrayDeque<Object>> held = new HashMap<>();

  /** Queues a lane whose first waiting item may start, or a null-key item. */
  void addReady(Object entry) {
    ready.addLast(entry);
  }

  /** Queues a resumed item, ahead of every ready entry. */
  void addRetry(Resumed<T> r) {
    retries.addLast(r);
  }

  /** The entry that may start first; null if there is none. */
  Object first() {
    while (!retries.isEmpty() && retries.peekFirst().cancelled) {
      retries.pollFirst();
    }
    return retries.isEmpty() ? ready.peekFirst() : retries.peekFirst();
  }

  /** Takes {@code entry}, just returned by {@link #first()}, out of the line. */
  void pollFirst(Object entry) {
    if (entry instanceof Resumed) {
      retries.pollFirst();
    } else {
      ready.pollFirst();
    }
  }

  /** The item that {@code entry} would start. */
  @SuppressWarnings("unchecked")
  T itemOf(Object entry) {
    if (entry instanceof Resumed) {
      return ((Resumed<T>) entry).item;
    }
    return entry instanceof Lane ? ((Lane<T>) entry).waiting.peekFirst() : (T) entry;
  }

  /** Sets the first entry aside under {@code gate}; false if nothing may start. */
  boolean holdFirst(Object gate) {
    Object entry = first();
    if (entry == null) {
      return false;
    }
    pollFirst(entry);
    held.computeIfAbsent(gate, g -> new ArrayDeque<>()).addLast(entry);
    return true;
  }

  /** Puts the entries held under {@code gate} back in line. */
  void releaseHeld(Object gate) {
    ArrayDeque<Object> entries = held.remove(gate);
    if (entries == null) {
      return;
    }
    for (Object entry : entries) {
      if (entry instanceof Resumed<?> r) {
        if (!r.cancelled) {
          retries.addLast(cast(r));
        }
      } else if (!(entry instanceof Lane<?> lane) || !lane.waiting.isEmpty()) {
        ready.addLast(entry);
      }
    }
  }

  /** Gates with held entries. */
  int heldGates() {
    return held.size();
  }

  /**
   * Removes the null-key items that match, ready or held, adding them to {@code removed}, and the
   * lanes with nothing left waiting.
   */
  void prune(Predicate<? super T> filter, List<T> removed) {
    prune(ready, filter, removed);
    for (Iterator<ArrayDeque<Object>> it = held.values().iterator(); it.hasNext(); ) {
      ArrayDeque<Object> entries = it.next();
      prune(entries, filter, removed);
      if (entries.isEmpty()) {
        it.remove();
      }
    }
  }

  /** Lanes with nothing left waiting leave the queue; null-key items that match are removed. */
  @SuppressWarnings("unchecked")
  private void prune(ArrayDeque<Object> entries, Predicate<? super T> filter, List<T> removed) {
    for (Iterator<Object> it = entries.iterator(); it.hasNext(); ) {
      Object entry = it.next();
      if (entry instanceof Lane<?> lane) {
        if (lane.waiting.isEmpty()) {
          it.remove();
        }
      } else if (!(entry instanceof Resumed) && filter.test((T) entry)) {
        it.remove();
        removed.add((T) entry);
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static <T> Resumed<T> cast(Resumed<?> r) {
    return (Resumed<T>) r;
  }
}
