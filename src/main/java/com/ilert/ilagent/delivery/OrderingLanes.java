package com.ilert.ilagent.delivery;

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
 * #resume} makes it startable again, ahead of items never started. The caller may {@link #holdFirst
 * hold} the next startable entry aside under a gate (e.g. an integration key that is backed off
 * after a 429) and {@link #releaseHeld release} the gate later: held entries are not looked at
 * again meanwhile, so other keys flow however many entries wait behind a closed gate.
 *
 * <p>This class keeps the lanes and the slots; the {@link StartLine} keeps the order in which
 * entries start and the held ones, {@link Suspensions} the items waiting for a retry.
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
  private final StartLine<T> line = new StartLine<>();
  private final IdentityHashMap<T, Lane<T>> running;
  private final Suspensions<T> suspensions = new Suspensions<>();
  private int queued;

  /**
   * @param maxInFlight the total number of items that may run at once, at least 1
   */
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
      line.addReady(item);
      return;
    }
    Lane<T> lane = lanes.computeIfAbsent(key, k -> new Lane<>());
    lane.key = key;
    lane.waiting.addLast(item);
    // A lane is in a queue exactly when nothing of it is started and something of it waits.
    if (!lane.active && lane.waiting.size() == 1) {
      line.addReady(lane);
    }
  }

  /** The item {@link #next()} would start now; null when every slot is taken or none may start. */
  public T peek() {
    if (running.size() >= maxInFlight) {
      return null;
    }
    Object entry = line.first();
    return entry == null ? null : line.itemOf(entry);
  }

  /** Starts the item {@link #peek()} shows, which then holds a slot; null if there is none. */
  @SuppressWarnings("unchecked")
  public T next() {
    if (running.size() >= maxInFlight) {
      return null;
    }
    Object entry = line.first();
    if (entry == null) {
      return null;
    }
    if (running.containsKey(line.itemOf(entry))) {
      // Checked before changing anything: identity tracking needs distinct instances.
      throw new IllegalStateException(
          "the same item instance was submitted twice: " + line.itemOf(entry));
    }
    line.pollFirst(entry);
    T item;
    Lane<T> lane;
    if (entry instanceof Resumed) {
      item = ((Resumed<T>) entry).item;
      lane = suspensions.restart(item);
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
    return line.holdFirst(gate);
  }

  /** Puts the entries held under {@code gate} back in line. */
  public void releaseHeld(Object gate) {
    line.releaseHeld(gate);
  }

  /** Gates with held entries. */
  public int heldGates() {
    return line.heldGates();
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
    suspensions.suspend(item, lane);
    return true;
  }

  /** A suspended item may start again, before items never started. False if it is not suspended. */
  public boolean resume(T item) {
    Resumed<T> r = suspensions.resume(item);
    if (r == null) {
      return false;
    }
    line.addRetry(r);
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
      lane = suspensions.finish(item);
    }
    if (lane == null) {
      return false;
    }
    if (lane != UNORDERED) {
      lane.active = false;
      if (lane.waiting.isEmpty()) {
        lanes.remove(lane.key);
      } else {
        line.addReady(lane);
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
    line.prune(filter, removed);
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
    return suspensions.size();
  }

  /** Items submitted and never started (nor removed). */
  public int queued() {
    return queued;
  }

  public int maxInFlight() {
    return maxInFlight;
  }
}
