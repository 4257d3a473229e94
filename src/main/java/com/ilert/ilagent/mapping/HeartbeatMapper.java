package com.ilert.ilagent.mapping;

/**
 * Turns a heartbeat-topic record ({@code {"integrationKey": "..."}} or {@code {"apiKey": "..."}})
 * into a ping. Stateless; one instance serves every thread. Same input checks and limits as {@link
 * EventMapper}.
 */
public final class HeartbeatMapper {

  /** Maps one record's value. Never throws. */
  public MappingResult map(byte[] value) {
    try {
      return new MappingResult.Heartbeat(
          JsonRecords.integrationKey(JsonRecords.parseObject(value)));
    } catch (Rejection r) {
      return r.toSkip();
    } catch (RuntimeException e) {
      return Rejection.unexpected(e);
    }
  }
}
