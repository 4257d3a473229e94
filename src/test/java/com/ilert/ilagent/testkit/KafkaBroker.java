package com.ilert.ilagent.testkit;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.ConsumerGroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A real single-node KRaft Kafka broker (kafka_2.13 4.x) in its own JVM, for integration tests and
 * demo scripts.
 *
 * <p>The broker jars come from {@code target/kafka-broker} (system property {@code
 * kafka.broker.dir}), filled by the build from {@code src/test/kafka-broker/pom.xml}, so the
 * broker's kafka-clients 4.x never meets the application's 3.7 on one class path. The testkit's own
 * clients (admin, producer) are the application's kafka-clients 3.7.
 *
 * <pre>{@code
 * KafkaBroker kafka = KafkaBroker.shared();          // one broker per test JVM
 * String topic = "events-" + UUID.randomUUID();
 * kafka.createTopic(topic, 3);
 * kafka.send(topic, "key", "{\"summary\":\"disk full\"}");
 * await().until(() -> kafka.lag("my-group", topic) == 0);
 * }</pre>
 *
 * <p>The broker process is ended by a JVM shutdown hook and, should the test JVM die without
 * running hooks, by {@link ParentWatchdog} inside the broker JVM.
 */
public final class KafkaBroker implements AutoCloseable {

  /** The plain-text listener the testkit's own clients use; {@link #bootstrapServers()}. */
  public static final String CLIENT_LISTENER = "PLAINTEXT";

  private static final String CONTROLLER_LISTENER = "CONTROLLER";
  private static final String HOST = "127.0.0.1";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

