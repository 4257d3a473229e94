package com.ilert.ilagent.config;

import java.util.regex.Pattern;

/**
 * Recognises the variables Kubernetes injects for a Service whose name starts with "ilagent" (the
 * docker-links style, on unless {@code enableServiceLinks: false}). For a Service {@code ilagent}
 * with port 8977:
 *
 * <pre>
 * ILAGENT_SERVICE_HOST=10.0.0.1            ILAGENT_PORT=tcp://10.0.0.1:8977
 * ILAGENT_SERVICE_PORT=8977                ILAGENT_PORT_8977_TCP=tcp://10.0.0.1:8977
 * ILAGENT_SERVICE_PORT_HTTP=8977           ILAGENT_PORT_8977_TCP_PROTO=tcp
 *                                          ILAGENT_PORT_8977_TCP_PORT=8977
 *                                          ILAGENT_PORT_8977_TCP_ADDR=10.0.0.1
 * </pre>
 *
 * and the same with {@code ILAGENT_METRICS_...} for a Service {@code ilagent-metrics}. {@code
 * ILAGENT_PORT} is also the name of the --port option: a plain number is the port, a {@code
 * tcp://host:port} value is a service link.
 */
final class ServiceLinks {
  private static final String NAME = "ILAGENT(_[A-Z0-9_]+?)?";
  private static final Pattern SERVICE_HOST = Pattern.compile(NAME + "_SERVICE_HOST");
  private static final Pattern SERVICE_PORT = Pattern.compile(NAME + "_SERVICE_PORT(_[A-Z0-9_]+)?");
  private static final Pattern PORT = Pattern.compile(NAME + "_PORT");
  private static final Pattern PORT_DETAIL =
      Pattern.compile(NAME + "_PORT_\\d{1,5}_(TCP|UDP|SCTP)(_PROTO|_PORT|_ADDR)?");
  private static final Pattern LINK_VALUE = Pattern.compile("(tcp|udp|sctp)://\\S+:\\d{1,5}");

  private ServiceLinks() {}

  /** Whether {@code name=value} is a Kubernetes service-link variable. */
  static boolean isServiceLink(String name, String value) {
    if (SERVICE_HOST.matcher(name).matches()
        || SERVICE_PORT.matcher(name).matches()
        || PORT_DETAIL.matcher(name).matches()) {
      return true;
    }
    return PORT.matcher(name).matches()
        && value != null
        && LINK_VALUE.matcher(value.trim()).matches();
  }
}
