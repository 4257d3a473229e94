package com.ilert.ilagent.mapping;

/**
 * What a record becomes: an ilert event, an event queued by the HTTP API, a heartbeat ping, an
 * escalation-policy update, or a reason to skip it.
 */
public sealed interface MappingResult
    permits MappingResult.Event,
        MappingResult.GenericEvent,
        MappingResult.Heartbeat,
        MappingResult.PolicyUpdate,
        MappingResult.Skip {

  /**
   * An ilert event ready to POST to {@code /v1/events/kafka/{integrationKey}}.
   *
   * @param alertKey the event's alertKey, or null
   * @param body the JSON body, UTF-8
   */
  record Event(String integrationKey, String alertKey, String eventType, byte[] body)
      implements MappingResult {}

  /**
   * An ilert event to POST as it is to the generic {@code /events} (key in the body): one the HTTP
   * API queued ({@link ApiEvent}). Ordered, paced and retried like an {@link Event}.
   *
   * @param alertKey the event's alertKey, or null (also for a blank one: nothing to group by)
   * @param body the JSON body, UTF-8, exactly as queued
   */
  record GenericEvent(String integrationKey, String alertKey, String eventType, byte[] body)
      implements MappingResult {}

  /** A heartbeat ping for the given key. */
  record Heartbeat(String integrationKey) implements MappingResult {}

  /**
   * "This person is on call at this level": the user with {@code email} becomes the user of level
   * {@code level} (0-based) of the escalation policy that {@code routingKey} resolves to.
   */
  record PolicyUpdate(String email, int level, String routingKey) implements MappingResult {}

  /**
   * The record is not sent. {@code detail} is a short human text for the log line; it never holds
   * an integration key in clear nor the payload.
   */
  record Skip(SkipReason reason, String detail) implements MappingResult {}
}
