package com.ilert.ilagent.mapping;

/**
 * What a record becomes: an ilert event, a heartbeat ping, an escalation-policy update, or a reason
 * to skip it.
 */
public sealed interface MappingResult
    permits MappingResult.Event,
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
