package com.ilert.ilagent.pacing;

/** What a request to ilert is, for the limits that apply to it. */
public enum RequestKind {
  /** An alert event: ilert limits it per integration key and per source IP. */
  EVENT,
  /** A heartbeat ping: limited per heartbeat key and per source IP. */
  PING,
  /** Any other API call (e.g. escalation policies): only the per-source-IP limit applies. */
  OTHER_API
}
