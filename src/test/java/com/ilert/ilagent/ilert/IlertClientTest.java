package com.ilert.ilagent.ilert;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The client against servers that misbehave at the byte level (a raw TCP server writes the HTTP
 * answer by hand): answers that trickle in, answers that never end. Each test ends when its
 * checkpoints (the answer, the connection closed) are reached, or fails after 10 s.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
class IlertClientTest {
  private static final String KEY = "il1apiclienttest00001";
  private static final byte[] EVENT =
      "{\"integrationKey\":\"il1apiclienttest00001\",\"eventType\":\"ALERT\",\"summary\":\"s\"}"
          .getBytes(StandardCharsets.UTF_8);

  /**
   * A server that answers every request it reads with {@code answer}, run on its socket; completes
   * with its base URL once it listens.
   */
  private static Future<String> serve(Vertx vertx, Consumer<NetSocket> answer) {
    return vertx
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
            })
        .listen(0, "127.0.0.1")
        .map(server -> "http://127.0.0.1:" + server.actualPort() + "/api");
  }

  /** Writes {@code chunk} every {@code everyMs} until the socket closes. */
  private static void trickle(
      Vertx vertx, NetSocket socket, Buffer chunk, long everyMs, Checkpoint closed) {
    long timer = vertx.setPeriodic(everyMs, id -> socket.write(chunk));
    socket.closeHandler(
        v -> {
          vertx.cancelTimer(timer);
          closed.flag();
        });
  }

  @Test
  void theRequestTimeoutBoundsAnAnswerWhoseBodyTrickles(Vertx vertx, VertxTestContext ctx) {
    Checkpoint closed = ctx.checkpoint(); // the connection is closed, not left trickling
    Checkpoint answered = ctx.checkpoint();
    long[] started = new long[1];
    serve(
            vertx,
            socket -> {
              socket.write(
                  "HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n");
              // One byte every 50 ms: never idle for long, never done.
              trickle(vertx, socket, Buffer.buffer(" "), 50, closed);
            })
        .compose(
            url -> {
              started[0] = System.nanoTime();
              return new IlertClient(vertx, url, url, 4, 1_000).sendEvent(KEY, EVENT);
            })
        .onComplete(
            ar ->
                ctx.verify(
                    () -> {
                      assertThat(ar.failed())
                          .as("the exchange ends with a timeout, not a trickled answer")
                          .isTrue();
                      assertThat(ar.cause())
                          .isInstanceOf(TimeoutException.class)
                          .hasMessageContaining("1000 ms")
                          .hasMessageNotContaining(KEY);
                      long elapsedMs = (System.nanoTime() - started[0]) / 1_000_000;
                      assertThat(elapsedMs).as("ended by the 1 s bound").isBetween(900L, 4_000L);
                      answered.flag();
                    }));
  }

  @Test
  void theRequestTimeoutBoundsAnAnswerWhoseHeadersTrickle(Vertx vertx, VertxTestContext ctx) {
    Checkpoint closed = ctx.checkpoint();
    Checkpoint answered = ctx.checkpoint();
    serve(
            vertx,
            socket -> {
              socket.write("HTTP/1.1 202 Accepted\r\n");
              trickle(vertx, socket, Buffer.buffer("X-Slow: y\r\n"), 50, closed);
            })
        .compose(url -> new IlertClient(vertx, url, url, 4, 1_000).sendEvent(KEY, EVENT))
        .onComplete(
            ar ->
                ctx.verify(
                    () -> {
                      assertThat(ar.cause())
                          .as("headers that never end must not hold the request past the 1 s bound")
                          .isInstanceOf(TimeoutException.class);
                      answered.flag();
                    }));
  }

  @Test
  void anEndlessAnswerBodyIsCutOffAtTheCapAndTheConnectionClosed(
      Vertx vertx, VertxTestContext ctx) {
    Checkpoint closed = ctx.checkpoint(); // the client closed it instead of reading on
    Checkpoint answered = ctx.checkpoint();
    AtomicLong written = new AtomicLong();
    Buffer chunk = Buffer.buffer("x".repeat(64 * 1024));
    Future<String> url =
        serve(
            vertx,
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
                    ctx.verify(
                        () -> {
                          assertThat(written.get())
                              .as("bytes the server got to write")
                              .isLessThan(16L * 1024 * 1024);
                          closed.flag();
                        });
                  });
            });
    // A long timeout, so what ends the exchange is the size cap, not the clock.
    url.compose(u -> new IlertClient(vertx, u, u, 4, 60_000).sendEvent(KEY, EVENT))
        .onComplete(
            ctx.succeeding(
                answer ->
                    ctx.verify(
                        () -> {
                          assertThat(answer.status()).isEqualTo(503);
                          assertThat(answer.body())
                              .as("the logged body stays short")
                              .hasSizeLessThanOrEqualTo(503)
                              .startsWith("xxx");
                          answered.flag();
                        })));
  }

  @Test
  void aNormalAnswerIsReadWhole(Vertx vertx, VertxTestContext ctx) {
    serve(
            vertx,
            socket ->
                socket.write(
                    "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\ncorrelation-id: c-1\r\n"
                        + "Content-Length: 46\r\n\r\n{\"status\":400,\"message\":\"bad\",\"code\":\"BAD_1\"}\n"))
        .compose(url -> new IlertClient(vertx, url, url, 4, 5_000).sendEvent(KEY, EVENT))
        .onComplete(
            ctx.succeeding(
                answer ->
                    ctx.verify(
                        () -> {
                          assertThat(answer.status()).isEqualTo(400);
                          assertThat(answer.correlationId()).isEqualTo("c-1");
                          assertThat(answer.body())
                              .isEqualTo(
                                  "{\"status\":400,\"message\":\"bad\",\"code\":\"BAD_1\"} ");
                          ctx.completeNow();
                        })));
  }
}
