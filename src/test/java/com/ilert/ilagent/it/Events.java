package com.ilert.ilagent.it;

/** Event payloads as producers write them. */
final class Events {
  private Events() {}

  /** An event with the given fields; a null field is left out. */
  static String event(String key, String type, String summary, String alertKey) {
    StringBuilder json = new StringBuilder("{\"integrationKey\":\"").append(key).append('"');
    if (type != null) {
      json.append(",\"eventType\":\"").append(type).append('"');
    }
    if (summary != null) {
      json.append(",\"summary\":\"").append(summary).append('"');
    }
    if (alertKey != null) {
      json.append(",\"alertKey\":\"").append(alertKey).append('"');
    }
    return json.append('}').toString();
  }
}
