package com.ilert.ilagent.delivery;

import java.util.IdentityHashMap;

/**
 * The started items of {@link OrderingLanes} that hold no slot because they wait for their next
 * attempt: suspended, and once resumed, queued in the {@link StartLine} to start again. Each keeps
 * its lane, which stays blocked meanwhile so that nothing of its key overtakes it. Items are
 * tracked by identity. Not thread-safe.
 *
 * @param <T> the work item
 */
final class Suspensions<T> {
  // Suspended (and resumed but not yet restarted) items, with their lane.
  private final IdentityHashMap<T, Lane<T>> parked = new IdentityHashMap<>();
  private final IdentityHashMap<T, Resumed<T>> resumed = new IdentityHashMap<>();

  /** An item in flight gave its slot back; {@code lane} is the lane it keeps blocked. */
  void suspend(T item, Lane<T> lane) {
    parked.put(item, lane);
  }

  /** The entry that lets a suspended item start again; null if not suspended or resumed already. */
  Resumed<T> resume(T item) {
    if (!parked.containsKey(item) || resumed.containsKey(item)) {
      return null;
    }
    Resumed<T> r = new Resumed<>(item);
    resumed.put(item, r);
    return r;
  }

  /** A resumed item starts again: no longer tracked here; returns the lane it takes along. */
  Lane<T> restart(T item) {
    resumed.remove(item);
    return parked.remove(item);
  }

  /**
   * A suspended or resumed item is finished: no longer tracked here, and its entry in the start
   * line is cancelled.
   *
   * @return its lane, or null if the item was neither suspended nor resumed
   */
  Lane<T> finish(T item) {
    Lane<T> lane = parked.remove(item);
    Resumed<T> r = resumed.remove(item);
    if (r != null) {
      r.cancelled = true; // dropped lazily from its queue
    }
    return lane;
  }

  /** Items suspended or resumed, not yet restarted nor finished. */
  int size() {
    return parked.size();
  }
}
