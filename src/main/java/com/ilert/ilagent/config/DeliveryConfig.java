package com.ilert.ilagent.config;

import com.ilert.ilagent.pacing.RateLimits;
import com.ilert.ilagent.proxy.Proxies;

/**
 * How records reach ilert: where requests go and through which proxy, what must stay in order, how
 * many run at once, how long one may take and be retried, and how fast they may be sent.
 *
 * @param apiUrl the ilert API base, without a trailing slash (--api_url)
 * @param heartbeatUrl the ilert heartbeat API base, likewise (--heartbeat_url)
 * @param ordering which records are delivered strictly one after another
 * @param maxInFlight deliveries at once, 1-10000
 * @param retryMaxMs retry budget of one delivery before the agent exits; 0 means no retry
 * @param requestTimeoutMs bound on one whole HTTP request (connect, send, answer)
 * @param proxies the proxies requests to ilert go through (from --proxy and the environment)
 * @param rateLimits the told rate limits (ilert's documented ones by default for ilert's hosts)
 */
public record DeliveryConfig(
    String apiUrl,
    String heartbeatUrl,
    Ordering ordering,
    int maxInFlight,
    long retryMaxMs,
    long requestTimeoutMs,
    Proxies proxies,
    RateLimits rateLimits) {

  public static final String DEFAULT_API_URL = "https://api.ilert.com/api";
  public static final String DEFAULT_HEARTBEAT_URL = "https://beat.ilert.com/api";
}
