package com.ilert.ilagent.config;

import static com.ilert.ilagent.config.Setting.MAP_KEY_EMAIL;
import static com.ilert.ilagent.config.Setting.MAP_KEY_SHIFT;
import static com.ilert.ilagent.config.Setting.POLICY_ROUTING_KEYS;
import static com.ilert.ilagent.config.Setting.POLICY_TOPIC;
import static com.ilert.ilagent.config.Setting.SHIFT_OFFSET;

import com.ilert.ilagent.mapping.MappingConfig;
import com.ilert.ilagent.mapping.PolicyRules;
import java.util.List;
import java.util.Map;

/**
 * The escalation-policy topic's settings: the topic, the routing-key fields, the payload paths, the
 * shift offset, and the API token from {@value #API_KEY_ENV}, checked together.
 */
final class PolicySettings {
  /**
   * The ilert API token of the escalation-policy requests; an ilert-wide name, like ILERT_API_URL.
   */
  static final String API_KEY_ENV = "ILERT_API_KEY";

  private final RawSettings raw;
  private final Map<String, String> env;

  PolicySettings(RawSettings raw, Map<String, String> env) {
    this.raw = raw;
    this.env = env;
  }

  /** The policy topic, or null when there is none (then its other settings are a mistake). */
  String topic(List<String> events, List<String> heartbeats) throws ConfigException {
    RawValue v = raw.get(POLICY_TOPIC);
    if (v == null) {
      for (Setting s :
          new Setting[] {POLICY_ROUTING_KEYS, MAP_KEY_EMAIL, MAP_KEY_SHIFT, SHIFT_OFFSET}) {
        if (raw.given(s) != null) {
          throw raw.given(s)
              .problem("needs --policy_topic (the topic of escalation-policy updates)");
        }
      }
      return null;
    }
    String topic = ConfigBuilder.oneTopic(v);
    if (events.contains(topic) || heartbeats.contains(topic)) {
      // A record cannot be both; guessing would page people or change who is on call.
      throw v.problem("\"" + topic + "\" is also an event or heartbeat topic");
    }
    return topic;
  }

  /** The policy configuration for {@code topic}, or null when there is none. */
  PolicyConfig config(String topic, MappingConfig mapping) throws ConfigException {
    if (topic == null) {
      return null;
    }
    RawValue fields = raw.get(POLICY_ROUTING_KEYS);
    List<String> routingKeyFields = fields == null ? List.of() : Values.list(fields);
    if (routingKeyFields.isEmpty()) {
      throw raw.get(POLICY_TOPIC)
          .problem(
              "needs --policy_routing_keys (the payload fields that make"
                  + " the routing key of the escalation policy)");
    }
    PolicyRules rules =
        new PolicyRules(
            routingKeyFields,
            Values.nonBlank(ConfigBuilder.required(raw, MAP_KEY_EMAIL)),
            Values.nonBlank(ConfigBuilder.required(raw, MAP_KEY_SHIFT)),
            Values.intInRange(ConfigBuilder.required(raw, SHIFT_OFFSET), -1000, 1000),
            mapping.filterKey(),
            mapping.filterVal());
    return new PolicyConfig(topic, rules, apiToken());
  }

  /**
   * ILERT_API_KEY, a leading "Bearer " dropped. It goes into an HTTP header as it is, so it must be
   * one visible word; the messages never show it.
   */
  private String apiToken() throws ConfigException {
    String value = env.get(API_KEY_ENV);
    String token = value == null ? "" : value.trim();
    if (token.equalsIgnoreCase("Bearer")) {
      token = "";
    } else if (token.regionMatches(true, 0, "Bearer ", 0, 7)) {
      token = token.substring(7).trim();
    }
    if (token.isEmpty()) {
      throw raw.get(POLICY_TOPIC)
          .problem("needs an ilert API token in the environment variable " + API_KEY_ENV);
    }
    if (!token.chars().allMatch(c -> c > 0x20 && c < 0x7F)) {
      throw new ConfigException(
          API_KEY_ENV
              + ": has characters that cannot go into an HTTP header"
              + " (spaces, control or non-ASCII characters)");
    }
    return token;
  }
}
