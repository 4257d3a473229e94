package com.ilert.ilagent.mapping;

import java.util.List;

/**
 * How an escalation-policy record is read (reference: the Rust program's policy consumer).
 *
 * @param routingKeyFields top-level fields whose string values, joined, are the routing key
 * @param emailPath dotted path of the user's e-mail, e.g. {@code data.email}
 * @param shiftPath dotted path of the shift, e.g. {@code data.shift}
 * @param shiftOffset added to the shift to get the 0-based level, e.g. -1 for 1-based shifts
 * @param filterKey --filter_key, or null
 * @param filterVal --filter_val, or null
 */
public record PolicyRules(
    List<String> routingKeyFields,
    String emailPath,
    String shiftPath,
    int shiftOffset,
    String filterKey,
    String filterVal) {

  public static final String DEFAULT_EMAIL_PATH = "data.email";
  public static final String DEFAULT_SHIFT_PATH = "data.shift";

  public PolicyRules {
    routingKeyFields = List.copyOf(routingKeyFields);
  }
}
