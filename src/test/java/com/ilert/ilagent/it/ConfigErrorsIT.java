package com.ilert.ilagent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.ilert.ilagent.ExitCodes;
import com.ilert.ilagent.testkit.AgentTest;
import com.ilert.ilagent.testkit.RunningAgent;
import com.ilert.ilagent.testkit.TestAgents;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Configuration mistakes, as the built jar reports them: one line naming the option, exit 2. */
@AgentTest
class ConfigErrorsIT {

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "daemon -e t                                          | --event_topic: needs --kafka_brokers",
        "-v daemon -p 8977                                    | nothing to run",
        "daemon --kafka_brokers localhost:9092 --policy_topic p --policy_routing_keys a | needs an ilert API token in the environment variable ILERT_API_KEY",
        "-v -v daemon --kafka_brokers localhost:9092 -e t --proxy socks5://u:pw@h:1 | --proxy: SOCKS proxies are not supported",
        "daemon --kafka_brokers localhost:9092                | no topic to consume",
        "daemon --kafka_brokers localhost:9092 -e t --max_in_flight abc | --max_in_flight",
        "daemon --kafka_brokers localhost:9092 -e t --ordering random   | --ordering",
        "daemon --kafka_brokers localhost:9092 -e t --bogus             | --bogus",
        "daemon --kafka_brokers localhost:9092 -e t --config /nonexistent/ilagent.json | /nonexistent/ilagent.json",
      })
  void badConfigurationExitsTwoWithOneLine(String command, String expected, TestAgents agents) {
    RunningAgent agent = agents.command(command.trim().split("\\s+")).startWithoutWaiting();
    assertThat(agent.awaitExit(Duration.ofSeconds(20))).as("exit code").isEqualTo(ExitCodes.USAGE);
    String log = agent.log();
    assertThat(log).contains(expected.trim()).doesNotContain("Exception", "\tat ");
    assertThat(log.lines().filter(l -> !l.isBlank()).count())
        .as("lines printed: %s", log)
        .isLessThanOrEqualTo(2);
  }
}
