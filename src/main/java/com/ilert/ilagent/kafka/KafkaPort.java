package com.ilert.ilagent.kafka;

import com.ilert.ilagent.offsets.Committer;
import com.ilert.ilagent.offsets.Partitions;
import io.vertx.core.Future;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * The Kafka consumer as the event loop sees it: every call is handed to the consumer's thread and
 * answered on the event loop ({@link PollLoop} in the agent).
 */
public interface KafkaPort extends Partitions.Fetching, Committer.Port {
  /**
   * Everything received is done: commits handed over go out now instead of after the poll under
   * way, if the last poll found nothing more to fetch.
   */
  void hurry();

  Future<Long> position(TopicPartition tp);

  Future<Map<TopicPartition, Long>> endOffsets(Set<TopicPartition> tps);

  /** A topic's partitions; empty when the cluster does not have the topic. */
  Future<List<PartitionInfo>> partitionsFor(String topic);
}
