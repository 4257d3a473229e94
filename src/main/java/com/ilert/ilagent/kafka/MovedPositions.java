package com.ilert.ilagent.kafka;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;

/**
 * The positions that moved past offsets without a record (transaction markers, aborted or compacted
 * records), read right after the poll that moved them, so that the event loop may commit such a
 * position once everything before it is done, and never one past a record it has not received. The
 * consumer's thread only.
 */
final class MovedPositions {
  private final ManagedConsumer consumer;

  /** The position last handed over per partition. */
  private final Map<TopicPartition, Long> reported = new HashMap<>();

  MovedPositions(ManagedConsumer consumer) {
    this.consumer = consumer;
  }

  /**
   * After a poll that returned {@code records}: the positions beyond the last record of a partition
   * in them, or, when there are none, those that moved since the last position handed over.
   */
  Map<TopicPartition, Long> after(ConsumerRecords<byte[], byte[]> records) {
    Map<TopicPartition, Long> moved = Map.of();
    if (!records.isEmpty()) {
      for (TopicPartition tp : records.partitions()) {
        List<ConsumerRecord<byte[], byte[]>> list = records.records(tp);
        long next = list.get(list.size() - 1).offset() + 1;
        Long position = consumer.knownPosition(tp);
        if (position != null && position > next) {
          moved = put(moved, tp, position);
          next = position;
        }
        reported.put(tp, next);
      }
      return moved;
    }
    for (TopicPartition tp : consumer.assignment()) {
      Long position = consumer.knownPosition(tp);
      if (position != null && !position.equals(reported.get(tp))) {
        moved = put(moved, tp, position);
        reported.put(tp, position);
      }
    }
    return moved;
  }

  /** Partitions change hands: one assigned again starts from what the event loop learns anew. */
  void forget(Collection<TopicPartition> partitions) {
    reported.keySet().removeAll(partitions);
  }

  private static Map<TopicPartition, Long> put(
      Map<TopicPartition, Long> map, TopicPartition tp, long position) {
    Map<TopicPartition, Long> m = map.isEmpty() ? new HashMap<>() : map;
    m.put(tp, position);
    return m;
  }
}
