package com.ilert.ilagent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.ilert.ilagent.testkit.AgentProcess;
import com.ilert.ilagent.testkit.AgentTest;
import com.ilert.ilagent.testkit.IlertStandIn;
import com.ilert.ilagent.testkit.Ports;
import com.ilert.ilagent.testkit.Received;
import io.vertx.core.json.JsonArray;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The container image's command, without a Docker engine: the Dockerfile's runtime stage is read
 * (what it copies where, the links it makes, its ENTRYPOINT and CMD), laid out under a temporary
 * root with this build's jar, and its entrypoint run as the image would run it, through the PATH.
 * So {@code docker run IMAGE daemon ...}, {@code command: ["ilagent", "daemon", ...]} and {@code
 * docker exec ... ilagent heartbeat ...} all reach the agent, with the launcher's JVM flags.
 */
@AgentTest
class ImageLauncherIT {
  private static final String OWN = "hbmonitorimage0000001";

  /** The image's PATH before the JRE's: where a bare command name is looked up. */
  private static final List<String> IMAGE_PATH =
      List.of("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin");

  @TempDir static Path root;
  private static Image image;

  /** The runtime stage of the Dockerfile, as far as the command is concerned. */
  record Image(
      List<String> entrypoint,
      List<String> cmd,
      Map<String, String> copies,
      Map<String, String> links) {

    static Image read(Path dockerfile) throws IOException {
      List<String> instructions = new ArrayList<>();
      StringBuilder current = new StringBuilder();
      for (String line : Files.readAllLines(dockerfile, StandardCharsets.UTF_8)) {
        String t = line.strip();
        if (current.length() == 0 && (t.isEmpty() || t.startsWith("#"))) {
          continue;
        }
        if (t.endsWith("\\")) {
          current.append(t, 0, t.length() - 1).append(' ');
          continue;
        }
        instructions.add(current.append(t).toString());
        current.setLength(0);
      }
      List<String> entrypoint = null;
      List<String> cmd = List.of();
      Map<String, String> copies = new LinkedHashMap<>();
      Map<String, String> links = new LinkedHashMap<>();
      for (String i : instructions) {
        String[] word = i.split("\\s+", 2);
        String rest = word.length > 1 ? word[1].strip() : "";
        switch (word[0].toUpperCase()) {
          case "FROM" -> { // a new stage: only the last one is the image
            entrypoint = null;
            cmd = List.of();
            copies.clear();
            links.clear();
          }
          case "ENTRYPOINT" -> entrypoint = execForm(rest);
          case "CMD" -> cmd = execForm(rest);
          case "COPY" -> {
            String[] parts = rest.split("\\s+");
            assertThat(parts).as("COPY %s: one source, one destination", rest).hasSizeBetween(2, 3);
            String source = parts[parts.length - 2];
            if (parts[0].equals("--from=build")) {
              // The build stage works in /src: its target/ is this build's target/.
              assertThat(source).startsWith("/src/");
              source = source.substring("/src/".length());
            }
            copies.put(parts[parts.length - 1], source);
          }
          case "RUN" -> {
            Matcher ln = Pattern.compile("ln -sf? (\\S+) (\\S+)").matcher(rest);
            while (ln.find()) {
              links.put(ln.group(2), ln.group(1));
            }
          }
          default -> {}
        }
      }
      assertThat(entrypoint).as("the image's ENTRYPOINT, in exec form").isNotEmpty();
      return new Image(entrypoint, cmd, copies, links);
    }

    private static List<String> execForm(String json) {
      assertThat(json).as("exec form: a JSON array").startsWith("[");
      List<String> out = new ArrayList<>();
      new JsonArray(json).forEach(o -> out.add((String) o));
      return out;
    }
  }

  @BeforeAll
  static void layOutTheImage() throws IOException {
    image = Image.read(Path.of("Dockerfile"));
    Path jar = Path.of(System.getProperty("ilagent.jar", "target/ilagent.jar")).toAbsolutePath();
    for (Map.Entry<String, String> copy : image.copies().entrySet()) {
      Path target = inImage(copy.getKey());
      Files.createDirectories(target.getParent());
      Path source = copy.getValue().equals("target/ilagent.jar") ? jar : Path.of(copy.getValue());
      assertThat(source).as("what the Dockerfile copies").exists();
      Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
    }
    for (Map.Entry<String, String> link : image.links().entrySet()) {
      Path at = inImage(link.getKey());
      Files.createDirectories(at.getParent());
      Files.createSymbolicLink(at, inImage(link.getValue()));
    }
  }

  private static Path inImage(String absolute) {
    assertThat(absolute).as("a path in the image").startsWith("/");
    return root.resolve(absolute.substring(1));
  }

