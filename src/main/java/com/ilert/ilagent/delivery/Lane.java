package com.ilert.ilagent.delivery;

import java.util.ArrayDeque;

/**
 * The items of one ordering key in {@link OrderingLanes}: at most one started, the rest waiting in
 * submission order. A lane is in the {@link StartLine} exactly when nothing of it is started and
 * something of it waits.
 */
final class Lane<T> {
  Object key;
  final ArrayDeque<T> waiting = new ArrayDeque<>(4);
  boolean active;
}
