package com.ilert.ilagent.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The agents of one test (or of one test class, when a {@code @BeforeAll} method asks for it),
 * given to it by {@link AgentExtension}: names no other test uses, the ilert stand-in, and the
 * agent's command line with everything but the scenario filled in.
 *
 * <pre>{@code
 * String topic = agents.newTopic(3);                       // <test name>-<random>, on the shared broker
 * RunningAgent agent = agents.start("-e", topic);           // the daemon, ready
 * RunningAgent other = agents.daemon("-e", topic, "--ordering", "key")
 *     .env("ILERT_API_KEY", token).startWithoutWaiting();   // the daemon, not waited for
 * RunningAgent usage = agents.command("event", "-t", "PANIC").startWithoutWaiting();
 * }</pre>
 */
public final class TestAgents {
  /** How long an agent has to exit after SIGTERM at the end of a test. */
  static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

  private static final int MAX_BASE_LENGTH = 40;

  private final TestAgents classScope;
  private final String logPrefix;
  private final String base;
  private final String suffix = random();
  private final List<RunningAgent> agents = new ArrayList<>();
  private IlertStandIn ilert;
  private int started;

  /**
   * {@code logPrefix} starts the log file names, {@code testName} the topic and group names; {@code
   * classScope} is the test class's own, if a {@code @BeforeAll} method asked for one.
   */
  TestAgents(TestAgents classScope, String logPrefix, String testName) {
    this.classScope = classScope;
    this.logPrefix = logPrefix;
    this.base =
        testName.length() > MAX_BASE_LENGTH ? testName.substring(0, MAX_BASE_LENGTH) : testName;
  }

  /** The shared broker, on which {@link #newTopic} creates topics and which the daemon reads. */
  public KafkaBroker kafka() {
    return KafkaBroker.shared();
  }

  /**
   * The ilert stand-in the daemon's URLs point at: the test class's, if a {@code @BeforeAll} method
   * asked for one, else this test's own, started on first use and closed at its end.
   */
  public IlertStandIn ilert() {
    if (classScope != null && classScope.ilert != null) {
      return classScope.ilert;
    }
    if (ilert == null) {
      ilert = new IlertStandIn().start();
    }
    return ilert;
  }

  /** This test's topic name: the test's name and a random suffix. */
  public String topic() {
    return base + "-" + suffix;
  }

  /** Another topic name of this test, e.g. {@code topic("dlq")}. */
  public String topic(String label) {
    return base + "-" + label + "-" + suffix;
  }

  /** This test's consumer group, which the daemon joins unless told otherwise. */
  public String group() {
    return "group-" + base + "-" + suffix;
  }

  /**
   * {@code label} and a random suffix, for anything else that must not collide with other tests.
   */
  public String unique(String label) {
    return label + "-" + random();
  }

  /** Creates {@link #topic()} on the shared broker and returns its name. */
  public String newTopic(int partitions) {
    kafka().createTopic(topic(), partitions);
    return topic();
  }

  /** Creates {@link #topic(String)} on the shared broker and returns its name. */
  public String newTopic(String label, int partitions) {
    kafka().createTopic(topic(label), partitions);
    return topic(label);
  }

  /**
   * The daemon with the arguments every test gives it ({@code daemon -v -v}, the broker, this
   * test's group, offset reset earliest, the stand-in's URLs, a free probe port) and then {@code
   * args}.
   */
  public AgentLaunch daemon(String... args) {
    return new AgentLaunch(this, true, List.of(args));
  }

  /** {@code daemon(args).start()}: the daemon, started and ready. */
  public RunningAgent start(String... args) {
    return daemon(args).start();
  }

  /** The jar with exactly these arguments (a one-shot command, a hand-written command line). */
  public AgentLaunch command(String... args) {
    return new AgentLaunch(this, false, List.of(args));
  }

  /**
   * Another process of the test kit (e.g. {@link RustLikeMember}), handled as an agent: its log in
   * a failure, SIGTERM and the exit check at the end unless the test killed it.
   */
  public RunningAgent adopt(AgentProcess process) {
    return register(new RunningAgent(nameOf(process), process, -1));
  }

  /** Every agent started so far, in the order they were. */
  public List<RunningAgent> agents() {
    return List.copyOf(agents);
  }

  String nextName(String label) {
    started++;
    return logPrefix + "-" + (label == null ? String.valueOf(started) : label);
  }

  RunningAgent register(RunningAgent agent) {
    agents.add(agent);
    return agent;
  }

  /**
   * The last started first, as nested try-with-resources would: SIGTERM if it still runs, then its
   * exit must be as expected ({@link RunningAgent#checkEnd}). Processes and stand-in are closed
   * whatever happened. Throws the first failure, the others attached.
   */
  void end() {
    AssertionError failure = null;
    try {
      for (int i = agents.size() - 1; i >= 0; i--) {
        RunningAgent agent = agents.get(i);
        try {
          agent.checkEnd(STOP_TIMEOUT);
        } catch (AssertionError e) {
          if (failure == null) {
            failure = e;
          } else {
            failure.addSuppressed(e);
          }
        }
      }
    } finally {
      agents.forEach(a -> a.process().close());
      if (ilert != null) {
        ilert.close();
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  private static String nameOf(AgentProcess process) {
    return process.logFile().getFileName().toString().replaceFirst("\\.log$", "");
  }

  private static String random() {
    return UUID.randomUUID().toString().substring(0, 8);
  }
}
