package com.ilert.ilagent.consumer;

/**
 * Where the consumer is in its life, as one state: starting, running, draining after a stop signal
 * or failing after a delivery failure, then stopped. Only a running consumer takes new records;
 * draining and failing ones finish what they started, within a bound.
 */
final class Phase {
  enum State {
    STARTING,
    RUNNING,
    DRAINING,
    FAILING,
    STOPPED
  }

  private State state = State.STARTING;
  private boolean failed;

  State state() {
    return state;
  }

  void running() {
    if (state == State.STARTING) {
      state = State.RUNNING;
    }
  }

  /** A stop signal: finish what was started. False if already stopping. */
  boolean drain() {
    if (state == State.DRAINING || state == State.FAILING || state == State.STOPPED) {
      return false;
    }
    state = State.DRAINING;
    return true;
  }

  /** A record cannot be finished: the agent exits 1. False if it was failing already. */
  boolean fail() {
    if (failed) {
      return false;
    }
    failed = true;
    if (state != State.STOPPED) {
      state = State.FAILING;
    }
    return true;
  }

  /** The drain's bound passed or it finished: nothing starts any more. */
  void stopped() {
    state = State.STOPPED;
  }

  boolean takesRecords() {
    return state == State.RUNNING;
  }

  boolean stopping() {
    return state == State.DRAINING || state == State.FAILING || state == State.STOPPED;
  }

  boolean failed() {
    return failed;
  }
}
