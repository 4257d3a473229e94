package com.ilert.ilagent.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An integration test that runs the built agent: applies {@link AgentExtension}, so its test
 * methods (and {@code @BeforeAll}/{@code @BeforeEach} methods) can take a {@link TestAgents}, an
 * {@link IlertStandIn} and the shared {@link KafkaBroker} as parameters, and every agent a test
 * starts is stopped, checked and, if the test fails, shown in the failure.
 *
 * <pre>{@code
 * @AgentTest
 * class ForwardingIT {
 *   @Test
 *   void forwardsAnEvent(TestAgents agents, IlertStandIn ilert, KafkaBroker kafka) {
 *     String topic = agents.newTopic(1);
 *     agents.start("-e", topic);              // free -p port, waits until /ready answers 204
 *     kafka.send(topic, "k", "{\"integrationKey\":\"il1api...\",\"summary\":\"disk full\"}");
 *     ilert.awaitEvents(1, Duration.ofSeconds(20));
 *   }                                         // the agent gets SIGTERM here and must exit 0
 * }
 * }</pre>
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@ExtendWith(AgentExtension.class)
public @interface AgentTest {}
