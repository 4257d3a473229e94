package com.ilert.ilagent.mapping;

/**
 * The event-mapping options. Every string may be null, meaning the option was not given.
 * forwardHeaders puts the Kafka record headers under customDetails.headers.
 */
public record MappingConfig(
    String eventKey,
    String mapKeyAlertKey,
    String mapKeySummary,
    String mapKeyEtype,
    String mapValEtypeAlert,
    String mapValEtypeAccept,
    String mapValEtypeResolve,
    String filterKey,
    String filterVal,
    boolean forwardMessagePayload,
    boolean forwardHeaders) {

  public static final MappingConfig DEFAULT =
      new MappingConfig(null, null, null, null, null, null, null, null, null, false, false);
}
