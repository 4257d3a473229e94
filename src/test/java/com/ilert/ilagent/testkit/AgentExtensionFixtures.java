package com.ilert.ilagent.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.ilert.ilagent.ExitCodes;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Tests written against {@link AgentExtension}, some failing on purpose: {@link AgentExtensionIT}
 * runs them through the JUnit engine and checks how they end. The build does not run them itself
 * (the class names do not end in IT or Test). None needs a Kafka broker.
 */
final class AgentExtensionFixtures {
  static final String OWN = "hbmonitorextension001";

  /** The agent the last fixture started. */
  static volatile RunningAgent last;

  /** What {@link ClassScope}'s {@code @BeforeAll} method got. */
  static volatile RunningAgent classAgent;

  static volatile IlertStandIn classIlert;

  private AgentExtensionFixtures() {}

  /** A daemon that needs no broker (it only pings its own heartbeat), started and ready. */
  static RunningAgent heartbeatOnly(TestAgents agents, IlertStandIn ilert) {
    last =
        agents
            .command(
                "-v",
                "-v",
                "daemon",
                "-b",
                OWN,
                "--api_url",
                ilert.apiUrl(),
                "--heartbeat_url",
                ilert.heartbeatUrl())
            .withProbePort()
            .start();
    return last;
  }

  /** A command line the agent rejects: it exits 2 at once. */
  static RunningAgent usageError(TestAgents agents) {
    last = agents.command("daemon", "--bogus").startWithoutWaiting();
    return last;
  }

  @AgentTest
  static class LeftRunning {
    @Test
    void test(TestAgents agents, IlertStandIn ilert) {
      heartbeatOnly(agents, ilert);
    }
  }

  @AgentTest
  static class ExitedWithoutTheTestLooking {
    @Test
    void test(TestAgents agents) {
      usageError(agents).process().awaitExit(Duration.ofSeconds(20));
    }
  }

  @AgentTest
  static class ExitExpected {
    @Test
    void test(TestAgents agents) {
      usageError(agents).expectExit(ExitCodes.USAGE);
    }
  }

  @AgentTest
  static class ExitOtherThanExpected {
    @Test
    void test(TestAgents agents) {
      usageError(agents).expectExit(ExitCodes.FAILURE);
    }
  }

  @AgentTest
  static class Failing {
    @Test
    void test(TestAgents agents, IlertStandIn ilert) {
      heartbeatOnly(agents, ilert);
      throw new AssertionError("the scenario failed");
    }
  }

  @AgentTest
  static class ClassScope {
    @BeforeAll
    static void start(TestAgents agents, IlertStandIn ilert) {
      classIlert = ilert;
      classAgent = heartbeatOnly(agents, ilert);
    }

    @Test
    void first(IlertStandIn ilert) {
      assertThat(ilert).isSameAs(classIlert);
      assertThat(classAgent.isAlive()).isTrue();
    }

    @Test
    void second(TestAgents agents) {
      assertThat(agents.ilert()).isSameAs(classIlert);
      assertThat(classAgent.isAlive()).isTrue();
    }
  }
}
