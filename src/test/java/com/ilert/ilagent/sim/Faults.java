package com.ilert.ilagent.sim;

import java.util.Map;
import java.util.TreeMap;

/**
 * The faults the world has switched on right now, and how often each kind fired in this run (a
 * model that never fires proves nothing: the summary counts the schedules each one hit).
 */
final class Faults {
  /** How the broker answers commits. */
  enum Commits {
    NORMAL,
    /** Answers after up to 3 s. */
    SLOW,
    /** Answers with a retriable error, nothing committed. */
    FAILING,
    /** commitAsync throws before it registers the callback (an authentication error). */
    THROWING,
    /** The commit is applied but its answer is lost (the callback sees a timeout). */
    LOST_ANSWER,
    /**
     * The group refuses the member for good (not authorized): every later commit of that member is
     * refused too, and the agent must exit non-zero.
     */
    FATAL
  }

  /** How ilert answers. */
  enum Ilert {
    HEALTHY,
    /** 503s and refused connections. */
    OUTAGE,
    /** 429 with and without Retry-After, extreme values included. */
    RATE_LIMITED,
    /** Answers that trickle past the request timeout. */
    SLOW,
    /** A mix of all of it. */
    FLAKY
  }

  Commits commits = Commits.NORMAL;
  Ilert ilert = Ilert.HEALTHY;

  /** While {@link Ilert#RATE_LIMITED}: each key may send this many requests per window. */
  int allowance = 10;

  long windowMs = 5_000;
  boolean deadLettersFailing;

  /** How often each fault fired in this run, by name. */
  final Map<String, Long> hits = new TreeMap<>();

  void hit(String fault) {
    hits.merge(fault, 1L, Long::sum);
  }

  void calm() {
    commits = Commits.NORMAL;
    ilert = Ilert.HEALTHY;
    deadLettersFailing = false;
  }
}
