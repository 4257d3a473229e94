package com.ilert.ilagent.ilert;

import io.vertx.core.Future;

/**
 * The requests a record makes to ilert ({@link IlertClient} in the agent). A network error or
 * timeout fails the future; every HTTP answer, whatever its status, succeeds it.
 */
public interface IlertApi {
  /** POST {api}/v1/events/kafka/{integrationKey} with the event JSON as body. */
  Future<IlertAnswer> sendEvent(String integrationKey, byte[] body);

  /** POST {api}/events with the key in the body. */
  Future<IlertAnswer> sendGenericEvent(byte[] body);

  /** A heartbeat ping for {@code key}. */
  Future<IlertAnswer> ping(String key);
}
