package com.ilert.ilagent.ilert;

import static org.assertj.core.api.Assertions.assertThat;

import com.ilert.ilagent.mapping.MappingResult.PolicyUpdate;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Escalation policies with many levels and users are answered as large JSON documents: they are
 * read whole, up to a cap far above real policies; beyond it the update is rejected saying why.
 */
class PolicyAnswerSizeTest {
  private final Vertx vertx = Vertx.vertx();
  private IlertClient client;

  @AfterEach
  void close() throws Exception {
    if (client != null) {
      client.close();
    }
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  /** A policy of {@code levels} levels of {@code users} users each, as ilert returns them. */
  private static Buffer policy(int levels, int users) {
    JsonArray rules = new JsonArray();
    for (int level = 0; level < levels; level++) {
      JsonArray list = new JsonArray();
      for (int u = 0; u < users; u++) {
        list.add(
            new JsonObject()
                .put("id", level * 1_000 + u)
                .put("username", "user" + u)
                .put("firstName", "Firstname" + u)
                .put("lastName", "Lastname-of-user-" + u)
                .put("email", "user" + u + "@example.com")
                .put("timezone", "Europe/Berlin")
                .put("position", "Site reliability engineer")
                .put("department", "Operations and infrastructure")
                .put("avatarUrl", "https://avatars.example.com/u/" + u + "?s=128&d=identicon")
                .put("notificationPreferences", "x".repeat(300)));
      }
      rules.add(new JsonObject().put("escalationTimeout", 5 * level).put("users", list));
    }
    return new JsonObject().put("id", 42).put("escalationRules", rules).toBuffer();
  }

  private PolicyResult apply(Buffer policy) throws Exception {
    HttpServer server =
        vertx
            .createHttpServer()
            .requestHandler(
                req -> {
                  if (req.path().endsWith("/users/search-email")) {
                    req.response().setStatusCode(200).end("{\"id\":99}");
                  } else if (req.path().endsWith("/resolve")) {
                    req.response().setStatusCode(200).end(policy);
                  } else {
                    req.response().setStatusCode(200).end("{}");
                  }
                })
            .listen(0)
            .await(10, TimeUnit.SECONDS);
    String url = "http://127.0.0.1:" + server.actualPort() + "/api";
    client = new IlertClient(vertx, url, url, 4, 10_000);
    return new PolicyClient(client, "token")
        .apply(new PolicyUpdate("oncall@example.com", 3, "powerplantthree50"))
        .await(20, TimeUnit.SECONDS);
  }

  @Test
  void aPolicyOfManyLevelsAndUsersIsReadWhole() throws Exception {
    Buffer large = policy(20, 50);
    assertThat(large.length())
        .as("far over the 64 KiB that events' answers are cut at")
        .isGreaterThan(512 * 1024);

    PolicyResult result = apply(large);

    assertThat(result.outcome()).as(result.detail()).isEqualTo(Outcome.DELIVERED);
  }

  @Test
  void aPolicyAnswerBeyondTheCapIsRejectedSayingSo() throws Exception {
    Buffer huge = Buffer.buffer().appendString("{\"id\":42,\"pad\":\"");
    huge.appendString("x".repeat(IlertClient.MAX_POLICY_BODY_BYTES)).appendString("\"}");

    PolicyResult result = apply(huge);

    assertThat(result.outcome()).isEqualTo(Outcome.PERMANENT);
    assertThat(result.detail()).contains("more than " + IlertClient.MAX_POLICY_BODY_BYTES);
  }
}
