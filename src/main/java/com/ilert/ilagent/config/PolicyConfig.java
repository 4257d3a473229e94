package com.ilert.ilagent.config;

import com.ilert.ilagent.mapping.PolicyRules;

/**
 * The escalation-policy topic: where the updates come from, how a record is read, and the ilert API
 * token the requests need.
 *
 * @param topic the --policy_topic
 * @param rules how a record becomes an update (fields, paths, offset, and the --filter_key /
 *     --filter_val shared with events)
 * @param apiToken ILERT_API_KEY without a leading "Bearer "; a secret, left out of {@link
 *     #toString}
 */
public record PolicyConfig(String topic, PolicyRules rules, String apiToken) {
  @Override
  public String toString() {
    return "PolicyConfig[topic=" + topic + ", rules=" + rules + ", apiToken=****]";
  }
}