  private static final Set<KafkaBroker> RUNNING = ConcurrentHashMap.newKeySet();
  private static KafkaBroker shared;
  private static RuntimeException sharedFailure;

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(KafkaBroker::killAll, "kafka-broker-shutdown"));
  }

  /**
   * An additional listener for tests that need another security protocol (SASL, SSL). Port 0 picks
   * a free port. Listener-specific settings (JAAS, key stores) go into {@link
   * Settings#serverProperties()} as {@code listener.name.<name>.*}.
   */
  public record Listener(String name, String securityProtocol, int port) {}

  /**
   * What to start. {@code port}/{@code controllerPort} 0 pick free loopback ports; {@code dataDir}
   * null uses a temporary folder that {@link #close()} deletes. {@code serverProperties} override
   * the generated server.properties entries. {@code formatArguments} are added to the {@code
   * StorageTool format} command that prepares a new data dir, e.g. SCRAM users ({@link
   * #withScramUser}).
   */
  public record Settings(
      int port,
      int controllerPort,
      Path dataDir,
      List<Listener> extraListeners,
      Map<String, String> serverProperties,
      List<String> formatArguments) {

    public Settings {
      extraListeners = List.copyOf(extraListeners);
      serverProperties = Map.copyOf(serverProperties);
      formatArguments = List.copyOf(formatArguments);
    }

    public static Settings defaults() {
      return new Settings(0, 0, null, List.of(), Map.of(), List.of());
    }

    public Settings withPort(int port) {
      return new Settings(
          port, controllerPort, dataDir, extraListeners, serverProperties, formatArguments);
    }

    public Settings withControllerPort(int controllerPort) {
      return new Settings(
          port, controllerPort, dataDir, extraListeners, serverProperties, formatArguments);
    }

    public Settings withDataDir(Path dataDir) {
      return new Settings(
          port, controllerPort, dataDir, extraListeners, serverProperties, formatArguments);
    }

    public Settings withListener(Listener listener) {
      List<Listener> listeners = new ArrayList<>(extraListeners);
      listeners.add(listener);
      return new Settings(
          port, controllerPort, dataDir, listeners, serverProperties, formatArguments);
    }

    public Settings withServerProperties(Map<String, String> props) {
      Map<String, String> merged = new HashMap<>(serverProperties);
      merged.putAll(props);
      return new Settings(port, controllerPort, dataDir, extraListeners, merged, formatArguments);
    }

    /**
     * A SCRAM user ({@code SCRAM-SHA-256} or {@code SCRAM-SHA-512}) written into the metadata when
     * the data dir is formatted, so it exists before the broker accepts its first connection (no
     * Admin call, no wait for the credential to propagate). A reused data dir keeps its users.
     */
    public Settings withScramUser(String mechanism, String name, String password) {
      if (name.contains(",")
          || name.contains("]")
          || password.contains(",")
          || password.contains("]")) {
        throw new IllegalArgumentException(
            "StorageTool's --add-scram cannot take ',' or ']' in a name or password");
      }
      List<String> args = new ArrayList<>(formatArguments);
      args.add("--add-scram");
      args.add(mechanism + "=[name=" + name + ",password=" + password + "]");
      return new Settings(port, controllerPort, dataDir, extraListeners, serverProperties, args);
    }
  }

  private final Settings settings;
  private final Path brokerJars;
  private final Path workDir;
  private final Path dataDir;
  private final boolean ownsDataDir;
  private final Path logFile;
  private final Path serverProperties;
  private final Map<String, Integer> listenerPorts = new LinkedHashMap<>();
  private volatile Process process;
  private volatile boolean stopping;
  private Admin admin;
  private KafkaProducer<String, byte[]> producer;

  /** The broker shared by every test class in this JVM, started on first use. */
  public static synchronized KafkaBroker shared() {
    if (sharedFailure != null) {
      throw new IllegalStateException(
          "the shared Kafka broker failed to start earlier", sharedFailure);
    }
    if (shared == null) {
      try {
        shared = start(Settings.defaults());
      } catch (RuntimeException e) {
        sharedFailure = e;
        throw e;
      }
    }
    return shared;
  }

  /** A broker of its own with extra server.properties entries; close it when done. */
  public static KafkaBroker start(Map<String, String> extraServerProps) {
    return start(Settings.defaults().withServerProperties(extraServerProps));
  }

  /** A broker of its own; close it when done. Waits until it answers. */
  public static KafkaBroker start(Settings settings) {
    // Free ports are probed, then bound by the broker: another process can grab one in between, so
    // a broker that fails to bind a port we picked is retried with new ports.
    boolean randomPorts = settings.port() == 0 || settings.controllerPort() == 0;
    int attempts = randomPorts ? 3 : 1;
    for (int attempt = 1; ; attempt++) {
      KafkaBroker broker = new KafkaBroker(settings);
      try {
        broker.launch();
        return broker;
      } catch (PortTakenException e) {
        broker.close();
        if (attempt >= attempts) {
          throw new IllegalStateException(e.getMessage());
        }
      } catch (RuntimeException e) {
        broker.killAndForget();
        throw e;
      }
    }
  }

  private KafkaBroker(Settings settings) {
    this.settings = settings;
    this.brokerJars = brokerJarDir();
    try {
      this.workDir = Files.createTempDirectory("ilagent-kafka-");
      this.ownsDataDir = settings.dataDir() == null;
      this.dataDir = ownsDataDir ? workDir.resolve("data") : settings.dataDir().toAbsolutePath();
      Files.createDirectories(dataDir);
      listenerPorts.put(CLIENT_LISTENER, portOrFree(settings.port()));
      listenerPorts.put(CONTROLLER_LISTENER, portOrFree(settings.controllerPort()));
      for (Listener l : settings.extraListeners()) {
        listenerPorts.put(l.name(), portOrFree(l.port()));
      }
      Path logDir = Path.of("target", "kafka-logs").toAbsolutePath();
      Files.createDirectories(logDir);
      String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
      this.logFile = logDir.resolve("kafka-" + stamp + "-" + port() + ".log");
      this.serverProperties = workDir.resolve("server.properties");
      writeServerProperties();
      writeLog4jConfig();
      copyWatchdog();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare the Kafka broker's files", e);
    }
  }

  /** {@code 127.0.0.1:<port>} of the plain-text client listener. */
  public String bootstrapServers() {
    return bootstrapServers(CLIENT_LISTENER);
  }

  /** {@code 127.0.0.1:<port>} of the named listener (see {@link Listener}). */
  public String bootstrapServers(String listenerName) {
    Integer port = listenerPorts.get(listenerName);
    if (port == null) {
      throw new IllegalArgumentException(
          "no listener " + listenerName + ", have " + listenerPorts.keySet());
    }
    return HOST + ":" + port;
  }

  public int port() {
    return listenerPorts.get(CLIENT_LISTENER);
  }

  /** Where the broker's stdout and stderr go (appended across restarts). */
  public Path logFile() {
    return logFile;
  }

  public Path dataDir() {
    return dataDir;
  }

  public boolean isRunning() {
    Process p = process;
    return p != null && p.isAlive();
  }

  /** Bootstrap servers only: the start of any client configuration for this broker. */
  public Properties clientProperties() {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    return props;
  }

  public void createTopic(String name, int partitions) {
    createTopic(name, partitions, Map.of());
  }

  /** Creates the topic (replication factor 1) and waits until every partition has a leader. */
  public void createTopic(String name, int partitions, Map<String, String> topicConfig) {
    NewTopic topic = new NewTopic(name, partitions, (short) 1).configs(topicConfig);
    try {
      get(admin().createTopics(List.of(topic)).all());
    } catch (IllegalStateException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw e;
      }
    }
    long deadline = System.nanoTime() + ADMIN_TIMEOUT.toNanos();
    while (true) {
      try {
        TopicDescription d = get(admin().describeTopics(List.of(name)).allTopicNames()).get(name);
        if (d.partitions().size() == partitions
            && d.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty())) {
          return;
        }
      } catch (IllegalStateException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
          throw e;
        }
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "topic "
                + name
                + " has no leader for all "
                + partitions
                + " partitions after "
                + ADMIN_TIMEOUT);
      }
      pause(50);
    }
  }

  /** A new producer of strings for bulk sends; the caller closes it. */
  public KafkaProducer<String, String> producer() {
    return new KafkaProducer<>(
        producerProperties(), new StringSerializer(), new StringSerializer());
  }

  /**
   * Sends many records quickly (one flush at the end, by a producer of its own) and returns their
   * metadata in order.
   */
  public List<RecordMetadata> sendAll(List<ProducerRecord<String, String>> records) {
    try (KafkaProducer<String, String> bulk = producer()) {
      List<java.util.concurrent.Future<RecordMetadata>> sent = new ArrayList<>();
      for (ProducerRecord<String, String> r : records) {
        sent.add(bulk.send(r));
      }
      bulk.flush();
      List<RecordMetadata> result = new ArrayList<>();
      for (java.util.concurrent.Future<RecordMetadata> f : sent) {
        result.add(get(f));
      }
      return result;
    }
  }

  /** Sends one record (UTF-8 value, null = tombstone) and waits until the broker has it. */
  public RecordMetadata send(String topic, String key, String value) {
    return send(topic, null, key, utf8(value));
  }

  public RecordMetadata send(String topic, int partition, String key, String value) {
    return send(topic, partition, key, utf8(value));
  }

  /** Raw bytes, for records that are not valid UTF-8 or JSON. */
  public RecordMetadata send(String topic, String key, byte[] value) {
    return send(topic, null, key, value);
  }

  /** {@code partition} null lets the producer's partitioner choose. */
  public RecordMetadata send(String topic, Integer partition, String key, byte[] value) {
    return send(new ProducerRecord<>(topic, partition, key, value));
  }

  /** Any record, e.g. with headers. */
  public synchronized RecordMetadata send(ProducerRecord<String, byte[]> record) {
    if (producer == null) {
      producer =
          new KafkaProducer<>(
              producerProperties(), new StringSerializer(), new ByteArraySerializer());
    }
    RecordMetadata metadata = get(producer.send(record));
    producer.flush();
    return metadata;
  }

  /**
   * The group's committed offsets (the next offset to read); partitions never committed are absent.
   */
  public Map<TopicPartition, Long> committedOffsets(String groupId) {
    Map<TopicPartition, Long> result = new HashMap<>();
    committed(groupId).forEach((tp, om) -> result.put(tp, om.offset()));
    return result;
  }

  /** The group's commits with their metadata; partitions never committed are absent. */
  public Map<TopicPartition, OffsetAndMetadata> committed(String groupId) {
    Map<TopicPartition, OffsetAndMetadata> offsets =
        get(admin().listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata());
    Map<TopicPartition, OffsetAndMetadata> result = new HashMap<>();
    offsets.forEach(
        (tp, om) -> {
          if (om != null) {
            result.put(tp, om);
          }
        });
    return result;
  }

  /**
   * The group's members as the group coordinator sees them (Java agents and members of other
   * clients alike), each with the partitions assigned to it; empty while the group is rebalancing.
   */
  public Map<String, Set<TopicPartition>> groupAssignment(String groupId) {
    ConsumerGroupDescription d =
        get(admin().describeConsumerGroups(List.of(groupId)).all()).get(groupId);
    Map<String, Set<TopicPartition>> result = new HashMap<>();
    if (d == null || d.state() != ConsumerGroupState.STABLE) {
      return result;
    }
    for (MemberDescription m : d.members()) {
      result.put(m.consumerId(), Set.copyOf(m.assignment().topicPartitions()));
    }
    return result;
  }

  /** The offset the next record of each partition of the topic will get. */
  public Map<TopicPartition, Long> endOffsets(String topic) {
    TopicDescription d = get(admin().describeTopics(List.of(topic)).allTopicNames()).get(topic);
    Map<TopicPartition, OffsetSpec> request = new HashMap<>();
    d.partitions()
        .forEach(p -> request.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
    Map<TopicPartition, Long> result = new HashMap<>();
    get(admin().listOffsets(request).all()).forEach((tp, info) -> result.put(tp, info.offset()));
    return result;
  }

  /**
   * Records of the topic the group has not committed yet: end offset minus committed offset, summed
   * over partitions. A partition the group never committed counts in full.
   */
  public long lag(String groupId, String topic) {
    Map<TopicPartition, Long> committed = committedOffsets(groupId);
    return endOffsets(topic).entrySet().stream()
        .mapToLong(e -> e.getValue() - committed.getOrDefault(e.getKey(), 0L))
        .sum();
  }

  /** Waits until the group has committed every record of the topic; fails with both offset maps. */
  public void awaitNoLag(String groupId, String topic, Duration timeout) {
    try {
      await()
          .atMost(timeout)
          .pollDelay(Duration.ZERO)
          .pollInterval(Duration.ofMillis(100))
          .until(() -> lag(groupId, topic) == 0);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(
          "expected group "
              + groupId
              + " to commit all of "
              + topic
              + " within "
              + timeout
              + ": end offsets "
              + endOffsets(topic)
              + ", committed "
              + committedOffsets(groupId));
    }
  }

  /**
   * Stops the broker gracefully (SIGTERM, then SIGKILL after 30 s); data and ports stay for {@link
   * #restart()}.
   */
  public synchronized void stop() {
    Process p = process;
    if (p == null) {
      return;
    }
    stopping = true;
    p.destroy();
    try {
      if (!p.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    process = null;
    RUNNING.remove(this);
  }

  /** Stops and starts the broker on the same ports and data; waits until it answers again. */
  public synchronized void restart() {
    stop();
    launch();
  }

  /**
   * Stops the broker, closes the testkit's clients and deletes temporary files. Does nothing for
   * {@link #shared()}: later test classes still need it, the shutdown hook ends it.
   */
  @Override
  public synchronized void close() {
    synchronized (KafkaBroker.class) {
      if (this == shared) {
        return;
      }
    }
    closeClients();
    stop();
    deleteRecursively(workDir);
  }

  // ---- process handling ----

  private synchronized void launch() {
    stopping = false;
    if (!Files.exists(dataDir.resolve("meta.properties"))) {
      format();
    }
    List<String> command = javaCommand();
    command.add("-Xmx512m");
    command.add("-XX:+ExitOnOutOfMemoryError");
    command.add(ParentWatchdog.class.getName());
    command.add(Long.toString(ProcessHandle.current().pid()));
    command.add("kafka.Kafka");
    command.add(serverProperties.toString());
    try {
      appendToLog("---- starting: " + String.join(" ", command));
      process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the Kafka broker JVM", e);
    }
    RUNNING.add(this);
    awaitReady();
  }

  private void format() {
    List<String> command = javaCommand();
    command.add("kafka.tools.StorageTool");
    command.add("format");
    command.add("-t");
    command.add(randomClusterId());
    command.add("-c");
    command.add(serverProperties.toString());
    command.addAll(settings.formatArguments());
    try {
      // The format arguments may hold passwords (SCRAM users): only the base command is logged.
      appendToLog(
          "---- formatting: "
              + String.join(
                  " ", command.subList(0, command.size() - settings.formatArguments().size()))
              + (settings.formatArguments().isEmpty()
                  ? ""
                  : " (+" + settings.formatArguments().size() + " more arguments)"));
      Process p =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
              .start();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw failure("formatting the Kafka data dir did not finish within 60 s");
      }
      if (p.exitValue() != 0) {
        throw failure("formatting the Kafka data dir failed with exit code " + p.exitValue());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run kafka.tools.StorageTool", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while formatting", e);
    }
  }

  private void awaitReady() {
    long started = System.nanoTime();
    long deadline = started + START_TIMEOUT.toNanos();
    // A TCP connect first: it is quiet, while an admin request against a closed port logs warnings.
    while (!portOpen(port())) {
      checkAliveAndDeadline(deadline);
      pause(100);
    }
    while (true) {
      checkAliveAndDeadline(deadline);
      try {
        if (!admin()
            .describeCluster(new DescribeClusterOptions().timeoutMs(2000))
            .nodes()
            .get(3, TimeUnit.SECONDS)
            .isEmpty()) {
          appendToLog(
              String.format("---- ready after %d ms", (System.nanoTime() - started) / 1_000_000));
          return;
        }
      } catch (ExecutionException | TimeoutException e) {
        pause(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for the Kafka broker", e);
      }
    }
  }

  private void checkAliveAndDeadline(long deadline) {
    Process p = process;
    if (p == null || !p.isAlive()) {
      String log = readLog();
      if (log.contains("Address already in use")) {
        throw new PortTakenException(
            "the Kafka broker could not bind its ports " + listenerPorts + "; log: " + logFile);
      }
      throw failure(
          "the Kafka broker exited during start-up"
              + (p == null ? "" : " with code " + p.exitValue()));
    }
    if (System.nanoTime() > deadline) {
      throw failure("the Kafka broker did not answer within " + START_TIMEOUT);
    }
  }

  private IllegalStateException failure(String what) {
    String log = readLog();
    String tail =
        log.lines().skip(Math.max(0, log.lines().count() - 40)).collect(Collectors.joining("\n"));
    return new IllegalStateException(what + "; broker log: " + logFile + "\n" + tail);
  }

  private static final class PortTakenException extends RuntimeException {
    PortTakenException(String message) {
      super(message);
    }
  }

  private void killAndForget() {
    closeClients();
    Process p = process;
    if (p != null) {
      p.destroyForcibly();
    }
    RUNNING.remove(this);
    deleteRecursively(workDir);
  }

  /**
   * Shutdown hook: throw-away brokers are killed at once, one with a caller's data dir stops
   * gracefully.
   */
  private static void killAll() {
    for (KafkaBroker broker : RUNNING) {
      Process p = broker.process;
      if (p != null) {
        broker.stopping = true;
        if (broker.ownsDataDir) {
          p.destroyForcibly();
        } else {
          p.destroy();
        }
      }
    }
    for (KafkaBroker broker : RUNNING) {
      Process p = broker.process;
      try {
        if (p != null && !p.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
          p.destroyForcibly();
        }
      } catch (InterruptedException e) {
        p.destroyForcibly();
      }
      deleteRecursively(broker.workDir);
    }
  }

  private synchronized void closeClients() {
    if (producer != null) {
      producer.close(Duration.ofSeconds(5));
      producer = null;
    }
    if (admin != null) {
      admin.close(Duration.ofSeconds(5));
      admin = null;
    }
  }

  private synchronized Admin admin() {
    if (admin == null) {
      Properties props = clientProperties();
      props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
      props.put(
          AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(ADMIN_TIMEOUT.toMillis()));
      props.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "500");
      admin = Admin.create(props);
    }
    return admin;
  }

  private Properties producerProperties() {
    Properties props = clientProperties();
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "30000");
    props.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "500");
    // One request in flight and a generous timeout: a burst of thousands of records once timed out
    // a request, and the 3.7 client's retry with reset sequence numbers was then refused by the 4.x
    // broker as out of order for two minutes (seen in CI). Idempotence stays on: no duplicates.
    props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
    props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "120000");
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "300000");
    return props;
  }

  // ---- files ----

  private void writeServerProperties() throws IOException {
    Map<String, String> props = new LinkedHashMap<>();
    props.put("process.roles", "broker,controller");
    props.put("node.id", "1");
    // A static voter set: StorageTool format must then run without --standalone.
    props.put(
        "controller.quorum.voters", "1@" + HOST + ":" + listenerPorts.get(CONTROLLER_LISTENER));
    props.put("controller.listener.names", CONTROLLER_LISTENER);
    props.put("inter.broker.listener.name", CLIENT_LISTENER);
    StringBuilder listeners = new StringBuilder();
    StringBuilder advertised = new StringBuilder();
    StringBuilder protocols = new StringBuilder("CONTROLLER:PLAINTEXT");
    listenerPorts.forEach(
        (name, port) -> {
          String url = name + "://" + HOST + ":" + port;
          listeners.append(listeners.length() == 0 ? "" : ",").append(url);
          if (!name.equals(CONTROLLER_LISTENER)) {
            advertised.append(advertised.length() == 0 ? "" : ",").append(url);
          }
        });
    protocols.append(",PLAINTEXT:PLAINTEXT");
    for (Listener l : settings.extraListeners()) {
      protocols.append(',').append(l.name()).append(':').append(l.securityProtocol());
    }
    props.put("listeners", listeners.toString());
    props.put("advertised.listeners", advertised.toString());
    props.put("listener.security.protocol.map", protocols.toString());
    props.put("log.dirs", dataDir.toString());
    props.put("num.partitions", "1");
    props.put("auto.create.topics.enable", "false");
    props.put("offsets.topic.replication.factor", "1");
    props.put("offsets.topic.num.partitions", "1");
    props.put("transaction.state.log.replication.factor", "1");
    props.put("transaction.state.log.min.isr", "1");
    props.put("share.coordinator.state.topic.replication.factor", "1");
    props.put("share.coordinator.state.topic.min.isr", "1");
    // A new consumer group gets its partitions at once instead of after 3 s.
    props.put("group.initial.rebalance.delay.ms", "0");
    props.putAll(settings.serverProperties());
    Properties file = new Properties();
    file.putAll(props);
    try (Writer w = Files.newBufferedWriter(serverProperties)) {
      file.store(w, "generated by " + KafkaBroker.class.getName());
    }
  }

  private void writeLog4jConfig() throws IOException {
    String config =
        String.join(
            "\n",
            "status = warn",
            // Kafka's own shutdown hook logs on; log4j's would stop logging mid-shutdown.
            "shutdownHook = disable",
            "appender.out.type = Console",
            "appender.out.name = OUT",
            "appender.out.layout.type = PatternLayout",
            "appender.out.layout.pattern = [%d] %p %m (%c)%n",
            "rootLogger.level = warn",
            "rootLogger.appenderRef.out.ref = OUT",
            // The line that says the broker is up, so a log shows when it was ready.
            "logger.server.name = kafka.server.KafkaRaftServer",
            "logger.server.level = info",
            "");
    Files.writeString(workDir.resolve("log4j2.properties"), config);
  }

  /** Puts ParentWatchdog's class file on the broker class path without the test classes. */
  private void copyWatchdog() throws IOException {
    String resource = ParentWatchdog.class.getName().replace('.', '/') + ".class";
    Path target = workDir.resolve("watchdog").resolve(resource);
    Files.createDirectories(target.getParent());
    try (InputStream in = ParentWatchdog.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IOException("class file not found: " + resource);
      }
      Files.copy(in, target);
    }
  }

  private List<String> javaCommand() {
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classPath = workDir.resolve("watchdog") + File.pathSeparator + brokerJars.resolve("*");
    List<String> command = new ArrayList<>();
    command.add(javaBin);
    command.add("-Dlog4j2.configurationFile=" + workDir.resolve("log4j2.properties"));
    command.add("-cp");
    command.add(classPath);
    return command;
  }

  private static Path brokerJarDir() {
    Path dir =
        Path.of(System.getProperty("kafka.broker.dir", "target/kafka-broker")).toAbsolutePath();
    try (Stream<Path> files = Files.list(dir)) {
      if (files.anyMatch(f -> f.getFileName().toString().startsWith("kafka_2.13-"))) {
        return dir;
      }
    } catch (IOException e) {
      // reported below
    }
    throw new IllegalStateException(
        "no Kafka broker jars in "
            + dir
            + "; run `mvn -B pre-integration-test` (or `mvn exec:exec@kafka-broker-jars`) first");
  }

  private void appendToLog(String line) {
    try {
      Files.writeString(
          logFile,
          line + System.lineSeparator(),
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String readLog() {
    try {
      return Files.exists(logFile) ? Files.readString(logFile, StandardCharsets.ISO_8859_1) : "";
    } catch (IOException e) {
      return "(cannot read " + logFile + ": " + e + ")";
    }
  }

  private static void deleteRecursively(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // best effort: a temp folder left behind is harmless
    }
  }

  // ---- small helpers ----

  private static int portOrFree(int port) throws IOException {
    if (port != 0) {
      return port;
    }
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(HOST, 0));
      return socket.getLocalPort();
    }
  }

  private static boolean portOpen(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(HOST, port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Kafka cluster ids are 16 random bytes in URL-safe base64; one starting with '-' looks like an
   * option.
   */
  private static String randomClusterId() {
    byte[] bytes = new byte[16];
    String id;
    do {
      ThreadLocalRandom.current().nextBytes(bytes);
      id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    } while (id.startsWith("-"));
    return id;
  }

  private static byte[] utf8(String value) {
    return value == null ? null : value.getBytes(StandardCharsets.UTF_8);
  }

  private static <T> T get(java.util.concurrent.Future<T> future) {
    try {
      return future.get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause().toString(), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("Kafka did not answer within " + ADMIN_TIMEOUT, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  // ---- standalone ----

  /**
   * Runs a broker until killed, for demo scripts: {@code --port 9092} (default 9092), {@code
   * --controller-port N} (default: a free port), {@code --data-dir DIR} (default: a temporary
   * folder; an existing formatted dir is reused). The class path needs the test classes and the
   * application's dependencies; the broker jars come from {@code -Dkafka.broker.dir} (default
   * target/kafka-broker). From a clean clone:
   *
   * <pre>
   * mvn -B -q test-compile exec:exec@kafka-broker-jars dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt
   * java -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" \
   *     com.ilert.ilagent.testkit.KafkaBroker --port 9092 --data-dir /tmp/ilagent-demo-kafka
   * </pre>
   */
  public static void main(String[] args) throws InterruptedException {
    Settings settings = Settings.defaults().withPort(9092);
    for (int i = 0; i < args.length; i++) {
      String value = i + 1 < args.length ? args[i + 1] : null;
      switch (args[i]) {
        case "--port" -> settings = settings.withPort(Integer.parseInt(require(args[i], value)));
        case "--controller-port" ->
            settings = settings.withControllerPort(Integer.parseInt(require(args[i], value)));
        case "--data-dir" -> settings = settings.withDataDir(Path.of(require(args[i], value)));
        default -> {
          System.err.println(
              "unknown option "
                  + args[i]
                  + "; usage: [--port N] [--controller-port N] [--data-dir DIR]");
          System.exit(2);
        }
      }
      i++;
    }
    KafkaBroker broker;
    try {
      broker = start(settings);
    } catch (RuntimeException e) {
      System.err.println(e.getMessage());
      System.exit(1);
      return;
    }
    System.out.println("Kafka broker ready on localhost:" + broker.port());
    System.out.println("Broker log: " + broker.logFile());
    broker.process.onExit().join();
    if (!broker.stopping) {
      System.err.println("the Kafka broker exited on its own; log: " + broker.logFile());
      System.exit(1);
    }
  }

  private static String require(String option, String value) {
    if (value == null) {
      System.err.println(option + " needs a value");
      System.exit(2);
    }
    return value;
  }
}
