package com.ilert.ilagent;

import com.ilert.ilagent.api.HttpApi;
import com.ilert.ilagent.config.AgentConfig;
import com.ilert.ilagent.config.ConfigNote;
import com.ilert.ilagent.config.DeliveryConfig;
import com.ilert.ilagent.consumer.ConsumerCore;
import com.ilert.ilagent.consumer.ConsumerVerticle;
import com.ilert.ilagent.health.HealthVerticle;
import com.ilert.ilagent.ilert.IlertClient;
import com.ilert.ilagent.logging.Logging;
import com.ilert.ilagent.metrics.AgentMetrics;
import com.ilert.ilagent.metrics.Features;
import com.ilert.ilagent.redaction.Redaction;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the daemon: deploys the verticles, then waits for a reason to stop (SIGTERM/SIGINT through a
 * JVM shutdown hook, or a delivery failure) and stops in order: probes turn 503, the consumer
 * drains and commits, the rest closes. Exit codes: 0 clean shutdown, 1 delivery failure or start-up
 * failure.
 */
public final class Agent {
  private static final Logger LOG = LoggerFactory.getLogger(Agent.class);

  private final AgentConfig config;

  /** Completed once with the exit code: by a delivery failure, a start-up failure or a signal. */
  private final Promise<Integer> stopRequested = Promise.promise();

  private final CompletableFuture<Integer> stopped = new CompletableFuture<>();
  private final Deque<String> deployments = new ArrayDeque<>();
  private Vertx vertx;
  private IlertClient client;
  private final PrometheusMeterRegistry registry = newRegistry();
  private final AgentMetrics metrics = new AgentMetrics(registry);

  /** When delivery failed (System.nanoTime), or null: the exit delay counts from it. */
  private Long failedAtNanos;

  private volatile boolean startupFailed;

  private Agent(AgentConfig config) {
    this.config = config;
    metrics.start(Features.of(config));
  }

  /** Blocks the calling (main) thread until the agent has stopped; returns the exit code. */
  public static int run(AgentConfig config) {
    Logging.configure(config.verbosity(), config.rustLog(), config.logFormat());
    for (ConfigNote note : config.notes()) {
      if (note.level() == ConfigNote.Level.WARN) {
        LOG.warn("{}", note.message());
      } else {
        LOG.debug("{}", note.message());
      }
    }
    return new Agent(config).runUntilStopped();
  }

  private int runUntilStopped() {
    Runtime.getRuntime().addShutdownHook(new Thread(this::onSignal, "ilagent-shutdown"));
    try {
      vertx = Vertx.vertx(vertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(4));
    } catch (RuntimeException e) {
      LOG.error("Start-up failed: cannot start Vert.x: {}", e.getMessage());
      stopped.complete(ExitCodes.FAILURE);
      return ExitCodes.FAILURE;
    }
    DeliveryConfig delivery = config.delivery();
    client =
        new IlertClient(
            vertx,
            delivery.apiUrl(),
            delivery.heartbeatUrl(),
            delivery.maxInFlight(),
            delivery.requestTimeoutMs(),
            delivery.proxies());
    vertx
        .eventBus()
        .consumer(
            Addresses.DELIVERY_FAILED,
            msg -> {
              failedAtNanos = System.nanoTime();
              stopRequested.tryComplete(ExitCodes.FAILURE);
            });
    LOG.info("ilagent {} starting", Version.get());
    logRoute("ilert API", delivery.apiUrl());
    logRoute("ilert heartbeats", delivery.heartbeatUrl());
    try {
      deploy().await(); // the main thread, never an event loop
      LOG.info("ilagent {} running", Version.get());
    } catch (Exception e) {
      LOG.error(
          "Start-up failed: {}", Redaction.secretsIn(describe(e), config.kafka().properties()));
      startupFailed = true;
      stopRequested.tryComplete(ExitCodes.FAILURE);
    }
    int code = stopRequested.future().await(); // the main thread, never an event loop
    shutDown(code);
    stopped.complete(code);
    // After a signal the JVM is already exiting: Main's System.exit then waits for the hook, which
    // ends the process with this code.
    return code;
  }

  /**
   * Vert.x without its file cache and class-path file resolving: the agent serves no files, and a
   * read-only root file system (a hardened container) must not stop it from starting.
   */
  public static VertxOptions vertxOptions() {
    return new VertxOptions()
        .setFileSystemOptions(
            new FileSystemOptions()
                .setFileCachingEnabled(false)
                .setClassPathResolvingEnabled(false));
  }

