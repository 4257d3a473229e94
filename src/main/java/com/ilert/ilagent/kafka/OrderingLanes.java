package com.ilert.ilagent.kafka;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Decides which work item may start next: items with the same ordering key run strictly one after
 * another in submission order, items with different keys (or a null key, meaning unordered) run
 * concurrently, and at most {@code maxInFlight} run at once in total.
 *
 * <p>An item's life: submitted (queued) → started by {@link #next()} (in flight, holding one of the
 * slots) → {@link #complete}d. An item that must wait for a retry is {@link #suspend}ed: it gives
 * its slot back but keeps its key's lane blocked, so nothing of its key overtakes it; {@link
 * #resume} makes it startable again, ahead of items never started. The caller may {@link
 * #holdFirst hold} the next startable entry aside under a gate (e.g. an integration key that is
 * backed off after a 429) and {@link #releaseHeld release} the gate later: held entries are not
 * looked at again meanwhile, so other keys flow however many entries wait behind a closed gate.
 *
 * <p>Items are tracked by identity, so each submitted item must be a distinct instance. Not
 * thread-safe: used on one event loop.
 *
 * @param <T> the work item, e.g. a record on its way to ilert
 */
public final class OrderingLanes<T> {
  private static final Lane<Object> UNORDERED = new Lane<>();

  private final int maxInFlight;
  private final HashMap<Object, Lane<T>> lanes = new HashMap<>();
  // Entries: a Lane (its first waiting item may start) or a null-key item itself.
  private final ArrayDeque<Object> ready = new ArrayDeque<>();
  // Resumed items, started before the ready ones: they were first in line already.
  private final ArrayDeque<Resumed<T>> retries = new ArrayDeque<>();
  private final HashMap<Object, ArrayDeque<Object>> held = new HashMap<>();
  private final IdentityHashMap<T, Lane<T>> running;
  // Suspended (and resumed but not yet restarted) items, with their lane.
  private final IdentityHashMap<T, Lane<T>> parked = new IdentityHashMap<>();
  private final IdentityHashMap<T, Resumed<T>> resumed = new IdentityHashMap<>();
  private int queued;

  /** @param maxInFlight the total number of items that may run at once, at least 1 */
  public OrderingLanes(int maxInFlight) {
    if (maxInFlight < 1) {
      throw new IllegalArgumentException("maxInFlight must be at least 1: " + maxInFlight);
    }
    this.maxInFlight = maxInFlight;
    this.running = new IdentityHashMap<>(Math.min(maxInFlight, 1024));
  }

  /**
   * Queues an item behind the earlier items of the same key.
   *
   * @param key the ordering key (compared with equals), or null for no ordering
   */
  public void submit(Object key, T item) {
    Objects.requireNonNull(item, "item");
    queued++;
    if (key == null) {
      ready.addLast(item);
      return;
    }
    Lane<T> lane = lanes.computeIfAbsent(key, k -> new Lane<>());
    lane.key = key;
    lane.waiting.addLast(item);
    // A lane is in a queue exactly when nothing of it is started and something of it waits.
    if (!lane.active && lane.waiting.size() == 1) {
      ready.addLast(lane);
    }
  }

  /** The item {@link #next()} would start now; null when every slot is taken or none may start. */
  public T peek() {
    if (running.size() >= maxInFlight) {
      return null;
    }
    Object entry = first();
    return entry == null ? null : itemOf(entry);
  }

  /** Starts the item {@link #peek()} shows, which then holds a slot; null if there is none. */
  @SuppressWarnings("unchecked")
  public T next() {
    if (running.size() >= maxInFlight) {
      return null;
    }
    Object entry = first();
    if (entry == null) {
      return null;
    }
    if (running.containsKey(itemOf(entry))) {
      // Checked before changing anything: identity tracking needs distinct instances.
      throw new IllegalStateException("the same item instance was submitted twice: " + itemOf(entry));
    }
    pollFirst(entry);
    T item;
    Lane<T> lane;
    if (entry instanceof Resumed) {
      item = ((Resumed<T>) entry).item;
      resumed.remove(item);
      lane = parked.remove(item);
    } else if (entry instanceof Lane) {
      lane = (Lane<T>) entry;
      item = lane.waiting.pollFirst();
      lane.active = true;
      queued--;
    } else {
      item = (T) entry;
      lane = (Lane<T>) UNORDERED;
      queued--;
    }
    running.put(item, lane);
    return item;
  }

  /** Sets the entry {@link #peek()} shows aside under {@code gate}; false if nothing may start. */
  public boolean holdFirst(Object gate) {
    Object entry = first();
    if (entry == null) {
      return false;
    }
    pollFirst(entry);
    held.computeIfAbsent(gate, g -> new ArrayDeque<>()).addLast(entry);
    return true;
  }

  /** Puts the entries held under {@code gate} back in line. */
  public void releaseHeld(Object gate) {
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
  public int heldGates() {
    return held.size();
  }

  /**
   * An item in flight gives its slot back to wait (for a retry) while its lane stays blocked.
   *
   * @return false if the item is not in flight
   */
  public boolean suspend(T item) {
    Lane<T> lane = running.remove(item);
    if (lane == null) {
      return false;
    }
    parked.put(item, lane);
    return true;
  }

  /** A suspended item may start again, before items never started. False if it is not suspended. */
  public boolean resume(T item) {
    if (!parked.containsKey(item) || resumed.containsKey(item)) {
      return false;
    }
    Resumed<T> r = new Resumed<>(item);
    resumed.put(item, r);
    retries.addLast(r);
    return true;
  }

  /**
   * Marks a started item (in flight, suspended or resumed) as finished: frees its slot if it held
   * one and lets the next item of its key go.
   *
   * @return false, changing nothing, if the item was not started or is finished already
   */
  public boolean complete(T item) {
    Lane<T> lane = running.remove(item);
    if (lane == null) {
      lane = parked.remove(item);
      Resumed<T> r = resumed.remove(item);
      if (r != null) {
        r.cancelled = true; // dropped lazily from its queue
      }
    }
    if (lane == null) {
      return false;
    }
    if (lane != UNORDERED) {
      lane.active = false;
      if (lane.waiting.isEmpty()) {
        lanes.remove(lane.key);
      } else {
        ready.addLast(lane);
      }
    }
    return true;
  }

  /**
   * Drops queued (never started) items that match, e.g. the records of a revoked partition. Started
   * items are untouched and must still be completed.
   *
   * @return the removed items: per key in submission order, no particular order across keys
   */
  public List<T> removeQueued(Predicate<? super T> filter) {
    List<T> removed = new ArrayList<>();
    if (queued == 0) {
      return removed;
    }
    for (Lane<T> lane : lanes.values()) {
      for (Iterator<T> it = lane.waiting.iterator(); it.hasNext(); ) {
        T item = it.next();
        if (filter.test(item)) {
          it.remove();
          removed.add(item);
        }
      }
    }
    prune(ready, filter, removed);
    for (Iterator<ArrayDeque<Object>> it = held.values().iterator(); it.hasNext(); ) {
      ArrayDeque<Object> entries = it.next();
      prune(entries, filter, removed);
      if (entries.isEmpty()) {
        it.remove();
      }
    }
    lanes.values().removeIf(lane -> !lane.active && lane.waiting.isEmpty());
    queued -= removed.size();
    return removed;
  }

  /** Items started and holding a slot. */
  public int inFlight() {
    return running.size();
  }

  /** Items started that wait for their next attempt (suspended or resumed), holding no slot. */
  public int waiting() {
    return parked.size();
  }

  /** Items submitted and never started (nor removed). */
  public int queued() {
    return queued;
  }

  public int maxInFlight() {
    return maxInFlight;
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

  private Object first() {
    while (!retries.isEmpty() && retries.peekFirst().cancelled) {
      retries.pollFirst();
    }
    return retries.isEmpty() ? ready.peekFirst() : retries.peekFirst();
  }

  private void pollFirst(Object entry) {
    if (entry instanceof Resumed) {
      retries.pollFirst();
    } else {
      ready.pollFirst();
    }
  }

  @SuppressWarnings("unchecked")
  private T itemOf(Object entry) {
    if (entry instanceof Resumed) {
      return ((Resumed<T>) entry).item;
    }
    return entry instanceof Lane ? ((Lane<T>) entry).waiting.peekFirst() : (T) entry;
  }

  @SuppressWarnings("unchecked")
  private static <T> Resumed<T> cast(Resumed<?> r) {
    return (Resumed<T>) r;
  }

  /** The items of one key: at most one started, the rest waiting in submission order. */
  private static final class Lane<T> {
    Object key;
    final ArrayDeque<T> waiting = new ArrayDeque<>(4);
    boolean active;
  }

  /** A suspended item that may start again. */
  private static final class Resumed<T> {
    final T item;
    boolean cancelled;

    Resumed(T item) {
      this.item = item;
    }
  }
}
