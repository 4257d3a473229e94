package com.ilert.ilagent.delivery;

import com.ilert.ilagent.logging.RecordRef;
import com.ilert.ilagent.mapping.MappingResult;
import com.ilert.ilagent.pacing.Pacer;
import com.ilert.ilagent.pacing.RequestKind;
import com.ilert.ilagent.redaction.Redaction;

/**
 * One request's worth of work on its way to ilert, from hand-over until it is done, given up or
 * abandoned: what is sent and the state of its attempts. Where it came from (a Kafka record of an
 * assigned partition) is the subclass's: the dispatcher only asks whether that still counts.
 */
public abstract class Work {
  /** What 429s of escalation-policy requests back off: they share the one API token. */
  static final String POLICY_GATE = "ilert API";

  private final MappingResult result;
  private final Object orderingKey;

  /** Attempts started so far. */
  public int attempts;

  /** When the first attempt started ({@link com.ilert.ilagent.loop.EventLoop#nowMs()}), or 0. */
  long firstAttemptMs;

  /** The retry timer while waiting for the next attempt, or -1. */
  long retryTimer = -1;

  /** Since when the pacer holds it back, or -1. */
  long heldSince = -1;

  /** The pacer's record of the attempt on the wire. */
  Pacer.Sent paced;

  /**
   * @param orderingKey the lane it waits in (records of one key go one after another); null for
   *     none
   */
  protected Work(MappingResult result, Object orderingKey) {
    this.result = result;
    this.orderingKey = orderingKey;
  }

  /** Whether its outcome no longer counts (its source was revoked or rewound over it). */
  public abstract boolean stale();

  /** Whether its source is on its way elsewhere: a failed attempt is not retried. */
  protected abstract boolean leaving();

  /** An attempt went on the wire. */
  protected abstract void attemptStarted();

  /** An attempt's request ended, answered or not. */
  protected abstract void attemptEnded();

  /** Names it in log lines. Built only when something is logged. */
  public abstract RecordRef where();

  public MappingResult result() {
    return result;
  }

  Object orderingKey() {
    return orderingKey;
  }

  /** Attempts started so far. */
  public int attempts() {
    return attempts;
  }

  public boolean heartbeat() {
    return result instanceof MappingResult.Heartbeat;
  }

  public boolean policy() {
    return result instanceof MappingResult.PolicyUpdate;
  }

  /** The integration (or heartbeat) key the request is for: what a 429 backs off. */
  public String key() {
    if (result instanceof MappingResult.Event e) {
      return e.integrationKey();
    }
    if (result instanceof MappingResult.GenericEvent e) {
      return e.integrationKey();
    }
    return result instanceof MappingResult.Heartbeat h ? h.integrationKey() : POLICY_GATE;
  }

  /** Which of ilert's limits the request counts against. */
  RequestKind requestKind() {
    if (result instanceof MappingResult.Event || result instanceof MappingResult.GenericEvent) {
      return RequestKind.EVENT;
    }
    return heartbeat() ? RequestKind.PING : RequestKind.OTHER_API;
  }

  /**
   * The key the pacer limits it by; null for API calls, which only the process-wide limit covers.
   */
  String pacedKey() {
    return policy() ? null : key();
  }

  /** What is sent, for a log line; keys masked. */
  public String what() {
    if (result instanceof MappingResult.PolicyUpdate u) {
      return "policy update (routing key "
          + u.routingKey()
          + ", level "
          + u.level()
          + ", user "
          + Redaction.email(u.email())
          + ")";
    }
    return (heartbeat() ? "ping for key " : "event for key ") + Redaction.key(key());
  }
}
