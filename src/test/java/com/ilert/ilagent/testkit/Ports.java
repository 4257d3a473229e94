package com.ilert.ilagent.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.Random;

/** Free TCP ports for the agent's HTTP server in tests, the demo and the benchmark. */
public final class Ports {
  private static final Random RANDOM = new Random();

  private Ports() {}

  /**
   * A port that is free now, chosen below Linux's ephemeral range (32768-60999): the agent binds it
   * a second later, and in between the Kafka clients' outgoing connections take ephemeral ports.
   */
  public static int freePort() {
    for (int i = 0; i < 100; i++) {
      int port = 20_000 + RANDOM.nextInt(12_000);
      try (ServerSocket s = new ServerSocket(port)) {
        return s.getLocalPort();
      } catch (IOException taken) {
        // try another
      }
    }
    throw new UncheckedIOException(new IOException("no free port in 20000-32000"));
  }
}
