package com.ilert.ilagent.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How one agent of a test is started: {@link TestAgents#daemon} fills in the common daemon
 * arguments, {@link TestAgents#command} none; what a scenario needs beyond them is said here, then
 * {@link #start()} or {@link #startWithoutWaiting()}.
 */
public final class AgentLaunch {
  /** How long {@link #start()} waits for /ready by default. */
  static final Duration READY_TIMEOUT = Duration.ofSeconds(45);

  private final TestAgents agents;
  private final boolean daemon;
  private final List<String> args = new ArrayList<>();
  private final List<String> jvmOptions = new ArrayList<>();
  private final Map<String, String> env = new HashMap<>();
  private String label;
  private String brokers;
  private String group;
  private boolean offsetResetEarliest = true;
  private String apiUrl;
  private String heartbeatUrl;
  private boolean probePort;
  private Duration readyTimeout = READY_TIMEOUT;

  AgentLaunch(TestAgents agents, boolean daemon, List<String> args) {
    this.agents = agents;
    this.daemon = daemon;
    this.probePort = daemon;
    this.args.addAll(args);
  }

  /** Ends the log file's name, e.g. "first" and "restarted" for two agents of one test. */
  public AgentLaunch name(String label) {
    this.label = label;
    return this;
  }

  /** More arguments, after those given so far. */
  public AgentLaunch args(String... more) {
    args.addAll(Arrays.asList(more));
    return this;
  }

  public AgentLaunch args(List<String> more) {
    args.addAll(more);
    return this;
  }

  /** An environment variable of the agent's process; null removes one the test JVM has. */
  public AgentLaunch env(String name, String value) {
    env.put(name, value);
    return this;
  }

  public AgentLaunch env(Map<String, String> variables) {
    env.putAll(variables);
    return this;
  }

  /** JVM options before {@code -jar}, as an operator gives them in JAVA_OPTS. */
  public AgentLaunch jvmOptions(List<String> options) {
    jvmOptions.addAll(options);
    return this;
  }

  public AgentLaunch jvmOptions(String... options) {
    return jvmOptions(Arrays.asList(options));
  }

  /** Bootstrap servers other than the shared broker's (another broker, a listener, a dead port). */
  public AgentLaunch brokers(String bootstrapServers) {
    this.brokers = bootstrapServers;
    return this;
  }

  /** A consumer group other than the test's own, e.g. one another member already uses. */
  public AgentLaunch group(String groupId) {
    this.group = groupId;
    return this;
  }

  /** Leaves out {@code --kafka_offset_reset earliest}: the agent's default, 'latest', applies. */
  public AgentLaunch defaultOffsetReset() {
    this.offsetResetEarliest = false;
    return this;
  }

  /** The URLs of another ilert (e.g. a stand-in with TLS, or one only a proxy resolves). */
  public AgentLaunch ilertUrls(String api, String heartbeat) {
    this.apiUrl = api;
    this.heartbeatUrl = heartbeat;
    return this;
  }

  /** No {@code -p}: the agent serves no probes (and {@link #start()} cannot wait for /ready). */
  public AgentLaunch withoutProbePort() {
    this.probePort = false;
    return this;
  }

  /** A free {@code -p} port after the arguments, for a hand-written {@link TestAgents#command}. */
  public AgentLaunch withProbePort() {
    this.probePort = true;
    return this;
  }

  /** How long {@link #start()} waits for /ready (default 45 s). */
  public AgentLaunch readyWithin(Duration timeout) {
    this.readyTimeout = timeout;
    return this;
  }

  /** Starts the agent and waits until /ready answers 204; fails with its log if it does not. */
  public RunningAgent start() {
    if (!probePort) {
      throw new IllegalStateException(
          "start() waits for /ready, which needs a probe port; use startWithoutWaiting()");
    }
    RunningAgent agent = startWithoutWaiting();
    agent.awaitStatus("/ready", 204, readyTimeout);
    return agent;
  }

  /** Starts the agent and returns at once (to see it unready, or a command that just exits). */
  public RunningAgent startWithoutWaiting() {
    List<String> command = new ArrayList<>();
    if (daemon) {
      command.addAll(List.of("daemon", "-v", "-v"));
      command.addAll(
          List.of(
              "--kafka_brokers", brokers != null ? brokers : agents.kafka().bootstrapServers()));
      command.addAll(List.of("--kafka_group_id", group != null ? group : agents.group()));
      if (offsetResetEarliest) {
        command.addAll(List.of("--kafka_offset_reset", "earliest"));
      }
      command.addAll(List.of("--api_url", apiUrl != null ? apiUrl : agents.ilert().apiUrl()));
      command.addAll(
          List.of(
              "--heartbeat_url",
              heartbeatUrl != null ? heartbeatUrl : agents.ilert().heartbeatUrl()));
    }
    command.addAll(args);
    int port = -1;
    if (probePort) {
      port = Ports.freePort();
      command.addAll(List.of("-p", String.valueOf(port)));
    }
    String name = agents.nextName(label);
    return agents.register(
        new RunningAgent(name, AgentProcess.start(name, jvmOptions, command, env), port));
  }
}
