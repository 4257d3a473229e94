package com.ilert.ilagent.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.junit.jupiter.api.Test;

/**
 * Kafka remembers one wakeup until some blocking call sees it, whichever call that is. The agent
 * wakes a poll under way for a hurried commit; a second wakeup that comes between Kafka's throw and
 * the agent's bookkeeping must not reach the rebalance bridge's commit (during an eager revoke it
 * would escape the callback: the revoked partitions' offsets would not be committed and the kept
 * ones would never get their assignment callback).
 */
class WakeupTest {
  private static final TopicPartition TP = new TopicPartition("events", 0);

  /** A client whose wakeup flag is Kafka's: one bit, seen by the next blocking call. */
  private static final class OneBitWakeups extends MockConsumer<byte[], byte[]> {
    final List<Map<TopicPartition, OffsetAndMetadata>> commits = new ArrayList<>();
    Runnable insideRevoke = () -> {};
    Runnable betweenThrowAndBookkeeping = () -> {};
    private boolean wakeup;

    OneBitWakeups() {
      super(OffsetResetStrategy.EARLIEST);
    }

    @Override
    public synchronized void wakeup() {
      wakeup = true;
    }

    private void maybeThrow() {
      if (wakeup) {
        wakeup = false;
        Runnable race = betweenThrowAndBookkeeping;
        betweenThrowAndBookkeeping = () -> {};
        race.run();
        throw new WakeupException();
      }
    }

    @Override
    public synchronized ConsumerRecords<byte[], byte[]> poll(Duration timeout) {
      insideRevoke.run(); // the poll's rebalance: the bridge's callback runs in here
      return ConsumerRecords.empty();
    }

    @Override
    public synchronized void commitSync(
        Map<TopicPartition, OffsetAndMetadata> offsets, Duration timeout) {
      maybeThrow();
      commits.add(Map.copyOf(offsets));
    }
  }

  @Test
  void aSecondWakeupBetweenKafkasThrowAndTheBookkeepingDoesNotReachTheBridgesCommit() {
    OneBitWakeups kafka = new OneBitWakeups();
    kafka.assign(Set.of(TP));
    ManagedConsumer consumer = new ManagedConsumer(kafka, () -> 0);
    Map<TopicPartition, OffsetAndMetadata> revoked = Map.of(TP, new OffsetAndMetadata(42));
    Throwable[] escaped = new Throwable[1];
    kafka.insideRevoke =
        () -> {
          consumer.wakeUp(); // a hurried commit wakes the poll under way
          kafka.betweenThrowAndBookkeeping = consumer::wakeUp; // and another one, just then
          try {
            consumer.commitSync(revoked, Duration.ofSeconds(1)); // the bridge's revoke commit
          } catch (RuntimeException e) {
            escaped[0] = e;
          }
        };

    assertThatCode(() -> consumer.poll(Duration.ofMillis(50), () -> false))
        .doesNotThrowAnyException();

    assertThat(escaped[0]).as("a wakeup meant for the poll reached the bridge's commit").isNull();
    assertThat(kafka.commits).as("the revoked partition's offset was committed").contains(revoked);
  }
}
