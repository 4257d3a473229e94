package com.ilert.ilagent.ilert;

import com.ilert.ilagent.Errors;
import com.ilert.ilagent.ilert.PolicyResult.Step;
import com.ilert.ilagent.mapping.MappingResult.PolicyUpdate;
import com.ilert.ilagent.redaction.Redaction;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Applies an escalation-policy update with the ilert API, as the Rust program does: find the user
 * by e-mail, resolve the policy by routing key, set the level's users.
 *
 * <ol>
 *   <li>{@code POST {api}/users/search-email} {@code {"email": ...}} → the user, {@code {"id": 99}}
 *   <li>{@code GET {api}/escalation-policies/resolve?routing-key=...} → the policy, {@code {"id":
 *       42, "escalationRules": [{"escalationTimeout": 0}, ...]}}
 *   <li>{@code PUT {api}/escalation-policies/42/levels/{level}} {@code {"escalationTimeout": <that
 *       rule's timeout, or 1 if absent>, "users": [{"id": 99}]}}
 * </ol>
 *
 * Every request carries {@code Authorization: Bearer <token>}. One attempt per step and no retry
 * here: the caller retries a RETRYABLE or RATE_LIMITED result as a whole (steps 1 and 2 only read,
 * step 3 sets the same value again). The returned future always succeeds; network errors and
 * timeouts are RETRYABLE results. Uses the {@link IlertClient}'s connection pool; the token never
 * appears in a detail or answer text.
 */
public final class PolicyClient {
  private final IlertClient client;
  private final String token;
  private final String authorization;

  /**
   * @param apiToken the ilert API token (ILERT_API_KEY), without the "Bearer " prefix
   */
  public PolicyClient(IlertClient client, String apiToken) {
    if (apiToken == null || apiToken.isBlank()) {
      throw new IllegalArgumentException("an API token is required");
    }
    this.client = client;
    this.token = apiToken;
    this.authorization = "Bearer " + apiToken;
  }

  /** Runs the three steps for {@code update}; see the class comment for the outcome. */
  public Future<PolicyResult> apply(PolicyUpdate update) {
    String who = "user " + Redaction.email(update.email());
    Buffer search = new JsonObject().put("email", update.email()).toBuffer();
    return call(Step.FIND_USER, "find " + who, HttpMethod.POST, "/users/search-email", search)
        .compose(
            user ->
                user.ended()
                    ? Future.succeededFuture(user.result)
                    : resolve(update, who, user.json.getValue("id")));
  }

  private Future<PolicyResult> resolve(PolicyUpdate update, String who, Object userId) {
    String what = "resolve the escalation policy of routing key " + update.routingKey();
    String path = "/escalation-policies/resolve?routing-key=" + encode(update.routingKey());
    return call(Step.RESOLVE_POLICY, what, HttpMethod.GET, path, null)
        .compose(
            policy ->
                policy.ended()
                    ? Future.succeededFuture(policy.result)
                    : setLevel(update, who, userId, policy.json));
  }

  private Future<PolicyResult> setLevel(
      PolicyUpdate update, String who, Object userId, JsonObject policy) {
    Object policyId = policy.getValue("id");
    String what =
        "set "
            + who
            + " (id "
            + userId
            + ") on level "
            + update.level()
            + " of escalation policy "
            + policyId;
    JsonObject body =
        new JsonObject()
            .put("escalationTimeout", escalationTimeout(policy, update.level()))
            .put("users", new JsonArray().add(new JsonObject().put("id", userId)));
    String path =
        "/escalation-policies/" + encode(String.valueOf(policyId)) + "/levels/" + update.level();
    return call(Step.UPDATE_LEVEL, what, HttpMethod.PUT, path, body.toBuffer())
        .map(
            put ->
                put.ended()
                    ? put.result
                    : new PolicyResult(Outcome.DELIVERED, Step.UPDATE_LEVEL, put.answer, what));
  }

  /** The timeout of the rule at {@code level}, or 1 when the policy has none there. */
  static long escalationTimeout(JsonObject policy, int level) {
    if (policy.getValue("escalationRules") instanceof JsonArray rules
        && level < rules.size()
        && rules.getValue(level) instanceof JsonObject rule
        && rule.getValue("escalationTimeout") instanceof Number n
        && n.doubleValue() == Math.rint(n.doubleValue())) {
      return n.longValue();
    }
    return 1;
  }

  /** One step's answer: either the JSON the next step needs, or the result that ends the update. */
  private record StepAnswer(JsonObject json, IlertAnswer answer, PolicyResult result) {
    boolean ended() {
      return result != null;
    }
  }

  private Future<StepAnswer> call(
      Step step, String what, HttpMethod method, String path, Buffer body) {
    return client
        .api(method, path, authorization, body)
        .map(answer -> classify(step, what, answer))
        .otherwise(err -> end(Outcome.RETRYABLE, step, null, what + ": " + describe(err)));
  }

  private StepAnswer classify(Step step, String what, HttpAnswer http) {
    IlertAnswer answer = scrub(http.toIlertAnswer());
    Outcome outcome = ResponseClassifier.classify(http.status());
    if (outcome != Outcome.DELIVERED) {
      return end(outcome, step, answer, what + ": ilert answered " + http.status());
    }
    if (step == Step.UPDATE_LEVEL) {
      return new StepAnswer(null, answer, null);
    }
    if (http.cut()) {
      return end(
          Outcome.PERMANENT,
          step,
          answer,
          what
              + ": ilert answered "
              + http.status()
              + " with more than "
              + IlertClient.MAX_POLICY_BODY_BYTES
              + " bytes, not read");
    }
    JsonObject json;
    try {
      json = http.body() == null || http.body().length() == 0 ? null : http.body().toJsonObject();
    } catch (DecodeException | ClassCastException e) {
      json = null;
    }
    if (json == null || json.getValue("id") == null) {
      return end(
          Outcome.PERMANENT,
          step,
          answer,
          what
              + ": ilert answered "
              + http.status()
              + (json == null ? " without a JSON object" : " without an id"));
    }
    return new StepAnswer(json, answer, null);
  }

  private static StepAnswer end(Outcome outcome, Step step, IlertAnswer answer, String detail) {
    return new StepAnswer(null, answer, new PolicyResult(outcome, step, answer, detail));
  }

  /** ilert's error text might quote the request; the token must not reach a log line. */
  private IlertAnswer scrub(IlertAnswer answer) {
    return answer.body().contains(token)
        ? new IlertAnswer(
            answer.status(),
            answer.retryAfter(),
            answer.correlationId(),
            answer.body().replace(token, "****"))
        : answer;
  }

  private String describe(Throwable err) {
    return Errors.describe(err).replace(token, "****").replace('\n', ' ').replace('\r', ' ');
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
