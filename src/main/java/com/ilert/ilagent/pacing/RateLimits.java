package com.ilert.ilagent.pacing;

import java.net.URI;
import java.util.Locale;

/**
 * The told rate limits: how many requests the agent may send per window, per integration key
 * (events), per heartbeat key (pings) and in all. 0 means "not told": the agent then paces only
 * after ilert answered 429 (learned limits, see {@link Pacer}).
 *
 * <p><b>Defaults.</b> ilert documents 50 events per integration key, 5 pings per heartbeat key and
 * 700 requests per source IP, each per minute, enforced in a fixed window. Sending more than that
 * to ilert buys nothing: the surplus is answered 429 and has to wait for the next window anyway,
 * and a client that keeps running into the limit stays limited. So when a base URL points at ilert
 * itself (its host is {@code ilert.com} or a subdomain, as the defaults {@code api.ilert.com} and
 * {@code beat.ilert.com}) the documented limits are on by default: a backlog then drains in the
 * ideal time without a single 429. Any other host (a self-hosted endpoint, a proxy, a test
 * stand-in) has unknown limits, possibly none, so nothing is told and nothing is slowed until that
 * endpoint itself answers 429; from then on its limits are learned. A told value from the command
 * line, the configuration file or the environment always wins; 0 switches the told limit off. The
 * members of a consumer group share the limits: each paces by its part (dealt by partitions, {@code
 * com.ilert.ilagent.group.GroupShare}).
 *
 * <p>The per-IP default applies when the API URL is ilert's; the ping default when the heartbeat
 * URL is. The window is ilert's minute; {@link #WINDOW_PROPERTY} shortens it for benchmarks that
 * run a stand-in with ilert's limits in faster windows, and is no operator setting.
 *
 * @param perKeyEvents events per integration key per window, 0 = not told
 * @param perKeyPings pings per heartbeat key per window, 0 = not told
 * @param total requests of the whole process per window, 0 = not told
 * @param windowMs the length of the window the told numbers refer to
 * @param ipMembers how many agents share this agent's egress IP, and so the per-IP limit: 0 = every
 *     member of its consumer group (see {@code com.ilert.ilagent.group.GroupShare})
 */
public record RateLimits(
    int perKeyEvents, int perKeyPings, int total, long windowMs, int ipMembers) {
  public static final int ILERT_EVENTS_PER_KEY = 50;
  public static final int ILERT_PINGS_PER_KEY = 5;
  public static final int ILERT_REQUESTS_PER_IP = 700;
  public static final long ILERT_WINDOW_MS = 60_000;

  /** System property (ms) that replaces ilert's one-minute window; for benchmarks only. */
  public static final String WINDOW_PROPERTY = "ilagent.rate_limit_window_ms";

  /** Nothing told: every limit is learned from 429 answers. */
  public static final RateLimits LEARNED_ONLY = new RateLimits(0, 0, 0, ILERT_WINDOW_MS);

  /** Limits for agents that share their egress IP with the whole group (the default). */
  public RateLimits(int perKeyEvents, int perKeyPings, int total, long windowMs) {
    this(perKeyEvents, perKeyPings, total, windowMs, 0);
  }

  public RateLimits {
    if (ipMembers < 0) {
      throw new IllegalArgumentException("ipMembers must be >= 0: " + ipMembers);
    }
    if (perKeyEvents < 0 || perKeyPings < 0 || total < 0) {
      throw new IllegalArgumentException(
          "rate limits must be >= 0: " + perKeyEvents + ", " + perKeyPings + ", " + total);
    }
    if (windowMs < 1) {
      throw new IllegalArgumentException("window must be >= 1 ms: " + windowMs);
    }
  }

  /**
   * The limits in force: each told value (null = not given) or, without one, the default for the
   * host its requests go to (see the class comment).
   */
  public static RateLimits resolve(
      Integer toldPerKey,
      Integer toldPing,
      Integer toldTotal,
      String apiUrl,
      String heartbeatUrl,
      long windowMs) {
    boolean api = isIlert(apiUrl);
    boolean beat = isIlert(heartbeatUrl);
    return new RateLimits(
        toldPerKey != null ? toldPerKey : api ? ILERT_EVENTS_PER_KEY : 0,
        toldPing != null ? toldPing : beat ? ILERT_PINGS_PER_KEY : 0,
        toldTotal != null ? toldTotal : api ? ILERT_REQUESTS_PER_IP : 0,
        windowMs);
  }

  /** These limits, with {@code n} agents behind this agent's egress IP (0 = the whole group). */
  public RateLimits withIpMembers(int n) {
    return new RateLimits(perKeyEvents, perKeyPings, total, windowMs, n);
  }

  /** The window: ilert's minute, unless {@link #WINDOW_PROPERTY} is set to a positive number. */
  public static long windowFromSystemProperty() {
    Long ms = Long.getLong(WINDOW_PROPERTY);
    return ms != null && ms > 0 ? ms : ILERT_WINDOW_MS;
  }

  /** The told per-key limit for requests of this kind, 0 if none. */
  public int perKey(RequestKind kind) {
    return switch (kind) {
      case EVENT -> perKeyEvents;
      case PING -> perKeyPings;
      case OTHER_API -> 0;
    };
  }

  /**
   * The shortest time between two pings of one heartbeat key that keeps within the ping limit: five
   * pings must span a whole window plus a fiftieth, so 12.24 s for ilert's 5 a minute, and the
   * pacer never holds a coalesced heartbeat's trailing ping back. Without a told limit the same 5 a
   * window: a ping says "alive", more of them say nothing new.
   */
  public long pingIntervalMs() {
    int perWindow = perKeyPings > 0 ? perKeyPings : ILERT_PINGS_PER_KEY;
    // Timers fire late by a few ms: five intervals must outlast the window with room to spare.
    long span = windowMs + Math.max(PacedScope.MIN_MARGIN_MS, windowMs / 50);
    return Math.max(1, (span + perWindow - 1) / perWindow);
  }

  /** True if the URL's host is ilert.com or one of its subdomains. */
  static boolean isIlert(String url) {
    if (url == null) {
      return false;
    }
    String host;
    try {
      host = URI.create(url.trim()).getHost();
    } catch (IllegalArgumentException e) {
      return false;
    }
    if (host == null) {
      return false;
    }
    host = host.toLowerCase(Locale.ROOT);
    if (host.endsWith(".")) {
      host = host.substring(0, host.length() - 1);
    }
    return host.equals("ilert.com") || host.endsWith(".ilert.com");
  }
}
