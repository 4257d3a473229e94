package com.ilert.ilagent.sim;

import com.ilert.ilagent.ilert.IlertAnswer;
import com.ilert.ilagent.ilert.IlertApi;
import com.ilert.ilagent.sim.Ledger.Kind;
import com.ilert.ilagent.sim.Ledger.Rec;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.net.ConnectException;
import java.util.concurrent.TimeoutException;

/**
 * The model ilert: 202, 400 for an unknown key, 5xx, 429 with and without Retry-After (extreme
 * values included), refused and reset connections, answers that trickle past the request timeout.
 * Its rate limit is ilert's kind: so many requests per key in a fixed window, then 429 until the
 * window resets; its Retry-After says when, or is missing, or is a proxy's or a WAF's (a day, 16
 * digits, a date far ahead or in the past, garbage). ilert processes a request within 200 ms of its
 * sending (accepting it or not); only the answer may come late or never. What it accepted goes to
 * the {@link Ledger}, in the order it accepted it.
 */
final class ModelIlert implements IlertApi {
  /** Retry-After values a proxy, a WAF or ilert itself might send. */
  static final String[] RETRY_AFTER = {
    null,
    null,
    "0",
    "1",
    "5",
    "30",
    "86400",
    "1234567890123456",
    "Fri, 31 Dec 9999 23:59:59 GMT",
    "Thu, 01 Jan 1970 00:00:00 GMT",
    "soon"
  };

  private final Scheduler s;
  private final Cluster cluster;
  private final Ledger ledger;
  private final Faults faults;
  private final SimLoop loop;
  private final long requestTimeoutMs;
  private final java.util.Map<String, long[]> windows = new java.util.HashMap<>();

  ModelIlert(
      Scheduler s, Cluster cluster, Ledger ledger, Faults faults, SimLoop loop, long timeoutMs) {
    this.s = s;
    this.cluster = cluster;
    this.ledger = ledger;
    this.faults = faults;
    this.loop = loop;
    this.requestTimeoutMs = timeoutMs;
  }

  @Override
  public Future<IlertAnswer> sendEvent(String integrationKey, byte[] body) {
    return request(ledger.get(idIn(body)), integrationKey);
  }

  @Override
  public Future<IlertAnswer> sendGenericEvent(byte[] body) {
    return request(ledger.get(idIn(body)), null);
  }

  @Override
  public Future<IlertAnswer> ping(String key) {
    return request(null, key);
  }

  private Future<IlertAnswer> request(Rec rec, String key) {
    Promise<IlertAnswer> answer = Promise.promise();
    if (rec == null) {
      ledger.pinged(key, s.now());
      if (s.trace.on()) {
        s.trace.add(s.now(), "ilert", "ping " + key);
      }
    }
    Faults.Ilert mode = faults.ilert;
    int roll = s.random.nextInt(100);
    if ((mode == Faults.Ilert.OUTAGE && roll < 30) || (mode == Faults.Ilert.FLAKY && roll < 5)) {
      faults.hit("ilert-refused");
      loop.setTimer(
          1 + s.random.nextInt(50),
          () -> answer.tryFail(new ConnectException("Connection refused")));
      return answer.future();
    }
    int status = 202;
    String retryAfter = null;
    long answerDelay = 1 + s.random.nextInt(50);
    boolean reset = false;
    if (rec != null && rec.kind == Kind.REJECTED_EVENT) {
      status = 400;
    } else {
      switch (mode) {
        case OUTAGE:
          status = 503;
          break;
        case RATE_LIMITED:
          long[] w = windows.computeIfAbsent(key, k -> new long[] {s.now(), 0});
          if (s.now() >= w[0] + faults.windowMs) {
            w[0] = s.now() - (s.now() - w[0]) % faults.windowMs;
            w[1] = 0;
          }
          if (++w[1] > faults.allowance) {
            status = 429;
            int kind = s.random.nextInt(20);
            if (kind < 12) {
              retryAfter = Long.toString((w[0] + faults.windowMs - s.now() + 999) / 1_000);
            } else if (kind < 17) {
              retryAfter = null;
            } else {
              retryAfter = RETRY_AFTER[s.random.nextInt(RETRY_AFTER.length)];
            }
          }
          break;
        case SLOW:
          answerDelay = 1_000 + s.random.nextInt(14_000);
          break;
        case FLAKY:
          if (roll < 20) {
            status = 503;
          } else if (roll < 23) {
            status = 429;
            retryAfter = RETRY_AFTER[s.random.nextInt(RETRY_AFTER.length)];
          } else if (roll < 40) {
            answerDelay = 1_000 + s.random.nextInt(14_000);
          } else if (roll < 45) {
            reset = true;
          }
          break;
        default:
          break;
      }
    }
    long processDelay = s.random.nextInt(200);
    int finalStatus = status;
    s.after(processDelay, () -> process(rec, key, finalStatus));
    if (status == 429) {
      faults.hit(retryAfter == null ? "ilert-429" : "ilert-429-retry-after-" + retryAfter);
    } else if (status >= 500) {
      faults.hit("ilert-503");
    }
    long total = processDelay + answerDelay;
    if (total > requestTimeoutMs) {
      faults.hit("ilert-answer-trickles-past-timeout");
      loop.setTimer(
          requestTimeoutMs,
          () ->
              answer.tryFail(
                  new TimeoutException("no complete answer within " + requestTimeoutMs + " ms")));
    } else if (reset) {
      faults.hit("ilert-reset-after-processing");
      loop.setTimer(total, () -> answer.tryFail(new java.io.IOException("Connection reset")));
    } else {
      IlertAnswer a =
          new IlertAnswer(finalStatus, retryAfter, null, finalStatus == 202 ? "" : "{}");
      loop.setTimer(total, () -> answer.tryComplete(a));
    }
    return answer.future();
  }

  private void process(Rec rec, String key, int status) {
    if (rec == null) {
      return;
    }
    if (status == 202) {
      ledger.accepted(rec, s.now());
      if (s.trace.on()) {
        s.trace.add(s.now(), "ilert", "accepted " + rec);
      }
    } else if (status == 400) {
      rec.rejected = true;
    }
    cluster.touched(rec);
  }

  /** The record id a body or value carries: {@code "summary":"r<id>"} or {@code not json <id>}. */
  static long idIn(byte[] bytes) {
    String text = new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
    int at = text.indexOf("\"summary\":\"r");
    int from;
    if (at >= 0) {
      from = at + "\"summary\":\"r".length();
    } else if (text.startsWith("not json ")) {
      from = "not json ".length();
    } else {
      return -1;
    }
    long id = 0;
    int i = from;
    while (i < text.length() && Character.isDigit(text.charAt(i))) {
      id = id * 10 + (text.charAt(i) - '0');
      i++;
    }
    return i == from ? -1 : id;
  }
}
