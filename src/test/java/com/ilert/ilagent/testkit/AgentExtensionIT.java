package com.ilert.ilagent.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import com.ilert.ilagent.ExitCodes;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/**
 * The integration tests lean on {@link AgentExtension} for the exit-code check of every agent and
 * for the logs in a failure; this proves that those checks fail when they should, by running the
 * tests of {@link AgentExtensionFixtures} and looking at how they ended.
 */
class AgentExtensionIT {

  @Test
  void anAgentLeftRunningGetsSigtermAtTheEndAndExitsZero() {
    EngineExecutionResults results = run(AgentExtensionFixtures.LeftRunning.class);
    results.testEvents().assertStatistics(s -> s.succeeded(1).failed(0));
    RunningAgent agent = AgentExtensionFixtures.last;
    assertThat(agent.isAlive()).isFalse();
    assertThat(agent.process().awaitExit(Duration.ZERO))
        .as("exit code: SIGTERM, not SIGKILL")
        .isEqualTo(ExitCodes.OK);
    assertThat(agent.log()).contains("Shutting down");
  }

  @Test
  void anAgentThatEndedWithAnotherCodeFailsTheTestThatDidNotLookAtIt() {
    Throwable failure = onlyFailure(run(AgentExtensionFixtures.ExitedWithoutTheTestLooking.class));
    RunningAgent agent = AgentExtensionFixtures.last;
    assertThat(failure)
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining(agent.name() + " exited with 2 (expected 0")
        .hasMessageContaining(agent.logFile().toString())
        .hasMessageContaining("--bogus");
  }

  @Test
  void anAgentThatEndsByItselfAsTheTestAnnouncedPassesAndOtherwiseFails() {
    run(AgentExtensionFixtures.ExitExpected.class)
        .testEvents()
        .assertStatistics(s -> s.succeeded(1).failed(0));
    assertThat(onlyFailure(run(AgentExtensionFixtures.ExitOtherThanExpected.class)))
        .hasMessageContaining(AgentExtensionFixtures.last.name() + " exited with 2 (expected 1");
  }

  @Test
  void aFailingTestCarriesTheTailOfEachAgentsLogAndItsAgentsAreStillStopped() {
    Throwable failure = onlyFailure(run(AgentExtensionFixtures.Failing.class));
    RunningAgent agent = AgentExtensionFixtures.last;
    assertThat(failure).hasMessage("the scenario failed");
    assertThat(failure.getSuppressed()).hasSize(1);
    assertThat(failure.getSuppressed()[0].getMessage())
        .contains(agent.name() + " (pid " + agent.pid() + ", running)")
        .contains(agent.logFile().toString())
        .contains("No --kafka_brokers: running without a Kafka consumer");
    assertThat(agent.isAlive()).isFalse();
    assertThat(agent.process().awaitExit(Duration.ZERO)).isEqualTo(ExitCodes.OK);
  }

  @Test
  void whatABeforeAllMethodAsksForServesEveryTestOfTheClassAndEndsAfterTheLast() {
    EngineExecutionResults results = run(AgentExtensionFixtures.ClassScope.class);
    results.testEvents().assertStatistics(s -> s.succeeded(2).failed(0));
    results.containerEvents().assertStatistics(s -> s.failed(0));
    assertThat(AgentExtensionFixtures.classAgent.isAlive()).isFalse();
    assertThat(AgentExtensionFixtures.classAgent.process().awaitExit(Duration.ZERO))
        .isEqualTo(ExitCodes.OK);
  }

  @Test
  void namesAreUniquePerTestAndNameTheTest() {
    TestAgents one = new TestAgents(null, "SomeIT-someTest", "someTest");
    TestAgents other = new TestAgents(null, "SomeIT-someTest", "someTest");
    assertThat(one.topic()).startsWith("someTest-").isNotEqualTo(other.topic());
    assertThat(one.topic("dlq")).startsWith("someTest-dlq-").isNotEqualTo(one.topic());
    assertThat(one.group()).contains("someTest").isNotEqualTo(other.group());
    assertThat(one.topic()).matches("[A-Za-z0-9._-]+"); // a legal Kafka topic name
  }

  private static EngineExecutionResults run(Class<?> fixture) {
    AgentExtensionFixtures.last = null;
    return EngineTestKit.engine("junit-jupiter").selectors(selectClass(fixture)).execute();
  }

  private static Throwable onlyFailure(EngineExecutionResults results) {
    List<Event> failed = results.testEvents().failed().list();
    assertThat(failed).hasSize(1);
    return failed.get(0).getRequiredPayload(TestExecutionResult.class).getThrowable().orElseThrow();
  }
}
