package com.ilert.ilagent.consumer;

import com.ilert.ilagent.delivery.Dispatcher;
import com.ilert.ilagent.offsets.PartitionState;
import com.ilert.ilagent.offsets.Partitions;
import java.util.HashSet;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;

/**
 * What the simulation compares with its models after every step: the partitions and their pauses,
 * what is held, and where the held records are (on the wire, waiting for a retry, queued, held back
 * by the pacer, a dead letter being written).
 */
public record CoreView(
    Set<TopicPartition> assigned,
    Set<TopicPartition> paused,
    long heldRecords,
    long heldBytes,
    boolean stopping,
    boolean failed,
    int inFlight,
    int waiting,
    int queued,
    int heldKeys,
    int deadLettersPending) {

  static CoreView of(
      Partitions partitions, Phase phase, Dispatcher<?> dispatcher, int deadLettersPending) {
    Set<TopicPartition> paused = new HashSet<>();
    for (PartitionState ps : partitions.all()) {
      if (ps.paused()) {
        paused.add(ps.tp());
      }
    }
    return new CoreView(
        partitions.assigned(),
        paused,
        partitions.heldRecords(),
        partitions.heldBytes(),
        phase.stopping(),
        phase.failed(),
        dispatcher.inFlight(),
        dispatcher.waiting(),
        dispatcher.queued(),
        dispatcher.heldKeys(),
        deadLettersPending);
  }
}
