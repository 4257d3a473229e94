package com.ilert.ilagent.kafka;

import com.ilert.ilagent.loop.EventLoop;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.apache.kafka.common.PartitionInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which subscribed topics the cluster does not have. Topics are not created automatically, so a
 * mistyped topic is otherwise a silent, endless wait: it is named in /ready (which answers 503
 * while any is missing) and in one warning when it goes missing, one line when it appears. Asks the
 * consumer for each topic's partitions, which costs a metadata request only for a topic the client
 * does not know. These calls run on the consumer's one thread, where polls and commits queue behind
 * them: one round at a time, a round ends at the first question that fails (no broker), and the
 * next few rounds are skipped then. Runs on one event loop.
 */
public final class MissingTopics {
  private static final Logger LOG = LoggerFactory.getLogger(MissingTopics.class);

  static final long INTERVAL_MS = 5_000;

  /** Rounds skipped after a question failed: about 30 s. */
  static final int SKIP_AFTER_FAILURE = 5;

  private final EventLoop loop;
  private final List<String> topics;
  private final Function<String, Future<List<PartitionInfo>>> partitionsFor;
  private final Runnable changed;
  private final Set<String> missing = new LinkedHashSet<>();
  private boolean checked;
  private boolean outstanding;
  private int skip;
  private long timer = -1;

  /**
   * @param partitionsFor the partitions of a topic, empty when the cluster does not have it
   * @param changed called when the set of missing topics changed or the first round ended
   */
  public MissingTopics(
      EventLoop loop,
      List<String> topics,
      Function<String, Future<List<PartitionInfo>>> partitionsFor,
      Runnable changed) {
    this.loop = loop;
    this.topics = List.copyOf(topics);
    this.partitionsFor = partitionsFor;
    this.changed = changed;
  }

  /** Checks now, then every {@link #INTERVAL_MS} (a topic may be deleted or created later). */
  public void start() {
    check();
    next();
  }

  private void next() {
    timer =
        loop.setTimer(
            INTERVAL_MS,
            () -> {
              check();
              next();
            });
  }

  public void stop() {
    loop.cancelTimer(timer);
    timer = -1;
  }

  /** Whether a first round has answered and every topic exists. */
  public boolean allPresent() {
    return checked && missing.isEmpty();
  }

  /** The topics found missing, in subscription order. */
  List<String> missing() {
    return Collections.unmodifiableList(new ArrayList<>(missing));
  }

  public JsonArray json() {
    return new JsonArray(missing());
  }

  /**
   * One round, topic after topic. When a question fails (no broker, not authorized: the consumer
   * reports those itself) the round ends there, and the topics keep their last verdict.
   */
  void check() {
    if (outstanding) {
      return;
    }
    if (skip > 0) {
      skip--;
      return;
    }
    outstanding = true;
    Future<Void> round = Future.succeededFuture();
    for (String topic : topics) {
      round =
          round.compose(
              v ->
                  partitionsFor
                      .apply(topic)
                      .map(
                          partitions -> {
                            verdict(topic, partitions == null || partitions.isEmpty());
                            return null;
                          }));
    }
    round.onComplete(
        (v, err) -> {
          outstanding = false;
          if (err != null) {
            skip = SKIP_AFTER_FAILURE;
          }
          if (!checked) {
            checked = true;
            changed.run();
          }
        });
  }

  private void verdict(String topic, boolean absent) {
    if (absent && missing.add(topic)) {
      LOG.warn(
          "Topic \"{}\" does not exist: nothing is read from it until it is created (the agent"
              + " does not create topics); /ready answers 503 meanwhile",
          topic);
      changed.run();
    } else if (!absent && missing.remove(topic)) {
      LOG.info("Topic \"{}\" exists now", topic);
      changed.run();
    }
  }
}
