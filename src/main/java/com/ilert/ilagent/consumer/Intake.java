package com.ilert.ilagent.consumer;

import com.ilert.ilagent.config.AgentConfig;
import com.ilert.ilagent.config.Ordering;
import com.ilert.ilagent.delivery.Dispatcher;
import com.ilert.ilagent.delivery.PingCoalescing;
import com.ilert.ilagent.mapping.ApiEvent;
import com.ilert.ilagent.mapping.EventMapper;
import com.ilert.ilagent.mapping.HeartbeatMapper;
import com.ilert.ilagent.mapping.MappingResult;
import com.ilert.ilagent.mapping.PolicyMapper;
import com.ilert.ilagent.mapping.RecordHeader;
import com.ilert.ilagent.metrics.AgentMetrics;
import com.ilert.ilagent.offsets.PartitionState;
import com.ilert.ilagent.offsets.Partitions;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes a polled batch in: tracks each record's offset, maps it (event, ping, policy update or a
 * reason to skip), gives it an ordering key and hands it to the dispatcher (pings through {@link
 * PingCoalescing}); then pauses partitions that hold too much. Records of partitions no longer
 * assigned, or arriving while the agent stops, are left alone (uncommitted, for the next owner or
 * start). Runs on one event loop.
 */
final class Intake {
  private static final Logger LOG = LoggerFactory.getLogger(Intake.class);

  private final AgentConfig config;
  private final EventMapper eventMapper;
  private final HeartbeatMapper heartbeatMapper = new HeartbeatMapper();
  private final Set<String> heartbeatTopics;
  private final String policyTopic;
  private final PolicyMapper policyMapper;
  private final Partitions partitions;
  private final Dispatcher<RecordWork> dispatcher;
  private final PingCoalescing<RecordWork> pings;
  private final Outcomes outcomes;
  private final AgentMetrics metrics;
  private final boolean keepRecords;

  /**
   * @param keepRecords whether records are kept for a dead letter (a dead-letter topic is set)
   */
  Intake(
      AgentConfig config,
      Partitions partitions,
      Dispatcher<RecordWork> dispatcher,
      PingCoalescing<RecordWork> pings,
      Outcomes outcomes,
      AgentMetrics metrics,
      boolean keepRecords) {
    this.config = config;
    this.eventMapper = new EventMapper(config.mapping());
    this.heartbeatTopics = new HashSet<>(config.kafka().heartbeatTopics());
    this.policyTopic = config.policy() == null ? null : config.policy().topic();
    this.policyMapper = config.policy() == null ? null : new PolicyMapper(config.policy().rules());
    this.partitions = partitions;
    this.dispatcher = dispatcher;
    this.pings = pings;
    this.outcomes = outcomes;
    this.metrics = metrics;
    this.keepRecords = keepRecords;
  }

  /**
   * A polled batch: its records, then the positions that moved past offsets without a record
   * (transaction markers, aborted records) or back (a truncated log), as read after that poll.
   */
  void accept(ConsumerRecords<byte[], byte[]> records, Map<TopicPartition, Long> positions) {
    accept(records);
    positions.forEach(this::moved);
  }

  /**
   * The position of {@code tp} is {@code position}, after every record below it was taken in: ahead
   * of the last record, the offsets between hold none (commit past them); behind it, the log was
   * truncated.
   */
  private void moved(TopicPartition tp, long position) {
    PartitionState ps = partitions.get(tp);
    if (ps == null || ps.leaving() || !ps.startKnown()) {
      return;
    }
    long next = ps.lastAdded() + 1;
    if (position < next) {
      rewind(ps, position);
      outcomes.advanced(ps);
    } else if (position > next && ps.skipTo(position)) {
      outcomes.advanced(ps);
    }
  }

  /**
   * A batch that arrives while the agent stops: nothing is taken in, but a position that moved back
   * is still a truncated log, and the final commit must not list offsets that now hold other
   * records.
   */
  void observe(ConsumerRecords<byte[], byte[]> records, Map<TopicPartition, Long> positions) {
    for (TopicPartition tp : records.partitions()) {
      PartitionState ps = partitions.get(tp);
      long first = records.records(tp).get(0).offset();
      if (ps != null && !ps.leaving() && ps.startKnown() && first <= ps.lastAdded()) {
        rewind(ps, first);
        outcomes.advanced(ps);
      }
    }
    positions.forEach(
        (tp, position) -> {
          PartitionState ps = partitions.get(tp);
          if (ps != null && !ps.leaving() && ps.startKnown() && position <= ps.lastAdded()) {
            rewind(ps, position);
            outcomes.advanced(ps);
          }
        });
  }

