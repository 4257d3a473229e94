package com.ilert.ilagent.cli;

import com.ilert.ilagent.Agent;
import com.ilert.ilagent.Errors;
import com.ilert.ilagent.ExitCodes;
import com.ilert.ilagent.ilert.IlertAnswer;
import com.ilert.ilagent.ilert.IlertClient;
import com.ilert.ilagent.logging.Logging;
import com.ilert.ilagent.redaction.Redaction;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.PrintWriter;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.slf4j.Logger;
import picocli.CommandLine;

/**
 * Sends one request to ilert for a one-shot command: a Vert.x of its own for this one request, the
 * calling (main) thread blocked until the answer, no retries; the caller decides whether to try
 * again. Exit codes: 0 accepted (202), 1 any other answer or no answer.
 */
final class OneShot {
  /** Slack on top of the request timeout for connecting and closing; the await never hangs. */
  private static final long AWAIT_SLACK_MS = 5_000;

  private OneShot() {}

  /**
   * Logs from now on as -v asks (on stderr), and warns of each proxy variable that is not used.
   *
   * @param log the command's logger
   */
  static void startLogging(OneShotOptions.Resolved options, Logger log) {
    Logging.configureCommand(options.verbosity(), options.rustLog());
    options.proxies().problems().forEach(problem -> log.warn("{}", problem));
  }

  /**
   * @param what what was sent, for the messages ("event", "heartbeat ping")
   * @param target method and URL for the messages, with the key already masked
   */
  static int send(
      CommandLine cmd,
      OneShotOptions.Resolved options,
      String what,
      String target,
      Function<IlertClient, Future<IlertAnswer>> request) {
    PrintWriter out = cmd.getOut();
    PrintWriter err = cmd.getErr();
    Vertx vertx = Vertx.vertx(Agent.vertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
    IlertClient client =
        new IlertClient(
            vertx,
            options.apiUrl(),
            options.heartbeatUrl(),
            1,
            options.requestTimeoutMs(),
            options.proxies());
    try {
      IlertAnswer answer;
      try {
        answer =
            request
                .apply(client)
                .await(options.requestTimeoutMs() * 2 + AWAIT_SLACK_MS, TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        // await() rethrows the failure as it is, checked exceptions included.
        Throwable cause = unwrap(e);
        String problem =
            cause instanceof TimeoutException
                ? "no answer from ilert within " + options.requestTimeoutMs() + " ms"
                : "cannot reach ilert: " + describe(cause, options.key());
        return failed(err, target + ": " + problem);
      }
      if (answer.status() == 202) {
        String id = answer.correlationId();
        out.println(
            "ilert accepted the "
                + what
                + (id == null || id.isBlank() ? "" : " (correlation-id " + id + ")"));
        out.flush();
        return ExitCodes.OK;
      }
      String body =
          answer.body().isEmpty()
              ? "(empty answer)"
              : Redaction.keyIn(answer.body(), options.key());
      return failed(
          err,
          target + ": ilert answered " + answer.status() + hint(answer.status()) + ": " + body);
    } finally {
      client.close();
      try {
        vertx.close().await(AWAIT_SLACK_MS, TimeUnit.MILLISECONDS);
      } catch (Exception ignored) {
        // The answer is what matters; the process ends anyway.
      }
    }
  }

  private static int failed(PrintWriter err, String message) {
    err.println(Cli.PREFIX + message);
    err.flush();
    return ExitCodes.FAILURE;
  }

  /** What the status usually means; the body that follows says the rest. */
  private static String hint(int status) {
    return switch (status) {
      case 400 -> " (the event was rejected)";
      case 401, 403, 404 ->
          " (is the key right, and does it belong to the right kind of alert source?)";
      case 429 -> " (rate limited; try again later)";
      default -> status >= 500 ? " (ilert-side error; try again later)" : "";
    };
  }

  private static Throwable unwrap(Throwable e) {
    Throwable t = e;
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /** The network error's own message, which may quote the request URI: key masked. */
  private static String describe(Throwable t, String key) {
    String msg = Errors.describe(t);
    return Redaction.keyIn(msg.replace('\n', ' ').replace('\r', ' ').strip(), key);
  }
}
