package com.ilert.ilagent.offsets;

import com.ilert.ilagent.loop.EventLoop;
import com.ilert.ilagent.metrics.AgentMetrics;
import io.vertx.core.Future;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.apache.kafka.common.TopicPartition;

/**
 * Reports consumer lag per partition: the broker's end offset minus the completed prefix. Asking
 * for end offsets runs on the consumer's one thread, where polls and commits queue behind it: at
 * most one request is outstanding (the consumer bounds each with a short timeout), and after a
 * failure the next few rounds are skipped. Runs on one event loop.
 */
public final class LagReporter {
  static final long INTERVAL_MS = 5_000;

  /** Rounds skipped after a failed request (no leader, broker away): about 30 s. */
  public static final int SKIP_AFTER_FAILURE = 5;

  private final EventLoop loop;
  private final Function<Set<TopicPartition>, Future<Map<TopicPartition, Long>>> endOffsets;
  private final Partitions partitions;
  private final AgentMetrics metrics;
  private boolean outstanding;
  private int skip;
  private long timer = -1;

  public LagReporter(
      EventLoop loop,
      Function<Set<TopicPartition>, Future<Map<TopicPartition, Long>>> endOffsets,
      Partitions partitions,
      AgentMetrics metrics) {
    this.loop = loop;
    this.endOffsets = endOffsets;
    this.partitions = partitions;
    this.metrics = metrics;
  }

  public void start() {
    timer =
        loop.setTimer(
            INTERVAL_MS,
            () -> {
              report();
              start();
            });
  }

  public void stop() {
    loop.cancelTimer(timer);
    timer = -1;
  }

  /** One round: asks for the end offsets unless a request is still out or rounds are skipped. */
  public void report() {
    if (outstanding || partitions.size() == 0) {
      return;
    }
    if (skip > 0) {
      skip--;
      return;
    }
    Set<TopicPartition> tps = new HashSet<>();
    partitions.all().forEach(ps -> tps.add(ps.tp()));
    outstanding = true;
    endOffsets
        .apply(tps)
        .onComplete(
            (ends, err) -> {
              outstanding = false;
              if (err != null) {
                skip = SKIP_AFTER_FAILURE;
                return;
              }
              ends.forEach(
                  (tp, end) -> {
                    PartitionState ps = partitions.get(tp);
                    long done = ps == null ? -1 : ps.committable();
                    if (end != null && done >= 0) {
                      metrics.lag(tp.topic(), tp.partition(), Math.max(0, end - done));
                    }
                  });
            });
  }

  /** A partition left: its lag is another member's to report. */
  public void forget(TopicPartition tp) {
    metrics.forgetLag(tp.topic(), tp.partition());
  }
}
