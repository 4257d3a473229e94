package com.ilert.ilagent.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.opentest4j.TestAbortedException;

/**
 * What every integration test of the built agent needs around its scenario (apply it with {@link
 * AgentTest}):
 *
 * <ul>
 *   <li>Parameters: {@link TestAgents} (unique names, starting agents), {@link IlertStandIn}
 *       (started for the test, closed after it; the class's own if a {@code @BeforeAll} method
 *       asked for one) and {@link KafkaBroker} (the shared broker).
 *   <li>Scope: what a test method asks for belongs to that method (one invocation of a
 *       parameterized test); what a {@code @BeforeAll} method asks for belongs to the class and
 *       lives until its last test is done.
 *   <li>The end of a scope, last started agent first: one still running gets SIGTERM and must exit
 *       0 within 30 s; one that ended during the test without the test looking at its exit code
 *       must have ended with 0 too; one the test announced with {@link RunningAgent#expectExit}
 *       must end by itself with that code. Then the processes and the stand-in are closed.
 *   <li>A failing test (or {@code @BeforeAll}/{@code @BeforeEach} method): the tail of each agent's
 *       log, and where the whole log is, are attached to the failure.
 * </ul>
 */
public final class AgentExtension
    implements ParameterResolver,
        AfterEachCallback,
        AfterAllCallback,
        TestExecutionExceptionHandler,
        LifecycleMethodExecutionExceptionHandler {

  private static final int TAIL_LINES = 40;

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == TestAgents.class || type == IlertStandIn.class || type == KafkaBroker.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    if (type == KafkaBroker.class) {
      return KafkaBroker.shared();
    }
    TestAgents agents = scope(context);
    return type == IlertStandIn.class ? agents.ilert() : agents;
  }

  @Override
  public void afterEach(ExtensionContext context) {
    end(context);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    end(context);
  }

  @Override
  public void handleTestExecutionException(ExtensionContext context, Throwable failure)
      throws Throwable {
    throw withAgentLogs(context, failure);
  }

  @Override
  public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable failure)
      throws Throwable {
    throw withAgentLogs(context, failure);
  }

  @Override
  public void handleBeforeEachMethodExecutionException(ExtensionContext context, Throwable failure)
      throws Throwable {
    throw withAgentLogs(context, failure);
  }

  @Override
  public void handleAfterEachMethodExecutionException(ExtensionContext context, Throwable failure)
      throws Throwable {
    throw withAgentLogs(context, failure);
  }

  /** The scope of this context: created on first use, ended by {@link #end}. */
  private static TestAgents scope(ExtensionContext context) {
    return store(context)
        .getOrComputeIfAbsent(
            TestAgents.class,
            k -> new TestAgents(enclosingScope(context), logPrefix(context), baseName(context)),
            TestAgents.class);
  }

  /** The nearest scope of an enclosing context (the test class's), or null. */
  private static TestAgents enclosingScope(ExtensionContext context) {
    for (Optional<ExtensionContext> c = context.getParent();
        c.isPresent();
        c = c.get().getParent()) {
      TestAgents scope = store(c.get()).get(TestAgents.class, TestAgents.class);
      if (scope != null) {
        return scope;
      }
    }
    return null;
  }

  /**
   * A store of this context alone: a context's store also answers with its parents' values, and a
   * test method must not end (or find) the scope of its class.
   */
  private static ExtensionContext.Store store(ExtensionContext context) {
    return context.getStore(
        ExtensionContext.Namespace.create(AgentExtension.class, context.getUniqueId()));
  }

  private static void end(ExtensionContext context) {
    TestAgents agents = store(context).remove(TestAgents.class, TestAgents.class);
    if (agents != null) {
      agents.end();
    }
  }

  private static String logPrefix(ExtensionContext context) {
    String className = context.getRequiredTestClass().getSimpleName();
    return context.getTestMethod().map(m -> className + "-" + m.getName()).orElse(className);
  }

  private static String baseName(ExtensionContext context) {
    return context
        .getTestMethod()
        .map(m -> m.getName())
        .orElseGet(() -> context.getRequiredTestClass().getSimpleName());
  }

  /** Attaches the agents' log tails of this context and its parents to {@code failure}. */
  private static Throwable withAgentLogs(ExtensionContext context, Throwable failure) {
    if (failure instanceof TestAbortedException) {
      return failure;
    }
    List<RunningAgent> agents = new ArrayList<>();
    for (Optional<ExtensionContext> c = Optional.of(context);
        c.isPresent();
        c = c.get().getParent()) {
      TestAgents scope = store(c.get()).get(TestAgents.class, TestAgents.class);
      if (scope != null) {
        agents.addAll(0, scope.agents());
      }
    }
    if (!agents.isEmpty()) {
      StringBuilder text =
          new StringBuilder("logs of the agents of " + context.getDisplayName() + ":");
      agents.forEach(a -> text.append("\n\n").append(a.describe(TAIL_LINES)));
      failure.addSuppressed(new AgentLogs(text.toString()));
    }
    return failure;
  }

  /**
   * The agents' log tails, as a suppressed exception of a failure; it has no stack trace of its
   * own.
   */
  static final class AgentLogs extends RuntimeException {
    AgentLogs(String text) {
      super(text, null, false, false);
    }

    @Override
    public String toString() {
      return getMessage();
    }
  }
}