  @Test
  void theEntrypointIsTheLauncherOnThePathNextToTheJar() {
    String command = image.entrypoint().get(0);
    assertThat(command).as("a command on the PATH, as manifests name it").isEqualTo("ilagent");
    Path found =
        IMAGE_PATH.stream()
            .map(dir -> inImage(dir + "/" + command))
            .filter(Files::isExecutable)
            .findFirst()
            .orElseThrow(() -> new AssertionError(command + " is on no directory of the PATH"));
    assertThat(found.toFile()).exists();
  }

  @Test
  void withoutArgumentsTheImageShowsTheHelpAndOtherwiseRunsTheCommandItIsGiven() throws Exception {
    Run help = run(entrypoint(List.of()), Map.of());
    assertThat(help.code()).as(help.output()).isZero();
    assertThat(help.output()).contains("Usage: ilagent", "daemon");
    Run version = run(entrypoint(List.of("--version")), Map.of());
    assertThat(version.output().strip()).startsWith("ilagent ");
  }

  @Test
  void dockerExecIlagentHeartbeatPings(IlertStandIn ilert) throws Exception {
    // docker exec CONTAINER ilagent heartbeat -k ...: the command by name, on the PATH.
    Run ping =
        run(
            List.of(
                "ilagent",
                "heartbeat",
                "-k",
                OWN,
                "--api_url",
                ilert.apiUrl(),
                "--heartbeat_url",
                ilert.heartbeatUrl()),
            Map.of());
    assertThat(ping.code()).as(ping.output()).isZero();
    Received received = ilert.awaitPings(1, Duration.ofSeconds(10)).get(0);
    assertThat(received.method() + " " + received.path()).isEqualTo("HEAD /beat/pings/" + OWN);
  }

  @Test
  void dockerRunImageDaemonRunsTheAgentWithTheLaunchersJvmFlags(IlertStandIn ilert)
      throws Exception {
    int port = Ports.freePort();
    Path log = root.resolve("daemon.log");
    Process daemon =
        start(
            entrypoint(
                List.of(
                    "daemon",
                    "-b",
                    OWN,
                    "-p",
                    String.valueOf(port),
                    "--api_url",
                    ilert.apiUrl(),
                    "--heartbeat_url",
                    ilert.heartbeatUrl())),
            Map.of("JAVA_OPTS", "-Dilagent.image.test=yes"),
            log);
    try {
      await()
          .atMost(Duration.ofSeconds(45))
          .ignoreExceptions()
          .until(() -> AgentProcess.httpGet(port, "/ready").status() == 204);
      ilert.awaitPings(1, Duration.ofSeconds(15));
      List<String> cmdline =
          List.of(
              Files.readString(Path.of("/proc", String.valueOf(daemon.pid()), "cmdline"))
                  .split("\0"));
      assertThat(cmdline)
          .as("the launcher execs the JVM (PID 1 in the container gets the signals)")
          .contains(
              "-XX:+UseSerialGC",
              "-Xmx192m",
              "-XX:+ExitOnOutOfMemoryError",
              "-Dilagent.image.test=yes",
              "-jar",
              inImage("/opt/ilagent/ilagent.jar").toString(),
              "daemon");
      daemon.destroy(); // SIGTERM, as docker stop
      assertThat(daemon.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(daemon.exitValue()).as(Files.readString(log)).isZero();
    } finally {
      daemon.destroyForcibly();
    }
  }

  record Run(int code, String output) {}

  /** The entrypoint with these arguments (or the CMD without any), as `docker run` runs it. */
  private static List<String> entrypoint(List<String> args) {
    List<String> command = new ArrayList<>(image.entrypoint());
    command.addAll(args.isEmpty() ? image.cmd() : args);
    return command;
  }

  private static Run run(List<String> command, Map<String, String> env) throws Exception {
    Path log = Files.createTempFile(root, "run", ".log");
    Process p = start(command, env, log);
    try {
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("exits").isTrue();
      return new Run(p.exitValue(), Files.readString(log));
    } finally {
      p.destroyForcibly();
    }
  }

  /** Runs {@code command} in the laid-out image, as a container's process. */
  private static Process start(List<String> command, Map<String, String> env, Path log) {
    // The shell looks the command up on the child's PATH: the image's, then the JRE's.
    List<String> shell = new ArrayList<>(List.of("/bin/sh", "-c", "exec \"$@\"", "sh"));
    shell.addAll(command);
    List<String> path = new ArrayList<>();
    IMAGE_PATH.forEach(dir -> path.add(inImage(dir).toString()));
    path.add(Path.of(System.getProperty("java.home"), "bin").toString());
    path.add(System.getenv("PATH"));
    ProcessBuilder builder =
        new ProcessBuilder(shell).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("PATH", String.join(":", path));
    builder.environment().putAll(env);
    try {
      return builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
