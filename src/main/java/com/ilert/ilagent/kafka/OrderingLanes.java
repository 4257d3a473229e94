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
 * concurrently, and at most {@code maxInFlight} run at once in total. Items become startable in
 * FIFO order of readiness.
 *
 * <p>Items are tracked by identity while in flight, so {@link #complete(Object)} can only release
 * an item that {@link #next()} handed out, and only once: a wrong or repeated completion cannot
 * free a slot or unblock a lane by mistake. Each submitted item must therefore be a distinct
 * instance. Not thread-safe: used on one event loop.
 *
 * @param <T> the work item, e.g. a record on its way to ilert
 */
public final class OrderingLanes<T> {
  // Reused lanes save three allocations per new key (most alert keys carry one or two records).
  private static final int LANE_POOL_MAX = 256;
  // A lane that held more items than this keeps a big array; let it go instead of pooling it.
  private static final int POOLABLE_PEAK = 16;
  private static final Lane<Object> UNORDERED = new Lane<>();

  private final int maxInFlight;
  private final HashMap<Object, Lane<T>> lanes = new HashMap<>();
  // Entries are a Lane (its first waiting item is ready) or a null-key item itself. Lane is
  // private, so no caller's item can be mistaken for one.
  private final ArrayDeque<Object> ready = new ArrayDeque<>();
  private final IdentityHashMap<T, Lane<T>> running;
  private final ArrayDeque<Lane<T>> lanePool = new ArrayDeque<>();
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
   * @param item the work item, not null
   */
  public void submit(Object key, T item) {
    Objects.requireNonNull(item, "item");
    queued++;
    if (key == null) {
      ready.addLast(item);
      return;
    }
    Lane<T> lane = lanes.get(key);
    if (lane == null) {
      lane = newLane(key);
      lanes.put(key, lane);
    }
    lane.waiting.addLast(item);
    int n = lane.waiting.size();
    if (n > lane.peak) {
      lane.peak = n;
    }
    // A lane is in the ready queue exactly when nothing of it runs and something of it waits.
    if (!lane.active && n == 1) {
      ready.addLast(lane);
    }
  }

  /**
   * The next item allowed to start now, which is then counted as in flight; or null when the
   * in-flight limit is reached or no item is ready.
   *
   * @throws IllegalStateException if the item to start is the same instance as one in flight
   */
  @SuppressWarnings("unchecked")
  public T next() {
    if (running.size() >= maxInFlight) {
      return null;
    }
    Object entry = ready.peekFirst();
    if (entry == null) {
      return null;
    }
    Lane<T> lane;
    T item;
    if (entry instanceof Lane) {
      lane = (Lane<T>) entry;
      item = lane.waiting.peekFirst();
    } else {
      lane = (Lane<T>) UNORDERED;
      item = (T) entry;
    }
    // Checked before changing anything: identity tracking needs distinct instances.
    if (running.containsKey(item)) {
      throw new IllegalStateException("the same item instance was submitted twice: " + item);
    }
    ready.pollFirst();
    if (lane != UNORDERED) {
      lane.waiting.pollFirst();
      lane.active = true;
    }
    running.put(item, lane);
    queued--;
    return item;
  }

  /**
   * The item {@link #next()} would hand out now, without starting it; null when the in-flight
   * limit is reached or no item is ready.
   */
  @SuppressWarnings("unchecked")
  public T peek() {
    if (running.size() >= maxInFlight) {
      return null;
    }
    Object entry = ready.peekFirst();
    if (entry == null) {
      return null;
    }
    return entry instanceof Lane ? ((Lane<T>) entry).waiting.peekFirst() : (T) entry;
  }

  /**
   * Moves the item {@link #peek()} shows to the back of the ready queue, so the items behind it
   * may start first. Its key's order is untouched: the whole lane moves, its items stay in
   * submission order behind their first one.
   *
   * @return false if nothing is ready
   */
  public boolean deferFirst() {
    Object entry = ready.pollFirst();
    if (entry == null) {
      return false;
    }
    ready.addLast(entry);
    return true;
  }

  /** Keys (or unordered items) with an item ready to start. */
  public int readyCount() {
    return ready.size();
  }

  /**
   * Marks an item handed out by {@link #next()} as finished: frees its in-flight slot and makes
   * the next item of its key ready.
   *
   * @return false, changing nothing, if the item is not in flight (never started, or completed
   *     already)
   */
  public boolean complete(T item) {
    Lane<T> lane = running.remove(item);
    if (lane == null) {
      return false;
    }
    if (lane != UNORDERED) {
      lane.active = false;
      if (lane.waiting.isEmpty()) {
        releaseLane(lane);
      } else {
        ready.addLast(lane);
      }
    }
    return true;
  }

  /**
   * Drops queued (not started) items that match, e.g. the records of revoked partitions or
   * everything on shutdown. In-flight items are untouched and must still be completed. A lane
   * whose first waiting item is removed moves on to its next remaining one.
   *
   * @return the removed items: per key in submission order, no particular order across keys
   */
  @SuppressWarnings("unchecked")
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
    // Lanes left with nothing waiting leave the ready queue; null-key items are filtered here.
    for (Iterator<Object> it = ready.iterator(); it.hasNext(); ) {
      Object entry = it.next();
      if (entry instanceof Lane) {
        if (((Lane<T>) entry).waiting.isEmpty()) {
          it.remove();
        }
      } else if (filter.test((T) entry)) {
        it.remove();
        removed.add((T) entry);
      }
    }
    // Free idle empty lanes so the key map does not keep them.
    for (Iterator<Lane<T>> it = lanes.values().iterator(); it.hasNext(); ) {
      Lane<T> lane = it.next();
      if (!lane.active && lane.waiting.isEmpty()) {
        it.remove();
        recycle(lane);
      }
    }
    queued -= removed.size();
    return removed;
  }

  /** Items started by {@link #next()} and not yet completed. */
  public int inFlight() {
    return running.size();
  }

  /** Items submitted and not yet started (nor removed). */
  public int queued() {
    return queued;
  }

  /** Keys with an item in flight or waiting; 0 once everything is done. */
  public int activeKeys() {
    return lanes.size();
  }

  /** The limit given to the constructor. */
  public int maxInFlight() {
    return maxInFlight;
  }

  private Lane<T> newLane(Object key) {
    Lane<T> lane = lanePool.pollFirst();
    if (lane == null) {
      lane = new Lane<>();
    }
    lane.key = key;
    return lane;
  }

  private void releaseLane(Lane<T> lane) {
    lanes.remove(lane.key);
    recycle(lane);
  }

  private void recycle(Lane<T> lane) {
    lane.key = null;
    if (lane.peak <= POOLABLE_PEAK && lanePool.size() < LANE_POOL_MAX) {
      lane.peak = 0;
      lanePool.addLast(lane);
    }
  }

  /** The items of one key: at most one in flight, the rest waiting in submission order. */
  private static final class Lane<T> {
    Object key;
    final ArrayDeque<T> waiting = new ArrayDeque<>(4);
    boolean active;
    int peak;
  }
}
