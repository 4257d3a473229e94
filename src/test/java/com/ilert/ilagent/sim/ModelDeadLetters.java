package com.ilert.ilagent.sim;

import com.ilert.ilagent.ilert.IlertAnswer;
import com.ilert.ilagent.kafka.DeadLetterSink;
import com.ilert.ilagent.sim.Ledger.Rec;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** The dead-letter topic: written after a few ms, or not at all while its fault is on. */
final class ModelDeadLetters implements DeadLetterSink {
  private final Scheduler s;
  private final Cluster cluster;
  private final Ledger ledger;
  private final Faults faults;
  private final SimLoop loop;

  ModelDeadLetters(Scheduler s, Cluster cluster, Ledger ledger, Faults faults, SimLoop loop) {
    this.s = s;
    this.cluster = cluster;
    this.ledger = ledger;
    this.faults = faults;
    this.loop = loop;
  }

  @Override
  public String topic() {
    return "dead-letters";
  }

  @Override
  public Future<Void> send(
      ConsumerRecord<byte[], byte[]> record, String reason, String detail, IlertAnswer answer) {
    Promise<Void> written = Promise.promise();
    long delay = 1 + s.random.nextInt(50);
    if (faults.deadLettersFailing) {
      faults.hit("dead-letter-fails");
      loop.setTimer(delay, () -> written.tryFail(new IllegalStateException("broker away")));
      return written.future();
    }
    Rec rec = ledger.get(ModelIlert.idIn(record.value() == null ? new byte[0] : record.value()));
    s.after(
        delay - 1,
        () -> {
          if (rec != null) {
            rec.deadLettered = true;
            cluster.touched(rec);
          }
        });
    loop.setTimer(delay, () -> written.tryComplete());
    return written.future();
  }
}
