package com.ilert.ilagent.ilert;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The client against servers that misbehave at the byte level (a raw TCP server writes the HTTP
 * answer by hand): answers that trickle in, answers that never end.
 */
class IlertClientTest {
  private static final String KEY = "il1apiclienttest00001";
  private static final byte[] EVENT =
      "{\"integrationKey\":\"il1apiclienttest00001\",\"eventType\":\"ALERT\",\"summary\":\"s\"}"
          .getBytes(StandardCharsets.UTF_8);

  private Vertx vertx;
  private NetServer server;
  private IlertClient client;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() throws Exception {
    if (client != null) {
      client.close();
    }
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  /** Waits for the future to complete (fails the test if it does not within the deadline). */
  private static <T> Future<T> completed(Future<T> future, long seconds)
      throws InterruptedException {
    CountDownLatch done = new CountDownLatch(1);
    future.onComplete(ar -> done.countDown());
    assertThat(done.await(seconds, TimeUnit.SECONDS))
        .as("the request to complete within %d s", seconds)
        .isTrue();
    return future;
  }

  /** A server that answers every request it reads with {@code answer}, run on its socket. */
  private String serve(Consumer<NetSocket> answer) throws Exception {
    server =
        vertx
            .createNetServer()
            .connectHandler(
                socket -> {
                  StringBuilder request = new StringBuilder();
                  boolean[] answered = {false};
                  socket.handler(
                      buf -> {
                        request.append(buf.toString(StandardCharsets.ISO_8859_1));
                        if (!answered[0] && request.indexOf("\r\n\r\n") >= 0) {
                          answered[0] = true;
                          answer.accept(socket);
                        }
                      });
                });
    server.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    return "http://127.0.0.1:" + server.actualPort() + "/api";
  }

  /** Writes {@code chunk} every {@code everyMs} until the socket closes. */
  private void trickle(NetSocket socket, Buffer chunk, long everyMs, Runnable onClosed) {
    long timer = vertx.setPeriodic(everyMs, id -> socket.write(chunk));
    socket.closeHandler(
        v -> {
          vertx.cancelTimer(timer);
          onClosed.run();
        });
  }

  @Test
  void theRequestTimeoutBoundsAnAnswerWhoseBodyTrickles() throws Exception {
    CountDownLatch closed = new CountDownLatch(1);
    String url =
        serve(
            socket -> {
              socket.write(
                  "HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n");
              // One byte every 50 ms: never idle for long, never done.
              trickle(socket, Buffer.buffer(" "), 50, closed::countDown);
            });
    client = new IlertClient(vertx, url, url, 4, 1_000);

    long started = System.nanoTime();
    Future<IlertAnswer> answer = completed(client.sendEvent(KEY, EVENT), 8);

    assertThat(answer.failed())
        .as("the exchange ends with a timeout, not a trickled answer")
        .isTrue();
    assertThat(answer.cause())
        .isInstanceOf(TimeoutException.class)
        .hasMessageContaining("1000 ms")
        .hasMessageNotContaining(KEY);
    long elapsedMs = (System.nanoTime() - started) / 1_000_000;
    assertThat(elapsedMs).as("ended by the 1 s bound").isBetween(900L, 4_000L);
    assertThat(await(closed)).as("the connection is closed, not left trickling").isTrue();
  }

  @Test
  void theRequestTimeoutBoundsAnAnswerWhoseHeadersTrickle() throws Exception {
    CountDownLatch closed = new CountDownLatch(1);
    String url =
        serve(
            socket -> {
              socket.write("HTTP/1.1 202 Accepted\r\n");
              trickle(socket, Buffer.buffer("X-Slow: y\r\n"), 50, closed::countDown);
            });
    client = new IlertClient(vertx, url, url, 4, 1_000);

    Future<IlertAnswer> answer = completed(client.sendEvent(KEY, EVENT), 8);

    assertThat(answer.cause())
        .as("headers that never end must not hold the request past the 1 s bound")
        .isInstanceOf(TimeoutException.class);
    assertThat(await(closed)).as("the connection is closed").isTrue();
  }

  @Test
  void anEndlessAnswerBodyIsCutOffAtTheCapAndTheConnectionClosed() throws Exception {
    CountDownLatch closed = new CountDownLatch(1);
    AtomicLong written = new AtomicLong();
    Buffer chunk = Buffer.buffer("x".repeat(64 * 1024));
    String url =
        serve(
            socket -> {
              socket.write(
                  "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n");
              String size = Integer.toHexString(chunk.length());
              Buffer chunked =
                  Buffer.buffer(size + "\r\n").appendBuffer(chunk).appendString("\r\n");
              // 64 KiB every 10 ms, about 6 MiB/s, forever.
              long timer =
                  vertx.setPeriodic(
                      10,
                      id -> {
                        if (!socket.writeQueueFull()) {
                          socket.write(chunked);
                          written.addAndGet(chunk.length());
                        }
                      });
              socket.closeHandler(
                  v -> {
                    vertx.cancelTimer(timer);
                    closed.countDown();
                  });
            });
    // A long timeout, so what ends the exchange is the size cap, not the clock.
    client = new IlertClient(vertx, url, url, 4, 60_000);

    IlertAnswer answer = completed(client.sendEvent(KEY, EVENT), 8).result();

    assertThat(answer.status()).isEqualTo(503);
    assertThat(answer.body())
        .as("the logged body stays short")
        .hasSizeLessThanOrEqualTo(503)
        .startsWith("xxx");
    assertThat(await(closed)).as("the client closed the connection instead of reading on").isTrue();
    assertThat(written.get()).as("bytes the server got to write").isLessThan(16L * 1024 * 1024);
  }

  @Test
  void aNormalAnswerIsReadWhole() throws Exception {
    String url =
        serve(
            socket ->
                socket.write(
                    "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\ncorrelation-id: c-1\r\n"
                        + "Content-Length: 46\r\n\r\n{\"status\":400,\"message\":\"bad\",\"code\":\"BAD_1\"}\n"));
    client = new IlertClient(vertx, url, url, 4, 5_000);

    IlertAnswer answer = completed(client.sendEvent(KEY, EVENT), 8).result();

    assertThat(answer.status()).isEqualTo(400);
    assertThat(answer.correlationId()).isEqualTo("c-1");
    assertThat(answer.body()).isEqualTo("{\"status\":400,\"message\":\"bad\",\"code\":\"BAD_1\"} ");
  }

  private static boolean await(CountDownLatch latch) {
    try {
      return latch.await(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