  void accept(ConsumerRecords<byte[], byte[]> records) {
    List<PartitionState> touched = new ArrayList<>();
    for (TopicPartition tp : records.partitions()) {
      PartitionState ps = partitions.get(tp);
      if (ps == null || ps.leaving()) {
        continue; // not ours any more: left uncommitted for the next owner
      }
      if (!ps.startKnown()) {
        ps.startSeen(records.records(tp).get(0).offset()); // its records tell where it starts
      }
      int taken = 0;
      int done = 0;
      for (ConsumerRecord<byte[], byte[]> record : records.records(tp)) {
        if (record.offset() <= ps.lastAdded()) {
          rewind(ps, record.offset());
        }
        if (ps.add(record.offset(), record.leaderEpoch().orElse(-1))) {
          done++; // completed before a restart or hand-over (commit metadata): not sent twice
          continue;
        }
        taken++;
        take(ps, record);
      }
      if (done > 0) {
        metrics.alreadyDone(done);
        LOG.debug(
            "topic={} partition={}: {} records completed before skipped",
            tp.topic(),
            tp.partition(),
            done);
      }
      if (taken + done > 0) {
        metrics.consumed(tp.topic(), taken + done);
        touched.add(ps);
      }
    }
    partitions.pauseIfFull(touched);
    dispatcher.dispatch();
  }

  /**
   * The fetch position moved back inside one assignment (log truncation after an unclean leader
   * election, an offset reset): the records from there on are new records at reused offsets. What
   * was taken at and above it no longer counts; the lower position is committed again.
   */
  private void rewind(PartitionState ps, long from) {
    long last = ps.lastAdded();
    LOG.warn(
        "topic={} partition={}: fetch position moved back from {} to {} (log truncated?); tracking again from {}",
        ps.topic(),
        ps.partition(),
        last + 1,
        from,
        from);
    int before = ps.epoch();
    ps.rewind(from);
    Predicate<RecordWork> stale = w -> w.partition == ps && w.epoch <= before && w.offset >= from;
    dispatcher.drop(stale);
    pings.drop(stale);
  }

  private void take(PartitionState ps, ConsumerRecord<byte[], byte[]> record) {
    String topic = record.topic();
    boolean policy = policyMapper != null && topic.equals(policyTopic);
    MappingResult result;
    if (heartbeatTopics.contains(topic)) {
      result = heartbeatMapper.map(record.value());
    } else if (policy) {
      result = policyMapper.map(record.value());
    } else if (apiMarker(record) != null) {
      // Queued by the HTTP API: sent as it is, without the Kafka mapping.
      result = ApiEvent.fromRecord(apiMarker(record).value(), record.value());
    } else {
      result =
          eventMapper.map(
              topic,
              record.partition(),
              record.offset(),
              record.key(),
              record.value(),
              headers(record));
    }
    if (result instanceof MappingResult.Skip skip) {
      outcomes.skipped(ps, record, skip, policy);
      return;
    }
    int bytes = record.value() == null ? 0 : record.value().length;
    RecordWork work =
        new RecordWork(
            ps,
            record.offset(),
            result,
            orderingKey(ps, record, result),
            bytes,
            keepRecords ? record : null);
    partitions.hold(ps, bytes);
    if (work.heartbeat()) {
      pings.take(work);
    } else {
      dispatcher.submit(work);
    }
  }

  private static Header apiMarker(ConsumerRecord<byte[], byte[]> record) {
    return record.headers().lastHeader(ApiEvent.MARKER_HEADER);
  }

  private List<RecordHeader> headers(ConsumerRecord<byte[], byte[]> record) {
    if (!config.mapping().forwardHeaders()) {
      return List.of();
    }
    List<RecordHeader> headers = new ArrayList<>();
    for (Header h : record.headers()) {
      headers.add(new RecordHeader(h.key(), h.value()));
    }
    return headers;
  }

  private Object orderingKey(
      PartitionState ps, ConsumerRecord<byte[], byte[]> record, MappingResult result) {
    Ordering ordering = config.delivery().ordering();
    if (ordering == Ordering.PARTITION || result instanceof MappingResult.PolicyUpdate) {
      // Policy updates of a partition go one at a time, in offset order: which policy a routing
      // key names is known only once resolved, so any two may concern the same level.
      return ps.tp();
    }
    if (ordering == Ordering.KEY) {
      // ISO-8859-1 maps every byte to one char: a lossless, cheap key. A null key is its own lane.
      String key =
          record.key() == null
              ? "\u0000"
              : "k" + new String(record.key(), StandardCharsets.ISO_8859_1);
      return ps.tp().toString() + '\u0000' + key;
    }
    if (result instanceof MappingResult.Event event && event.alertKey() != null) {
      return event.integrationKey() + '\u0000' + event.alertKey();
    }
    if (result instanceof MappingResult.GenericEvent event && event.alertKey() != null) {
      return event.integrationKey() + '\u0000' + event.alertKey(); // one lane with the above
    }
    return null;
  }
}
