package com.ilert.ilagent.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import com.ilert.ilagent.testkit.AgentProcess;
import com.ilert.ilagent.testkit.Fault;
import com.ilert.ilagent.testkit.KafkaBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A backlog of 1,000,000 records while ilert is down: the agent pauses its partitions, so its
 * memory stays bounded (RSS from /proc, live heap after a full GC from jcmd); when ilert is back it
 * drains the whole backlog. Full suite only: producing and draining a million records takes
 * minutes.
 */
@Tag("chaos-full")
class BacklogChaosIT {
  private static final int EVENTS = Integer.getInteger("chaos.backlog.records", 1_000_000);

  /** -Xmx256m (AgentProcess) plus metaspace, code cache, thread stacks and direct buffers. */
  private static final long MAX_RSS_KB = 450 * 1024;

  private static final long MAX_LIVE_HEAP_KB = 96 * 1024;

  @Test
  void millionRecordBacklogWhileIlertIsDownStaysBoundedAndDrains() {
    try (Scenario s = new Scenario("backlog-1m", KafkaBroker.shared(), 6, EVENTS, 1000)) {
      s.ilert.keepRecordings(false);
      long t0 = System.nanoTime();
      s.produce(0, EVENTS);
      double produceSeconds = (System.nanoTime() - t0) / 1e9;
      s.ilert.fault(Fault.status(503));
      AgentProcess agent = s.startAgentV("1", "-v", "--retry_max_ms", "1800000");
      // ilert down: the agent fetches until every partition is paused, then holds still.
      List<ProcessStats> down = new ArrayList<>();
      long until = System.nanoTime() + Duration.ofSeconds(40).toNanos();
      s.await(
          "40 s of samples while ilert is down",
          Duration.ofSeconds(60),
          () -> {
            down.add(ProcessStats.proc(agent.pid()));
            return System.nanoTime() > until;
          });
      ProcessStats live = ProcessStats.withLiveHeap(agent.pid());
      long maxRss = down.stream().mapToLong(ProcessStats::rssKb).max().orElse(-1);
      assertThat(s.ledger.distinct()).as("nothing accepted while ilert is down").isZero();
      assertThat(agent.isAlive()).isTrue();

      s.ilert.clearFaults();
      long drainStart = System.nanoTime();
      List<ProcessStats> draining = new ArrayList<>();
      s.await(
          "the backlog drained",
          Duration.ofMinutes(25),
          () -> {
            draining.add(ProcessStats.proc(agent.pid()));
            return s.ledger.all();
          });
      double drainSeconds = (System.nanoTime() - drainStart) / 1e9;
      ProcessStats afterDrain = ProcessStats.withLiveHeap(agent.pid());
      s.awaitAll(Duration.ofSeconds(60));
      s.stopAgents();
      long maxRssDraining = draining.stream().mapToLong(ProcessStats::rssKb).max().orElse(-1);
      s.verdict(
          String.format(
              "produce=%.0fs down_max_rss=%dMiB down_live_heap=%dMiB drain=%.0fs (%.0f/s) drain_max_rss=%dMiB after_live_heap=%dMiB",
              produceSeconds,
              maxRss / 1024,
              live.liveHeapKb() / 1024,
              drainSeconds,
              EVENTS / drainSeconds,
              maxRssDraining / 1024,
              afterDrain.liveHeapKb() / 1024));
      assertThat(maxRss).as("RSS while ilert is down (KiB)").isLessThan(MAX_RSS_KB);
      assertThat(maxRssDraining).as("RSS while draining (KiB)").isLessThan(MAX_RSS_KB);
      assertThat(live.liveHeapKb())
          .as("live heap with a paused backlog (KiB)")
          .isBetween(1L, MAX_LIVE_HEAP_KB);
    }
  }
}
