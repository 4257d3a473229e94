package com.ilert.ilagent.consumer;

import com.ilert.ilagent.kafka.KafkaErrors;
import com.ilert.ilagent.kafka.RebalanceBridge;
import com.ilert.ilagent.loop.EventLoop;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Hands the rebalance callbacks from the consumer's thread to the consumer verticle's context,
 * where {@link Rebalances} does the work; a revoke's offsets come back to the consumer's thread
 * through a future that {@link RebalanceBridge} waits on (bounded).
 */
final class RebalancesOnContext implements RebalanceBridge.Lifecycle {
  private final EventLoop loop;
  private final KafkaErrors errors;
  private final Rebalances rebalances;

  RebalancesOnContext(EventLoop loop, KafkaErrors errors, Rebalances rebalances) {
    this.loop = loop;
    this.errors = errors;
    this.rebalances = rebalances;
  }

  @Override
  public void assigned(Map<TopicPartition, RebalanceBridge.Start> starts) {
    loop.execute(
        () -> {
          errors.healthy();
          rebalances.assigned(starts);
        });
  }

  @Override
  public CompletableFuture<Map<TopicPartition, OffsetAndMetadata>> revoked(
      Set<TopicPartition> tps) {
    CompletableFuture<Map<TopicPartition, OffsetAndMetadata>> offsets = new CompletableFuture<>();
    loop.execute(
        () ->
            rebalances
                .revoked(tps)
                .onComplete((result, err) -> offsets.complete(err == null ? result : Map.of())));
    return offsets;
  }

  @Override
  public void lost(Set<TopicPartition> tps) {
    loop.execute(() -> rebalances.lost(tps));
  }
}
