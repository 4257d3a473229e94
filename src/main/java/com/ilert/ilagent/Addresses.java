package com.ilert.ilagent;

/** Event-bus addresses, in one place. */
public final class Addresses {
  private Addresses() {}

  /** The consumer publishes its state here (a JsonObject, see ConsumerVerticle#state). */
  public static final String CONSUMER_STATE = "ilagent.consumer.state";

  /** Published once when shutdown begins: probes turn 503. */
  public static final String SHUTDOWN = "ilagent.shutdown";

  /** Published by the consumer when a record's retry budget is spent: the agent must exit 1. */
  public static final String DELIVERY_FAILED = "ilagent.delivery.failed";
}
