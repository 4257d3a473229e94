package com.ilert.ilagent.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads settings from environment variables. Every ILAGENT_ variable must be known: a typo in a
 * Kubernetes manifest would otherwise be ignored and the agent would run with a default nobody
 * asked for. The only exception are the variables Kubernetes itself injects for a Service named
 * ilagent ({@link ServiceLinks}): they are recognised by their shape and ignored.
 */
final class EnvSettings {
  private static final Map<String, Setting> BY_NAME = new HashMap<>();

  static {
    for (Setting s : Setting.values()) {
      if (s != Setting.KAFKA_PROPERTY) {
        BY_NAME.put(s.envName(), s);
      }
    }
  }

  private EnvSettings() {}

  static RawSettings read(Map<String, String> env) throws ConfigException {
    RawSettings out = new RawSettings();
    readAliases(env, out);
    List<String> serviceLinks = new ArrayList<>();
    // Sorted, so that with several mistakes the same one is reported on every start.
    for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
      String name = e.getKey();
      if (!name.startsWith(Setting.ENV_PREFIX)) {
        continue;
      }
      if (name.startsWith(Setting.ENV_KAFKA_PROPERTY_PREFIX)) {
        out.putKafkaProperty(
            KafkaProperties.fromEnvName(name), new RawValue(e.getValue(), name, true));
        continue;
      }
      if (ServiceLinks.isServiceLink(name, e.getValue())) {
        serviceLinks.add(name);
        continue;
      }
      Setting s = BY_NAME.get(name);
      if (s == null) {
        throw new ConfigException(
            name
                + ": unknown environment variable"
                + " (variables starting with ILAGENT_ must name a daemon option)");
      }
      out.put(s, new RawValue(e.getValue(), name, s.secret()));
    }
    if (!serviceLinks.isEmpty()) {
      out.note(
          new ConfigNote(
              ConfigNote.Level.DEBUG,
              "Ignoring Kubernetes service-link variables " + String.join(", ", serviceLinks)));
    }
    return out;
  }

  /** ILERT_API_URL and ILERT_HEARTBEAT_URL; the ILAGENT_ names, read afterwards, overwrite them. */
  private static void readAliases(Map<String, String> env, RawSettings out) {
    for (Setting s : Setting.values()) {
      String alias = s.envAlias();
      if (alias != null && env.get(alias) != null) {
        out.put(s, new RawValue(env.get(alias), alias, s.secret()));
      }
    }
  }
}
