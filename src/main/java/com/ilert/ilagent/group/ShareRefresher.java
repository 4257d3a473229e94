package com.ilert.ilagent.group;

import com.ilert.ilagent.pacing.Pacer;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the pacer this agent's part of its group's limits ({@link GroupShare}) after every change
 * of its assignment: reads the assignment and the consumed topics' partition counts (the consumer's
 * metadata, no extra connection), one refresh at a time. An empty assignment (the moment of an
 * eager rebalance between revoke and assign) changes nothing. Runs on the consumer's event loop, as
 * the pacer does.
 */
public final class ShareRefresher {
  private static final Logger LOG = LoggerFactory.getLogger(ShareRefresher.class);

  private final GroupShare.Topics topics;
  private final int ipMembers;
  private final Pacer pacer;
  private final Supplier<Future<Set<TopicPartition>>> assignment;
  private final Function<String, Future<Integer>> partitionCount;
  private final LongSupplier clock;
  private final Map<String, Integer> counts = new HashMap<>();
  private boolean running;
  private boolean again;

  /**
   * @param assignment the consumer's current assignment
   * @param partitionCount a topic's partition count (from the consumer's metadata)
   * @param clock epoch ms
   */
  public ShareRefresher(
      GroupShare.Topics topics,
      int ipMembers,
      Pacer pacer,
      Supplier<Future<Set<TopicPartition>>> assignment,
      Function<String, Future<Integer>> partitionCount,
      LongSupplier clock) {
    this.topics = topics;
    this.ipMembers = ipMembers;
    this.pacer = pacer;
    this.assignment = assignment;
    this.partitionCount = partitionCount;
    this.clock = clock;
  }

  /** The assignment may have changed: the share is read again (once more if one is under way). */
  public void refresh() {
    if (running) {
      again = true;
      return;
    }
    running = true;
    again = false;
    pacer.shareUnknown(true);
    assignment
        .get()
        .compose(this::withCounts)
        .onComplete(
            (share, err) -> {
              running = false;
              pacer.shareUnknown(false);
              if (err != null) {
                LOG.debug("Could not read the assignment for the group's rate limits: {}", err);
              } else if (share != null && !share.equals(pacer.share())) {
                pacer.share(share, clock.getAsLong());
                LOG.info(
                    share.equals(Pacer.Share.ALONE)
                        ? "Rate limits: this agent consumes every partition of its group, it takes"
                            + " the whole of each limit"
                        : "Rate limits shared with the consumer group: this agent's part of the"
                            + " events' per-key limits {} partitions, of the pings' {}, of the"
                            + " per-IP limit {}",
                    share.events(),
                    share.pings(),
                    share.ip());
              }
              if (again) {
                refresh();
              }
            });
  }

  private Future<Pacer.Share> withCounts(Set<TopicPartition> assigned) {
    if (assigned.isEmpty()) {
      return Future.succeededFuture(null);
    }
    Map<String, Set<Integer>> owned = new HashMap<>();
    for (TopicPartition tp : assigned) {
      owned.computeIfAbsent(tp.topic(), t -> new HashSet<>()).add(tp.partition());
    }
    List<Future<?>> asks = new ArrayList<>();
    for (String topic : topics.all()) {
      Set<Integer> ours = owned.getOrDefault(topic, Set.of());
      int known = counts.getOrDefault(topic, 0);
      if (known == 0 || ours.stream().anyMatch(p -> p >= known)) {
        // Partitions are only ever added to a topic: asked again when ours outnumber the count.
        asks.add(partitionCount.apply(topic).onSuccess(n -> counts.put(topic, n)));
      }
    }
    return Future.all(asks).map(v -> GroupShare.of(topics, counts, owned, ipMembers));
  }
}
