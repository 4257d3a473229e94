package com.ilert.ilagent.bench;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.util.BitSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A lean ilert stand-in for throughput runs: answers {@code POST /api/v1/events/kafka/{key}} with
 * 202 after a configurable latency, on one event loop, and counts per run which event sequence
 * numbers arrived (from the body's {@code "details":"<seq>"}) and when. It does none of the
 * recording and validation of the test kit's {@code IlertStandIn} (which the rate-limit scenario
 * uses), so the stand-in costs the shared CPU as little as possible.
 */
final class BenchIlert implements AutoCloseable {
  private static final String EVENTS = "/api/v1/events/kafka/";
  private static final byte[] DETAILS = "\"details\":\"".getBytes();

  private final Vertx vertx =
      Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
  private final HttpServer server;
  private volatile long latencyMs;
  private volatile Run run;

  /** One measured run: events with sequence numbers {@code [first, first + count)}. */
  static final class Run {
    final long first;
    final int count;
    final BitSet seen;
    final long[] arrivedNanos;
    final CountDownLatch all = new CountDownLatch(1);
    int distinct;
    int requests;
    long lastNanos;
    long firstNanos;

    Run(long first, int count) {
      this.first = first;
      this.count = count;
      this.seen = new BitSet(count);
      this.arrivedNanos = new long[count];
    }

    synchronized void answered(long seq, long arrived) {
      requests++;
      if (firstNanos == 0) {
        firstNanos = arrived;
      }
      long i = seq - first;
      if (i < 0 || i >= count || seen.get((int) i)) {
        return; // a duplicate, or an event of another run
      }
      seen.set((int) i);
      arrivedNanos[(int) i] = arrived;
      lastNanos = System.nanoTime();
      if (++distinct == count) {
        all.countDown();
      }
    }

    boolean await(long timeoutMs) throws InterruptedException {
      return all.await(timeoutMs, TimeUnit.MILLISECONDS);
    }

    synchronized int distinct() {
      return distinct;
    }

    synchronized int requests() {
      return requests;
    }

    synchronized long lastNanos() {
      return lastNanos;
    }
  }

  BenchIlert() {
    server =
        vertx
            .createHttpServer(
                new HttpServerOptions().setHost("127.0.0.1").setPort(0).setTcpNoDelay(true))
            .requestHandler(this::handle);
    server.listen().await();
  }

  String apiUrl() {
    return "http://127.0.0.1:" + server.actualPort() + "/api";
  }

  void latency(long ms) {
    latencyMs = ms;
  }

  /** Starts counting a new run; events of other runs are ignored from now on. */
  Run newRun(long first, int count) {
    Run r = new Run(first, count);
    run = r;
    return r;
  }

  private void handle(HttpServerRequest req) {
    if (req.method() != HttpMethod.POST || !req.path().startsWith(EVENTS)) {
      req.response().setStatusCode(404).end();
      return;
    }
    req.body()
        .onSuccess(
            body -> {
              long arrived = System.nanoTime();
              long seq = seq(body);
              Run r = run;
              long delay = latencyMs;
              if (delay > 0) {
                vertx.setTimer(delay, id -> answer(req, r, seq, arrived));
              } else {
                answer(req, r, seq, arrived);
              }
            });
  }

  private static void answer(HttpServerRequest req, Run r, long seq, long arrived) {
    req.response().setStatusCode(202).putHeader("content-type", "application/json").end("{}");
    if (r != null && seq >= 0) {
      r.answered(seq, arrived);
    }
  }

  /** The digits after {@code "details":"}, or -1. */
  private static long seq(Buffer body) {
    byte[] b = body.getBytes();
    outer:
    for (int i = 0; i + DETAILS.length < b.length; i++) {
      for (int j = 0; j < DETAILS.length; j++) {
        if (b[i + j] != DETAILS[j]) {
          continue outer;
        }
      }
      long v = 0;
      int k = i + DETAILS.length;
      if (k >= b.length || b[k] < '0' || b[k] > '9') {
        return -1;
      }
      while (k < b.length && b[k] >= '0' && b[k] <= '9') {
        v = v * 10 + (b[k++] - '0');
      }
      return v;
    }
    return -1;
  }

  @Override
  public void close() {
    server.close().await();
    vertx.close().await();
  }
}
