package com.ilert.ilagent.delivery;

import com.ilert.ilagent.ilert.IlertApi;
import com.ilert.ilagent.ilert.PolicyClient;
import com.ilert.ilagent.ilert.Reply;
import com.ilert.ilagent.mapping.MappingResult;
import io.vertx.core.Future;

/**
 * The request a piece of work makes to ilert: an event (an HTTP API's one to the generic endpoint),
 * a heartbeat ping, or an escalation-policy update's requests; each answer as a {@link Reply} for
 * the dispatcher.
 */
public final class Requests {
  private final IlertApi client;
  private final PolicyClient policies;

  /**
   * @param policies the policy client, or null when there is no policy topic
   */
  public Requests(IlertApi client, PolicyClient policies) {
    this.client = client;
    this.policies = policies;
  }

  public Future<Reply> send(Work work) {
    if (work.result() instanceof MappingResult.Event event) {
      return Reply.of(
          client.sendEvent(event.integrationKey(), event.body()), event.integrationKey());
    }
    if (work.result() instanceof MappingResult.GenericEvent event) {
      return Reply.of(client.sendGenericEvent(event.body()), event.integrationKey());
    }
    if (work.result() instanceof MappingResult.PolicyUpdate update) {
      return policies.apply(update).map(r -> new Reply(r.outcome(), r.answer(), r.detail()));
    }
    String key = ((MappingResult.Heartbeat) work.result()).integrationKey();
    return Reply.of(client.ping(key), key);
  }
}
