package com.ilert.ilagent.kafka;

import io.vertx.core.Context;
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
  private final Context context;
  private final KafkaErrors errors;
  private final Rebalances rebalances;

  RebalancesOnContext(Context context, KafkaErrors errors, Rebalances rebalances) {
    this.context = context;
    this.errors = errors;
    this.rebalances = rebalances;
  }

  @Override
  public void assigned(Map<TopicPartition, RebalanceBridge.Start> starts) {
    context.runOnContext(
        v -> {
          errors.healthy();
          rebalances.assigned(starts);
        });
  }

  @Override
  public CompletableFuture<Map<TopicPartition, OffsetAndMetadata>> revoked(
      Set<TopicPartition> tps) {
    CompletableFuture<Map<TopicPartition, OffsetAndMetadata>> offsets = new CompletableFuture<>();
    context.runOnContext(
        v ->
            rebalances
                .revoked(tps)
                .onComplete((result, err) -> offsets.complete(err == null ? result : Map.of())));
    return offsets;
  }

  @Override
  public void lost(Set<TopicPartition> tps) {
    context.runOnContext(v -> rebalances.lost(tps));
  }
}
