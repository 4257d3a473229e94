package com.ilert.ilagent;

import com.ilert.ilagent.config.AgentConfig;

/** Runs the daemon until shutdown and returns the process exit code. */
public final class Agent {
  private Agent() {}

  /** Blocks the calling (main) thread until the agent has stopped; returns 0, or 1 on delivery failure. */
  public static int run(AgentConfig config) {
    throw new UnsupportedOperationException("not yet");
  }
}
