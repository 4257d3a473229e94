package com.ilert.ilagent.ilert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.ilert.ilagent.ilert.PolicyResult.Step;
import com.ilert.ilagent.mapping.MappingResult.PolicyUpdate;
import com.ilert.ilagent.testkit.Fault;
import com.ilert.ilagent.testkit.IlertStandIn;
import com.ilert.ilagent.testkit.Received;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The three escalation-policy requests against the ilert stand-in. */
class PolicyClientTest {
  private static final String TOKEN = "ilert-api-token-5ecret-0123456789";
  private static final String EMAIL = "oncall@example.com";
  private static final String ROUTING_KEY = "powerplantthree50";

  private Vertx vertx;
  private IlertStandIn ilert;
  private IlertClient client;
  private PolicyClient policies;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    ilert =
        new IlertStandIn()
            .start()
            .requireApiToken(TOKEN)
            .user(EMAIL, 99)
            .policy(ROUTING_KEY, 42, 0, 5, 15);
    client = new IlertClient(vertx, ilert.apiUrl(), ilert.heartbeatUrl(), 4, 2_000);
    policies = new PolicyClient(client, TOKEN);
  }

  @AfterEach
  void stop() throws Exception {
    client.close();
    ilert.close();
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private PolicyResult apply(String email, int level, String routingKey) throws Exception {
    return policies.apply(new PolicyUpdate(email, level, routingKey)).await(10, TimeUnit.SECONDS);
  }

  @Test
  void theLevelGetsTheUserFoundByEmailWithThatLevelsTimeout() throws Exception {
    PolicyResult result = apply(EMAIL, 1, ROUTING_KEY);

    assertThat(result.outcome()).as(result.detail()).isEqualTo(Outcome.DELIVERED);
    assertThat(result.step()).isEqualTo(Step.UPDATE_LEVEL);
    assertThat(result.answer().status()).isEqualTo(200);
    assertThat(result.detail())
        .isEqualTo("set user o***@example.com (id 99) on level 1 of escalation policy 42")
        .doesNotContain(TOKEN);
    List<Received> requests = ilert.policyRequests();
    assertThat(requests).extracting(Received::method).containsExactly("POST", "GET", "PUT");
    assertThat(requests.get(0).path()).isEqualTo("/api/users/search-email");
    assertThat(requests.get(0).body()).isEqualTo(new JsonObject().put("email", EMAIL));
    assertThat(requests.get(1).path()).isEqualTo("/api/escalation-policies/resolve");
    assertThat(requests.get(1).queryParam("routing-key")).isEqualTo(ROUTING_KEY);
    Received put = ilert.levelUpdates().get(0);
    assertThat(put.path()).isEqualTo("/api/escalation-policies/42/levels/1");
    assertThat(put.body())
        .isEqualTo(
            new JsonObject()
                .put("escalationTimeout", 5)
                .put("users", new JsonArray().add(new JsonObject().put("id", 99))));
    assertThat(put.headers().get("Content-Type")).isEqualTo("application/json");
    assertThat(requests)
        .allSatisfy(r -> assertThat(r.headers().get("Accept")).isEqualTo("application/json"));
    assertThat(requests.get(1).headers()).as("a GET has no body").doesNotContainKey("Content-Type");
  }

  @Test
  void everyRequestCarriesTheBearerToken() throws Exception {
    apply(EMAIL, 0, ROUTING_KEY);
    apply("nobody@example.com", 0, ROUTING_KEY);
    apply(EMAIL, 0, "unknown");

    assertThat(ilert.policyRequests())
        .hasSize(3 + 1 + 2)
        .allSatisfy(
            r -> assertThat(r.authorization()).as(r.describe()).isEqualTo("Bearer " + TOKEN));
  }

  @Test
  void levelZeroAndALevelBeyondTheRulesTimeoutDefaultToTheRuleOrOne() {
    JsonObject policy =
        new JsonObject()
            .put("id", 1)
            .put(
                "escalationRules",
                new JsonArray()
                    .add(new JsonObject().put("escalationTimeout", 0))
                    .add(new JsonObject())
                    .add(new JsonObject().put("escalationTimeout", "5")));
    assertThat(PolicyClient.escalationTimeout(policy, 0)).isZero();
    assertThat(PolicyClient.escalationTimeout(policy, 1)).as("rule without timeout").isEqualTo(1);
    assertThat(PolicyClient.escalationTimeout(policy, 2)).as("not a number").isEqualTo(1);
    assertThat(PolicyClient.escalationTimeout(policy, 3)).as("no such rule").isEqualTo(1);
    assertThat(PolicyClient.escalationTimeout(new JsonObject().put("id", 1), 0))
        .as("no rules")
        .isEqualTo(1);
  }

  @Test
  void anUnknownRoutingKeyIsPermanentAndNothingIsUpdated() throws Exception {
    PolicyResult result = apply(EMAIL, 1, "nowhere");

    assertThat(result.outcome()).isEqualTo(Outcome.PERMANENT);
    assertThat(result.step()).isEqualTo(Step.RESOLVE_POLICY);
    assertThat(result.answer().status()).isEqualTo(404);
    assertThat(result.detail())
        .isEqualTo("resolve the escalation policy of routing key nowhere: ilert answered 404");
    assertThat(ilert.policyRequests()).extracting(Received::method).containsExactly("POST", "GET");
  }

  @Test
  void anUnknownUserIsPermanentAndThePolicyIsNotEvenResolved() throws Exception {
    PolicyResult result = apply("nobody@example.com", 1, ROUTING_KEY);

    assertThat(result.outcome()).isEqualTo(Outcome.PERMANENT);
    assertThat(result.step()).isEqualTo(Step.FIND_USER);
    assertThat(result.answer().status()).isEqualTo(404);
    assertThat(result.answer().body()).contains("User not found");
    assertThat(result.detail()).isEqualTo("find user n***@example.com: ilert answered 404");
    assertThat(ilert.policyRequests()).hasSize(1);
  }

  @Test
  void aLevelThePolicyDoesNotHaveIsPermanent() throws Exception {
    PolicyResult result = apply(EMAIL, 7, ROUTING_KEY);

    assertThat(result.outcome()).isEqualTo(Outcome.PERMANENT);
    assertThat(result.step()).isEqualTo(Step.UPDATE_LEVEL);
    assertThat(result.detail())
        .startsWith("set user o***@example.com (id 99) on level 7 of escalation policy 42")
        .endsWith("ilert answered 404");
  }

  @Test
  void aServiceUnavailableInAnyStepIsRetryable() throws Exception {
    ilert.fault(Fault.status(503).matching(r -> r.method().equals("GET")).times(1));

    PolicyResult result = apply(EMAIL, 1, ROUTING_KEY);

    assertThat(result.outcome()).isEqualTo(Outcome.RETRYABLE);
    assertThat(result.step()).isEqualTo(Step.RESOLVE_POLICY);
    assertThat(result.answer().status()).isEqualTo(503);
    assertThat(ilert.levelUpdates()).isEmpty();
    // The caller tries again once the outage is over, and the update goes through.
    assertThat(apply(EMAIL, 1, ROUTING_KEY).outcome()).isEqualTo(Outcome.DELIVERED);
    assertThat(ilert.levelUpdates()).hasSize(1);
  }

  @Test
  void aRateLimitIsRateLimitedWithTheRetryAfterOfThatAnswer() throws Exception {
    ilert.fault(
        Fault.status(429).header("Retry-After", "7").matching(Received::isLevelUpdate).times(1));

    PolicyResult result = apply(EMAIL, 2, ROUTING_KEY);

    assertThat(result.outcome()).isEqualTo(Outcome.RATE_LIMITED);
    assertThat(result.step()).isEqualTo(Step.UPDATE_LEVEL);
    assertThat(result.answer().retryAfter()).isEqualTo("7");
  }

  @Test
  void noAnswerIsRetryable() throws Exception {
    ilert.fault(Fault.drop().matching(Received::isPolicy).times(1));
    PolicyResult dropped = apply(EMAIL, 1, ROUTING_KEY);
    assertThat(dropped.outcome()).isEqualTo(Outcome.RETRYABLE);
    assertThat(dropped.step()).isEqualTo(Step.FIND_USER);
    assertThat(dropped.answer()).isNull();

    ilert.fault(Fault.hang().matching(Received::isPolicy).times(1));
    PolicyResult hung = apply(EMAIL, 1, ROUTING_KEY);
    assertThat(hung.outcome()).isEqualTo(Outcome.RETRYABLE);
    assertThat(hung.detail())
        .isEqualTo("find user o***@example.com: no complete answer within 2000 ms");
    assertThat(List.of(dropped.detail(), hung.detail())).noneMatch(d -> d.contains(TOKEN));
  }

  @Test
  void aSuccessWithoutIdIsPermanent() throws Exception {
    ilert.fault(
        Fault.status(200)
            .body(new JsonObject().put("email", EMAIL))
            .matching(Received::isPolicy)
            .times(1));
    PolicyResult result = apply(EMAIL, 1, ROUTING_KEY);
    assertThat(result.outcome()).isEqualTo(Outcome.PERMANENT);
    assertThat(result.detail())
        .isEqualTo("find user o***@example.com: ilert answered 200 without an id");
  }

  @Test
  void aWrongTokenIsPermanentAndTheTokenIsInNoTextOfTheResult() throws Exception {
    String wrong = "wrong-token-0123456789-abcdef";
    ilert.fault(
        Fault.status(401)
            .message("Invalid token " + wrong, "UNAUTHORIZED")
            .matching(Received::isPolicy));
    PolicyResult result =
        new PolicyClient(client, wrong)
            .apply(new PolicyUpdate(EMAIL, 1, ROUTING_KEY))
            .await(10, TimeUnit.SECONDS);

    assertThat(result.outcome()).isEqualTo(Outcome.PERMANENT);
    assertThat(result.answer().status()).isEqualTo(401);
    assertThat(result.detail()).doesNotContain(wrong);
    assertThat(result.answer().body()).contains("Invalid token ****").doesNotContain(wrong);
    assertThat(result.toString()).doesNotContain(wrong);
  }

  @Test
  void theTokenIsRequired() {
    assertThatThrownBy(() -> new PolicyClient(client, " "))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
