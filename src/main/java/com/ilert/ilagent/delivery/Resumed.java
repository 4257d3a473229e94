package com.ilert.ilagent.delivery;

/**
 * A suspended item of {@link OrderingLanes} that may start again. It stays in the {@link StartLine}
 * when the item completes meanwhile: it is marked cancelled and dropped lazily.
 */
final class Resumed<T> {
  final T item;
  boolean cancelled;

  Resumed(T item) {
    this.item = item;
  }
}
