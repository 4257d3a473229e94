package com.ilert.ilagent.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import com.ilert.ilagent.loop.VertxEventLoop;
import com.ilert.ilagent.metrics.AgentMetrics;
import com.ilert.ilagent.offsets.Backpressure;
import com.ilert.ilagent.offsets.LagReporter;
import com.ilert.ilagent.offsets.Partitions;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The lag reporter never queues a second request behind one that hangs on the consumer's thread.
 */
class LagReporterTest {
  private static final TopicPartition TP = new TopicPartition("events", 0);

  private final Vertx vertx = Vertx.vertx();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final Partitions partitions =
      new Partitions(
          Backpressure.DEFAULT,
          new Partitions.Fetching() {
            @Override
            public void pause(Set<TopicPartition> tps) {}

            @Override
            public void resume(Set<TopicPartition> tps) {}
          });
  private final List<Promise<Map<TopicPartition, Long>>> requests = new ArrayList<>();
  private final LagReporter lag =
      new LagReporter(
          new VertxEventLoop(vertx.getOrCreateContext()),
          tps -> {
            Promise<Map<TopicPartition, Long>> p = Promise.promise();
            requests.add(p);
            return p.future();
          },
          partitions,
          new AgentMetrics(registry));

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void atMostOneRequestIsOutstanding() {
    partitions.add(TP).start(10, new OffsetAndMetadata(10), new long[0]);
    lag.report();
    lag.report();
    lag.report();
    assertThat(requests).as("a partition without leader: the first request hangs").hasSize(1);
    requests.get(0).complete(Map.of(TP, 25L));
    assertThat(registry.get("ilagent.consumer.lag").gauge().value()).isEqualTo(15);
    lag.report();
    assertThat(requests).hasSize(2);
  }

  @Test
  void aFailedRequestSkipsTheNextRounds() {
    partitions.add(TP).start(0, new OffsetAndMetadata(0), new long[0]);
    lag.report();
    requests.get(0).fail(new org.apache.kafka.common.errors.TimeoutException("no leader"));
    for (int i = 0; i < LagReporter.SKIP_AFTER_FAILURE; i++) {
      lag.report();
    }
    assertThat(requests).hasSize(1);
    lag.report();
    assertThat(requests).hasSize(2);
  }

  @Test
  void aFreshPartitionAtOffsetZeroWithNothingInItReportsLagZero() {
    partitions.add(TP).start(0, null, new long[0]); // a new group on an empty topic
    lag.report();
    requests.get(0).complete(Map.of(TP, 0L));
    assertThat(registry.find("ilagent.consumer.lag").gauge())
        .as("the lag of an idle partition at offset 0 is on /metrics")
        .isNotNull();
    assertThat(registry.get("ilagent.consumer.lag").gauge().value()).isZero();
  }

  @Test
  void nothingIsAskedWithoutPartitions() {
    lag.report();
    assertThat(requests).isEmpty();
  }
}