  /**
   * The failure and its causes, one line: "Failed to construct kafka consumer" alone says little.
   */
  private static String describe(Throwable e) {
    StringBuilder text = new StringBuilder();
    for (Throwable t = e;
        t != null && text.length() < 1_000;
        t = t.getCause() == t ? null : t.getCause()) {
      if (text.length() > 0) {
        text.append(": ");
      }
      text.append(Errors.describe(t));
    }
    return text.toString();
  }

  /** Prometheus registry: every series named ilagent_*, the JVM's own included. */
  private static PrometheusMeterRegistry newRegistry() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry
        .config()
        .meterFilter(
            new MeterFilter() {
              @Override
              public Meter.Id map(Meter.Id id) {
                return id.getName().startsWith("ilagent.")
                    ? id
                    : id.withName("ilagent." + id.getName());
              }
            });
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    return registry;
  }

  /** The proxy a base URL's requests go through, if any, without its credentials. */
  private void logRoute(String what, String url) {
    if (config.delivery().proxies().isEmpty()) {
      return;
    }
    java.net.URI uri = java.net.URI.create(url);
    var proxy =
        config
            .delivery()
            .proxies()
            .forTarget("https".equalsIgnoreCase(uri.getScheme()), uri.getHost());
    LOG.info(
        "{} {}: {}", what, url, proxy == null ? "direct (NO_PROXY)" : "through proxy " + proxy);
  }

  /**
   * Probes first so they answer from the start, then the consumer (only with Kafka: without it the
   * agent pings its own heartbeat and is ready at once), then the own heartbeat.
   */
  private Future<Void> deploy() {
    Future<Void> chain = Future.succeededFuture();
    if (config.port() != null) {
      chain =
          chain.compose(
              v ->
                  deploy(
                      new HealthVerticle(
                          config.bindAddress(),
                          config.port(),
                          registry,
                          config.kafka().enabled(),
                          new HttpApi(config, client, metrics))));
    }
    if (config.kafka().enabled()) {
      chain = chain.compose(v -> deploy(new ConsumerVerticle(config, client, metrics)));
    } else {
      LOG.info("No --kafka_brokers: running without a Kafka consumer");
    }
    if (config.heartbeatKey() != null) {
      chain =
          chain.compose(v -> deploy(new HeartbeatVerticle(config.heartbeatKey(), client, metrics)));
    }
    return chain;
  }

  private Future<Void> deploy(io.vertx.core.Deployable verticle) {
    return vertx
        .deployVerticle(verticle)
        .map(
            id -> {
              deployments.push(id);
              return null;
            });
  }

  /** Runs on the main thread: stops the verticles in reverse order, then Vert.x. */
  private void shutDown(int code) {
    LOG.info(
        code == ExitCodes.OK
            ? "Shutting down"
            : startupFailed
                ? "Stopping after a start-up failure"
                : "Stopping after a delivery failure");
    vertx.eventBus().publish(Addresses.SHUTDOWN, code);
    Future<Void> chain = Future.succeededFuture();
    while (!deployments.isEmpty()) {
      String id = deployments.pop();
      chain =
          chain.compose(
              v ->
                  vertx
                      .undeploy(id)
                      .recover(
                          err -> {
                            LOG.warn("Stopping {}: {}", id, err.toString());
                            return Future.succeededFuture();
                          }));
    }
    if (code == ExitCodes.FAILURE && failedAtNanos != null) {
      // The original program's promise: exit a fixed delay after the failure, whatever drained.
      chain =
          chain.compose(
              v -> {
                long remaining =
                    config.shutdown().exitDelayMs()
                        - (System.nanoTime() - failedAtNanos) / 1_000_000;
                return remaining > 0 ? vertx.timer(remaining).mapEmpty() : Future.succeededFuture();
              });
    }
    chain = chain.onComplete(ar -> client.close());
    // The consumer's own worst case (drain bound, final commit, close), and a little for the rest.
    long bound = config.shutdown().longestMs() + ConsumerCore.STOP_BEYOND_DRAIN_MS + 2_000;
    try {
      chain.await(bound, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      LOG.warn("Shutdown did not finish in time: {}", e.toString());
    }
    try {
      vertx.close().await(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn("Closing Vert.x: {}", e.toString());
    }
    LOG.info("Stopped");
  }

  /** SIGTERM/SIGINT: request a clean stop, wait for it, and end with its exit code (not 143). */
  private void onSignal() {
    if (stopped.isDone()) {
      return; // normal exit after shutDown: nothing left to do
    }
    stopRequested.tryComplete(ExitCodes.OK);
    int code;
    try {
      code = stopped.get(config.shutdown().longestMs() + 20_000, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      code = ExitCodes.FAILURE;
    }
    Logging.flush();
    Runtime.getRuntime().halt(code);
  }
}
