package com.ilert.ilagent.consumer;

import com.ilert.ilagent.Addresses;
import com.ilert.ilagent.config.AgentConfig;
import com.ilert.ilagent.ilert.IlertClient;
import com.ilert.ilagent.ilert.PolicyClient;
import com.ilert.ilagent.kafka.ConsumerThread;
import com.ilert.ilagent.kafka.DeadLetters;
import com.ilert.ilagent.kafka.KafkaSettings;
import com.ilert.ilagent.loop.VertxEventLoop;
import com.ilert.ilagent.metrics.AgentMetrics;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The Kafka consumer as a verticle: creates the dead-letter producer and the Kafka client, builds
 * the {@link ConsumerCore} on this verticle's context with a thread of its own for the consumer,
 * and publishes the core's state for the probes. Its stop is the core's ordered stop.
 */
public final class ConsumerVerticle extends VerticleBase {
  private final AgentConfig config;
  private final IlertClient client;
  private final AgentMetrics metrics;
  private DeadLetters deadLetters;
  private ConsumerCore core;

  public ConsumerVerticle(AgentConfig config, IlertClient client, AgentMetrics metrics) {
    this.config = config;
    this.client = client;
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    PolicyClient policies =
        config.policy() == null ? null : new PolicyClient(client, config.policy().apiToken());
    Future<Void> deadLettersReady =
        config.kafka().deadLetterTopic() == null
            ? Future.succeededFuture()
            : DeadLetters.create(vertx, config.kafka())
                .map(
                    d -> {
                      deadLetters = d;
                      return null;
                    });
    // Creating the Kafka client resolves broker names: keep it off the event loop.
    return deadLettersReady
        .compose(v -> vertx.executeBlocking(() -> KafkaSettings.createConsumer(config.kafka())))
        .compose(
            consumer -> {
              core =
                  ConsumerCore.create(
                      config,
                      new Outside(
                          new VertxEventLoop(context),
                          client,
                          policies,
                          deadLetters,
                          metrics,
                          () -> ThreadLocalRandom.current().nextDouble()),
                      ConsumerThread.BLOCKING,
                      consumer);
              core.onStateChange(this::publishState);
              core.onFailure(why -> vertx.eventBus().publish(Addresses.DELIVERY_FAILED, why));
              Thread thread = new Thread(core.pollLoop()::run, "ilagent-kafka-consumer");
              thread.setDaemon(true);
              thread.start();
              publishState();
              return core.start();
            });
  }

  /** Graceful stop: no new records, started ones finish (bounded), completed offsets committed. */
  @Override
  public Future<?> stop() {
    if (core == null) {
      return Future.succeededFuture();
    }
    return core.stop()
        .onComplete(
            ar -> {
              if (deadLetters != null) {
                deadLetters.close();
              }
              publishState();
            });
  }

  private void publishState() {
    vertx.eventBus().publish(Addresses.CONSUMER_STATE, state());
  }

  /** The consumer's state as /ready reports it. */
  JsonObject state() {
    if (core == null) {
      return new JsonObject()
          .put("component", "kafka")
          .put("ready", false)
          .put("consumer_started", false)
          .put("subscribed", false)
          .put("assigned", false)
          .put("partitions", 0)
          .put("stopping", false)
          .put("delivery_failed", false)
          .put("missing_topics", new JsonArray())
          .putNull("error");
    }
    return core.state();
  }
}
