package com.ilert.ilagent.config;

/**
 * How long stopping may take: a clean stop (SIGTERM/SIGINT) drains for up to {@code timeoutMs};
 * after a delivery failure the agent exits {@code exitDelayMs} after the failure, whatever drained.
 *
 * @param exitDelayMs wait before exiting 1 after a delivery failure (--exit_delay_ms)
 * @param timeoutMs bound on finishing in-flight deliveries at a clean stop (--shutdown_timeout_ms)
 */
public record ShutdownConfig(long exitDelayMs, long timeoutMs) {

  /** The longer of the two bounds: the most a stop of either kind drains for. */
  public long longestMs() {
    return Math.max(timeoutMs, exitDelayMs);
  }
}
