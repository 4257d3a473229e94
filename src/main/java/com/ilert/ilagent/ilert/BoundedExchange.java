package com.ilert.ilagent.ilert;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.RequestOptions;
import java.util.concurrent.TimeoutException;

/**
 * One request from connecting to the last byte of the answer. A timer bounds the whole of it: a
 * server (or proxy) that trickles its answer a byte at a time never counts as idle, so an idle
 * timeout alone would let it hold a delivery slot forever. The answer body is kept up to {@code
 * maxBodyBytes}; beyond that the request is reset, which closes the connection, so a huge or
 * endless body is never read, let alone buffered.
 */
final class BoundedExchange {
  private final Promise<HttpAnswer> promise = Promise.promise();
  private final Vertx vertx;
  private final HttpClientAgent client;
  private final long requestTimeoutMs;
  private final int maxBodyBytes;
  // Set on the request's context, read by the timer: volatile, and each side checks after
  // writing, so one of them always resets a request that outlived the bound.
  private volatile HttpClientRequest request;
  private long timer;

  BoundedExchange(Vertx vertx, HttpClientAgent client, long requestTimeoutMs, int maxBodyBytes) {
    this.vertx = vertx;
    this.client = client;
    this.requestTimeoutMs = requestTimeoutMs;
    this.maxBodyBytes = maxBodyBytes;
  }

  /** Sends the request; the future ends with the whole answer, or fails. */
  Future<HttpAnswer> start(RequestOptions options, Buffer body) {
    timer = vertx.setTimer(requestTimeoutMs, id -> timedOut());
    client
        .request(options)
        .onComplete(
            ar -> {
              if (ar.failed()) {
                fail(ar.cause());
                return;
              }
              HttpClientRequest req = ar.result();
              request = req;
              if (promise.future().isComplete()) {
                req.reset(); // the bound passed while connecting
                return;
              }
              (body == null ? req.send() : req.send(body))
                  .onComplete(
                      sent -> {
                        if (sent.failed()) {
                          fail(sent.cause());
                        } else {
                          read(sent.result());
                        }
                      });
            });
    return promise.future();
  }

  private void read(HttpClientResponse response) {
    Buffer kept = Buffer.buffer();
    response.handler(
        chunk -> {
          if (promise.future().isComplete()) {
            return;
          }
          int room = maxBodyBytes - kept.length();
          if (chunk.length() <= room) {
            kept.appendBuffer(chunk);
            return;
          }
          kept.appendBuffer(chunk, 0, room);
          complete(response, kept, true);
          request.reset();
        });
    response.exceptionHandler(this::fail);
    response.endHandler(v -> complete(response, kept, false));
  }

  private void timedOut() {
    if (promise.tryFail(
        new TimeoutException("no complete answer within " + requestTimeoutMs + " ms"))) {
      HttpClientRequest req = request;
      if (req != null) {
        req.reset();
      }
    }
  }

  private void complete(HttpClientResponse response, Buffer body, boolean cut) {
    vertx.cancelTimer(timer);
    promise.tryComplete(
        new HttpAnswer(
            response.statusCode(),
            response.getHeader("Retry-After"),
            response.getHeader("correlation-id"),
            body,
            cut));
  }

  private void fail(Throwable err) {
    vertx.cancelTimer(timer);
    promise.tryFail(err);
  }
}
