package com.ilert.ilagent.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * Turns an escalation-policy record into a {@link MappingResult.PolicyUpdate}: "this person is on
 * call at this level of the policy this routing key names". The rules, in order:
 *
 * <ol>
 *   <li>Size, UTF-8 and JSON checks as for events; then --filter_key/--filter_val as for events.
 *   <li>E-mail: the string at --map_key_email (default {@code data.email}); missing, not a string
 *       or blank: skipped with MISSING_EMAIL.
 *   <li>Shift: at --map_key_shift (default {@code data.shift}), an integer or a string holding one;
 *       missing or anything else counts as 0. The level is shift + --shift_offset, at least 0.
 *   <li>Routing key: the string values of the top-level fields --policy_routing_keys names, empty
 *       ones left out, joined with nothing in between ({@code location,slot} with {@code
 *       {"location":"powerplant","slot":"three50"}} gives {@code powerplantthree50}); none: skipped
 *       with MISSING_ROUTING_KEY.
 * </ol>
 *
 * Immutable; one instance serves every thread. Never throws from {@link #map}.
 */
public final class PolicyMapper {
  private final List<String> routingKeyFields;
  private final String emailPathText;
  private final String[] emailPath;
  private final String[] shiftPath;
  private final int shiftOffset;
  private final PayloadFilter filter;
  private final String missingRoutingKeyDetail;

  /**
   * @throws IllegalArgumentException without routing-key fields or e-mail path, or a filter value
   *     without key
   */
  public PolicyMapper(PolicyRules rules) {
    if (rules.routingKeyFields().isEmpty()) {
      throw new IllegalArgumentException("no routing-key fields");
    }
    this.routingKeyFields = rules.routingKeyFields();
    this.emailPathText =
        EventMapper.given(rules.emailPath()) == null
            ? PolicyRules.DEFAULT_EMAIL_PATH
            : rules.emailPath();
    this.emailPath = emailPathText.split("\\.", -1);
    String shift =
        EventMapper.given(rules.shiftPath()) == null
            ? PolicyRules.DEFAULT_SHIFT_PATH
            : rules.shiftPath();
    this.shiftPath = shift.split("\\.", -1);
    this.shiftOffset = rules.shiftOffset();
    this.filter =
        new PayloadFilter(
            EventMapper.given(rules.filterKey()), EventMapper.given(rules.filterVal()));
    this.missingRoutingKeyDetail =
        "no routing key: none of " + String.join(", ", routingKeyFields) + " is a non-empty string";
  }

  /**
   * Maps one record's value; every problem becomes a {@link MappingResult.Skip} whose detail holds
   * no payload.
   */
  public MappingResult map(byte[] value) {
    try {
      ObjectNode payload = JsonRecords.parseObject(value);
      filter.apply(payload);
      return new MappingResult.PolicyUpdate(email(payload), level(payload), routingKey(payload));
    } catch (Rejection r) {
      return r.toSkip();
    } catch (RuntimeException e) {
      return Rejection.unexpected(e);
    }
  }

  private String email(ObjectNode payload) {
    JsonNode node = JsonRecords.at(payload, emailPath);
    if (JsonRecords.isAbsent(node)) {
      throw new Rejection(SkipReason.MISSING_EMAIL, "no e-mail at " + emailPathText);
    }
    if (!node.isTextual()) {
      throw new Rejection(
          SkipReason.MISSING_EMAIL,
          "the e-mail at " + emailPathText + " is " + JsonTypes.name(node) + ", not a string");
    }
    String email = node.textValue().trim();
    if (email.isEmpty()) {
      throw new Rejection(SkipReason.MISSING_EMAIL, "the e-mail at " + emailPathText + " is empty");
    }
    return email;
  }

  /** shift + offset, at least 0; a shift that is missing or not an integer counts as 0. */
  private int level(ObjectNode payload) {
    long level = Math.max(0, shift(JsonRecords.at(payload, shiftPath)) + shiftOffset);
    return (int) Math.min(level, Integer.MAX_VALUE);
  }

  private static long shift(JsonNode node) {
    if (node == null) {
      return 0;
    }
    if (node.isIntegralNumber()) {
      return node.canConvertToLong() ? node.longValue() : 0;
    }
    if (node.isTextual()) {
      try {
        return Long.parseLong(node.textValue().trim());
      } catch (NumberFormatException e) {
        return 0;
      }
    }
    return 0;
  }

  private String routingKey(ObjectNode payload) {
    StringBuilder key = new StringBuilder();
    for (String field : routingKeyFields) {
      JsonNode node = payload.get(field);
      if (node != null && node.isTextual()) {
        key.append(node.textValue());
      }
    }
    if (key.length() == 0) {
      throw new Rejection(SkipReason.MISSING_ROUTING_KEY, missingRoutingKeyDetail);
    }
    return key.toString();
  }
}
