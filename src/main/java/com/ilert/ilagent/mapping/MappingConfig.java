package com.ilert.ilagent.mapping;

/**
 * The event-mapping options (reference.md, "Event mapping"). Every string may be null, meaning the
 * option was not given.
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
    boolean forwardMessagePayload) {

  public static final MappingConfig DEFAULT =
      new MappingConfig(null, null, null, null, null, null, null, null, null, false);
}
