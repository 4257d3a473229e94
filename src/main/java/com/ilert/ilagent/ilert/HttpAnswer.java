package com.ilert.ilagent.ilert;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * An answer as read off the wire: the status, the headers the agent uses, and the body up to the
 * request's cap ({@link IlertClient#MAX_BODY_BYTES}, or {@link IlertClient#MAX_POLICY_BODY_BYTES}
 * for escalation-policy look-ups); {@code cut} when the answer was longer and not read to its end.
 * Callers that parse the body (escalation-policy look-ups) use it whole; for logging it becomes an
 * {@link IlertAnswer}.
 */
record HttpAnswer(int status, String retryAfter, String correlationId, Buffer body, boolean cut) {
  /** Answer bodies are logged; a proxy's HTML error page must not flood the log. */
  static final int MAX_LOGGED_CHARS = 500;

  /** ilert's answer to every accepted event and ping: its body is never shown. */
  static final int ACCEPTED = 202;

  IlertAnswer toIlertAnswer() {
    // Decoding the body of every accepted request for nothing cost about 1% of the agent's CPU.
    return new IlertAnswer(
        status, retryAfter, correlationId, status == ACCEPTED ? "" : loggable(body));
  }

  /** The body as one short line of text, or "" when there is none. */
  static String loggable(Buffer body) {
    if (body == null || body.length() == 0) {
      return "";
    }
    // Decoding more than is shown would be wasted on a 64 KiB body.
    int bytes = Math.min(body.length(), MAX_LOGGED_CHARS * 4);
    String text = body.getString(0, bytes, StandardCharsets.UTF_8.name());
    if (text.length() > MAX_LOGGED_CHARS) {
      text = text.substring(0, MAX_LOGGED_CHARS) + "...";
    } else if (bytes < body.length()) {
      text += "...";
    }
    return text.replace('\n', ' ').replace('\r', ' ');
  }
}
