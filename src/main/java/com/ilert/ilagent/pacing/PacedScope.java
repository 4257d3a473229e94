package com.ilert.ilagent.pacing;

/**
 * One limit as the agent sees it: one integration key, one heartbeat key, or the whole process.
 * Pure: times are epoch ms passed in, no clock, no threads; used from one thread.
 *
 * <p><b>Safe whatever the server's limiter.</b> Nobody outside ilert knows whether it counts in
 * fixed windows, in a sliding window or with a token bucket, and it may change. So a scope never
 * has more than its allowance {@code a} of requests in any span of one window {@code w} (a sliding
 * log of its own requests, {@link SendLog}), which every window model admits, and never resets that
 * log: after a 429 only the requests that have left the window are free again, as in a sliding
 * window, not the whole allowance at once. When a told allowance meets a token bucket whose burst
 * {@code b} is below it, a bucket of {@code b} refilled at {@code a} per window paces it as well.
 *
 * <p><b>Learning.</b> Unpaced until the first 429 (or paced by a told allowance); then:
 *
 * <ul>
 *   <li>the allowance is what got through in the window before the 429 (requests answered after it
 *       that were sent before it add to it); learned so, it is <i>tentative</i>;
 *   <li>the window's length comes from Retry-After (the reset, counted from the first request of a
 *       run), or without one from single reset probes 1, 2, 4 ... 30 s apart; all keys of a kind
 *       share what they learn about it ({@link SharedAllowances.Kind}), and while its bounds are
 *       far apart, one early probe per window, half-way between them, narrows them;
 *   <li>a later 429 after fewer than the allowance in a window says it is too large: a told
 *       allowance's rate stands and what got through is the burst; a learned one is lowered to what
 *       got through in the window, or to the rate at which requests got through since the last 429
 *       if that is less (a token bucket refills by its rate, not by the window);
 *   <li>after a 429, while the allowance is tentative, requests go one at a time: the allowance
 *       first, then one above it after another (each that gets through raises it), until a 429
 *       <i>confirms</i> it. A wrong guess then costs one 429, not a burst of them.
 * </ul>
 *
 * <p><b>Few on the wire while nothing is proven.</b> What is on the wire when a limit is first met
 * is refused whatever the pacer learns from it. So a told key has three requests on the wire until
 * one whole allowance got through (a token bucket's smaller burst then costs three 429s, not all a
 * key had in flight), and in a group a key nothing is known of has three until a hundred got
 * through (every member's requests are refused when the group's window fills).
 *
 * <p><b>In a group</b> ({@link #share}) the told allowance is this agent's part, dealt by
 * partitions, and is never exceeded; a learned one is what this agent got, and grows again only by
 * single tries in the middle of a window for room the others leave.
 *
 * <p>The pacer decides which scope a 429 belongs to ({@link LimitJudge}); this class takes the
 * pacer's questions and events.
 */
final class PacedScope {
  /**
   * How soon to ask again while a request that must go alone is on the wire (the caller asks again
   * on every answer anyway).
   */
  static final long PROBE_POLL_MS = 100;

  static final long MIN_MARGIN_MS = 10;

  /** The window assumed before anything is known: ilert's minute. */
  static final long DEFAULT_WINDOW_MS = RateLimits.ILERT_WINDOW_MS;

  /** How much slower a measured rate gets after a 429 says it was measured a little high. */
  static final double RATE_BACKOFF = 0.92;

  /** In a group, an unpaced key's requests on the wire until this many got through in a row. */
  static final int UNPACED_ON_WIRE = 3;

  static final int UNPACED_PROVEN = 100;

  /** Told allowances from this size on start with only a few requests on the wire. */
  static final int FIRST_ON_WIRE_FROM = 32;

  /** A pause this long between two requests begins a new run. */
  static final long RUN_GAP_MS = 1_000;

  static final long FIRST_PROBE_STEP_MS = 1_000;
  static final long MAX_PROBE_STEP_MS = 30_000;

  /** What a request was besides an ordinary one. */
  enum Probe {
    NONE,
    /** Alone after a 429 without Retry-After: has the server's window room again? */
    RESET,
    /** Alone, before the window's upper bound has passed: is the window shorter? */
    EARLY,
    /** Alone, above a tentative allowance: is the allowance larger? */
    ABOVE,
    /** Alone, above this agent's share of a limit shared with other agents: have they left room? */
    SPARE
  }

  /**
   * This scope's record of one request.
   *
   * @param alone whether nothing else of the scope went while it was on the wire
   * @param since what a probe's answer is measured from: the send time of the oldest request in the
   *     window (the run's first for a reset probe)
   * @param sinceAnswered that request's answer time
   */
  record Sent(
      long sentAt, int episode, boolean alone, Probe probe, long since, long sinceAnswered) {}

  /** What {@link #undoLastLimit} restores. */
  private record Undo(
      int episode,
      int learned,
      boolean confirmed,
      long rateWindowMs,
      int burst,
      WindowEstimate bounds,
      long blockedUntil,
      boolean serial,
      boolean probeDue,
      long episodeAt,
      long previousEpisodeAt,
      int acceptedSinceEpisode) {}

  private final int toldPerWindow;
  private final long toldWindowMs;
  private final int logLimit;
  private final SharedAllowances.Kind kind;
  private final boolean perKey;
  private final SendLog log = new SendLog();
  private Pacer.Allotment share = Pacer.Allotment.ALL;
  private Pacer.Allotment pendingShare;
  private long pendingShareAt;
  private int told;
  private int learned;
  private boolean confirmed;
  private boolean adopted;
  private long rateWindowMs;
  private int burst;
  private boolean toldProven;
  private double tokens;
  private long tokensAt = Long.MIN_VALUE;
  private long blockedUntil;
  private long probeStep = FIRST_PROBE_STEP_MS;
  private boolean probeDue;
  private boolean serial;
  private boolean aloneOut;
  private int episode;
  private long episodeAt = Long.MIN_VALUE;
  private long previousEpisodeAt = Long.MIN_VALUE;
  private boolean learnedInEpisode;
  private int acceptedSinceEpisode;
  private int streak;
  private long runStart = -1;
  private long limitedRunStart = -1;
  private long limitedRunFirstAnswer = -1;
  private long lastSentAt = Long.MIN_VALUE / 2;
  private long burstStart = -1;
  private long burstFirstAnswer = -1;
  private long runFirstAnswer = -1;
  private boolean runLimited;
  private long lastSeen;
  private Undo undo;

  /**
   * @param told the told allowance per window, 0 = none
   * @param toldWindowMs the window the told allowance refers to
   * @param logLimit how many requests the log keeps while nothing paces the scope: the most a first
   *     429 can teach
   * @param kind what this scope shares with the other scopes of its kind (the process has one of
   *     its own)
   * @param perKey true for a key's scope, false for the process's
   */
  PacedScope(
      int told, long toldWindowMs, int logLimit, SharedAllowances.Kind kind, boolean perKey) {
    this.perKey = perKey;
    this.toldPerWindow = told;
    this.told = told;
    this.toldWindowMs = toldWindowMs;
    this.logLimit = logLimit;
    this.kind = kind;
  }

  // ---- asking ----

  /** 0 if a request may go at {@code now}, else how many ms until asking again makes sense. */
  long delayMs(long now) {
    applyDueShare(now);
    if (now < blockedUntil) {
      return blockedUntil - now;
    }
    if (aloneOut) {
      return PROBE_POLL_MS;
    }
    if (probeDue) {
      return 0; // the reset probe goes whatever the log says: the log's window is a guess
    }
    int a = allowance();
    if (a == 0) {
      // In a group, a key nothing is known of yet has only a few requests on the wire until many
      // got through: when the group's window fills, every member's requests on the wire are
      // refused at once.
      return perKey
              && !share.whole()
              && streak < UNPACED_PROVEN
              && log.pendingCount() >= UNPACED_ON_WIRE
          ? PROBE_POLL_MS
          : 0;
    }
    long w = windowMs();
    long m = marginMs(w);
    log.dropUpTo(now - w - m);
    if (told > 0 && a == told && !toldProven && burst == 0 && log.pendingCount() >= firstOnWire()) {
      return PROBE_POLL_MS; // asked again at each answer
    }
    long wait = 0;
    if (log.size() >= a && !climbing() && !spareProbeMayGo(now)) {
      if (log.pendingCount() >= a) {
        return PROBE_POLL_MS; // a whole allowance on the wire: it may all be counted now
      }
      long freeAt = log.answeredAt(log.size() - a) + w + m;
      long earlyAt = earlyProbeAt();
      long spareAt = spareProbeAt(now);
      long at = freeAt;
      if (earlyAt >= 0 && earlyAt < at) {
        at = earlyAt;
      }
      if (spareAt >= 0 && spareAt < at) {
        at = spareAt;
      }
      wait = at - now;
    }
    if (bucketPaces(a)) {
      refill(now, a, w);
      if (tokens < 1) {
        wait = Math.max(wait, (long) Math.ceil((1 - tokens) * w / a));
      }
    }
    return wait <= 0 ? 0 : Math.max(1, wait);
  }

  // ---- telling ----

  /** A request went at {@code now} (normally after {@link #delayMs} said 0). */
  Sent onSent(long now) {
    lastSeen = now;
    int a = allowance();
    long w = windowMs();
    log.dropUpTo(now - w - marginMs(w));
    if (log.size() == 0) {
      runStart = now;
      runFirstAnswer = -1;
      runLimited = false;
    }
    if (now - lastSentAt > RUN_GAP_MS) {
      // Requests begin again after a pause: the first is the one a first 429's Retry-After is
      // measured from (the server's window cannot have begun much earlier).
      burstStart = now;
      burstFirstAnswer = -1;
    }
    lastSentAt = now;
    Probe probe = Probe.NONE;
    long since = -1;
    long sinceAnswered = -1;
    if (probeDue) {
      probe = Probe.RESET;
      probeDue = false;
      // Measured from the run that was refused (this probe may begin a new one).
      since = limitedRunStart;
      sinceAnswered = limitedRunFirstAnswer;
    } else if (a > 0 && log.size() >= a) {
      long earlyAt = earlyProbeAt();
      if (earlyAt >= 0 && now >= earlyAt) {
        probe = Probe.EARLY;
        kind.earlyProbeOut = true;
        since = log.sentAt(0);
        sinceAnswered = log.answeredAt(0);
      } else if (climbing()) {
        probe = Probe.ABOVE;
      } else if (spareProbeMayGo(now)) {
        probe = Probe.SPARE;
        kind.spareProbeOut = true;
      }
    }
    boolean alone = serial || probe != Probe.NONE;
    aloneOut = alone;
    log.add(now);
    if (bucketPaces(a)) {
      refill(now, a, w);
      tokens -= 1;
    }
    log.keepNewest(a > 0 ? Math.max(a, Math.max(told, learned)) + 1 : logLimit);
    return new Sent(now, episode, alone, probe, since, sinceAnswered);
  }

  /** An answer other than 429 came for {@code s}. */
  void onAnswer(Sent s, long now) {
    lastSeen = Math.max(lastSeen, now);
    log.answered(s.sentAt(), now);
    if (runFirstAnswer < 0 && s.sentAt() >= runStart) {
      runFirstAnswer = now;
    }
    if (burstFirstAnswer < 0 && s.sentAt() >= burstStart) {
      burstFirstAnswer = now;
    }
    endAlone(s);
    switch (s.probe()) {
      case RESET -> {
        probeStep = FIRST_PROBE_STEP_MS;
        kind.bounds.hadResetAfter(now - s.since()); // the window had room again by its answer
      }
      case EARLY -> kind.bounds.hadResetAfter(now - s.since());
      case ABOVE -> learned++; // one above the allowance got through: the allowance is larger
      case SPARE -> {
        if (learnedBinds()) {
          learned++; // the others left room: this member's part is larger
        }
      }
      case NONE -> {}
    }
    if (s.sentAt() < episodeAt) {
      if (s.episode() == episode - 1 && learnedInEpisode) {
        learned++; // sent before the 429, answered after it: it counted before the limit
      }
      return;
    }
    streak++;
    acceptedSinceEpisode++;
    if (told > 0 && streak >= told) {
      toldProven = true;
    }
  }

  /**
   * How many requests of a told allowance may be on the wire before a whole allowance has got
   * through: a token bucket whose burst is below the told number refuses what is on the wire when
   * its burst runs out, and ilert's limits are far below what a few requests at a time can send.
   */
  private int firstOnWire() {
    return told < FIRST_ON_WIRE_FROM ? told : Math.max(2, told / 16);
  }

  /**
   * No answer came for {@code s} (network error, timeout): it may have counted, at the latest now;
   * it taught nothing.
   */
  void onNoAnswer(Sent s, long now) {
    log.answered(s.sentAt(), now);
    endAlone(s);
    if (s.probe() == Probe.RESET) {
      probeDue = true;
    }
  }

  /**
   * A 429 for {@code s} was put down to another scope: the request did not count here and taught
   * this scope nothing.
   */
  void onLimitedElsewhere(Sent s) {
    log.remove(s.sentAt());
    endAlone(s);
    if (s.probe() == Probe.RESET) {
      probeDue = true;
    }
  }

  /**
   * A 429 for {@code s} is this scope's limit.
   *
   * @param retryAfterMs the answer's Retry-After in ms, or -1
   * @param countTrusted false when the count of this window looks too small to be the allowance
   *     (the caller suspects another limit); it is then learned only tentatively
   */
  void onLimited(Sent s, long retryAfterMs, long now, boolean countTrusted) {
    lastSeen = Math.max(lastSeen, now);
    log.remove(s.sentAt());
    endAlone(s);
    undo =
        new Undo(
            episode,
            learned,
            confirmed,
            rateWindowMs,
            burst,
            kind.bounds.copy(),
            blockedUntil,
            serial,
            probeDue,
            episodeAt,
            previousEpisodeAt,
            acceptedSinceEpisode);
    if (s.probe() == Probe.SPARE) {
      // The other agents use their shares: no more tries above this one's for a while.
      kind.spareRefusedUntil = now + windowMs();
      if (retryAfterMs >= 0) {
        blockedUntil = Math.max(blockedUntil, now + retryAfterMs);
      }
      return;
    }
    if (s.probe() == Probe.RESET || s.probe() == Probe.EARLY) {
      // Not yet room again that long after the window began: it is longer.
      if (s.sinceAnswered() >= 0) {
        kind.bounds.notResetAfter(s.sentAt() - s.sinceAnswered());
      }
      if (retryAfterMs >= 0) {
        // Retry-After rounds up to whole seconds; after an early probe the log knows better when
        // the oldest request leaves (both are upper bounds).
        long until = now + retryAfterMs;
        if (s.probe() == Probe.EARLY && log.answeredCount() > 0) {
          long w = windowMs();
          until = Math.min(until, log.answeredAt(0) + w + marginMs(w));
        }
        blockedUntil = Math.max(blockedUntil, until);
      } else if (s.probe() == Probe.RESET) {
        blockedUntil = Math.max(blockedUntil, now + probeStep);
        probeStep = Math.min(2 * probeStep, MAX_PROBE_STEP_MS);
      }
      probeDue = s.probe() == Probe.RESET && retryAfterMs < 0;
      return;
    }
    if (s.sentAt() < episodeAt) {
      // Sent before the current episode's first 429 was known: the same limit, nothing new.
      if (retryAfterMs >= 0) {
        blockedUntil = Math.max(blockedUntil, now + retryAfterMs);
      }
      return;
    }
    int a = allowance();
    long w = windowMs();
    int counted = log.answeredAfter(now - w - marginMs(w));
    int got = acceptedSinceEpisode;
    long overMs = episodeAt == Long.MIN_VALUE ? -1 : now - episodeAt;
    boolean firstOfRun = !runLimited && runStart >= 0;
    previousEpisodeAt = episodeAt;
    episode++;
    episodeAt = now;
    learnedInEpisode = false;
    acceptedSinceEpisode = 0;
    streak = 0;
    runLimited = true;
    limitedRunStart = runStart;
    limitedRunFirstAnswer = runFirstAnswer;
    boolean toldBinds = told > 0 && told == a;
    if (s.probe() == Probe.ABOVE) {
      confirmed = true; // the one above the allowance was refused: the allowance is the limit
      kind.windowConfirmed = true;
    } else if (a == 0) {
      if (counted > 0) {
        learn(counted);
        // In a group every member learns its part of one race for the window; climbing above it
        // would be another race that the fastest member wins. Spare room is tried instead.
        confirmed = !share.whole();
      }
    } else if (got > 0 && got < a && overMs > 0 && overMs <= 2 * w) {
      // A second 429 soon after the last, with less than the allowance through in between: the
      // server gives back no more than that in that time (a token bucket's rate, or what other
      // agents leave of a shared window).
      learnRate(got, overMs, w);
    } else if (rateWindowMs > 0 && learnedBinds() && !adopted) {
      // Paced by its own measured rate and still refused: it was measured a little high.
      rateWindowMs = Math.max(1, (long) Math.ceil(rateWindowMs / RATE_BACKOFF));
    } else if (counted > 0 && counted < a) {
      if (toldBinds) {
        // The told rate stands. A token bucket gives its next token back within a second or two:
        // what got through is its burst (without Retry-After, taken as one too). A Retry-After
        // well into the window means the window was used by others (an earlier process before a
        // restart); in a group, another member took part of it: the told allowance stands.
        boolean bucketLike =
            share.whole() && (retryAfterMs < 0 || retryAfterMs <= bucketRetryAfterMs(a, w));
        if (bucketLike) {
          burst = counted;
          tokens = 0;
          tokensAt = now;
          adopted = false;
        }
      } else {
        learn(counted);
      }
    }
    // Refusals that our own log cannot explain lengthen the window only for an agent alone: in a
    // group the other members explain them.
    boolean windowMode = (rateWindowMs == 0 || !learnedBinds()) && share.whole();
    if (retryAfterMs >= 0) {
      if (firstOfRun && !kind.bounds.own()) {
        // From the first request after a pause if the requests since then are all that counted
        // (a backlog's burst), else from the first of the whole run.
        boolean burstFilled =
            burstStart > runStart
                && burstFirstAnswer >= 0
                && log.answeredAfter(burstFirstAnswer - 1) >= counted;
        long from = burstFilled ? burstStart : runStart;
        long fromAnswer = burstFilled ? burstFirstAnswer : runFirstAnswer;
        if (now - from > DEFAULT_WINDOW_MS) {
          // A run longer than ilert's documented window (a steady stream): its first request left
          // the server's window long ago.
          from = now - DEFAULT_WINDOW_MS;
          fromAnswer = -1;
        }
        long hi = now + retryAfterMs - from;
        long lo =
            fromAnswer < 0
                ? 0
                : s.sentAt() + retryAfterMs - WindowEstimate.RETRY_AFTER_RESOLUTION_MS - fromAnswer;
        kind.bounds.resetsAfter(hi, lo);
      } else if (windowMode && a > 0 && (counted == 0 || s.probe() == Probe.ABOVE)) {
        // Refused until then with exactly the allowance in the window we pace by (from its oldest
        // request), or with nothing of ours in it (from our last request before it): the window
        // is at least that long (one that began before our first request teaches the first
        // Retry-After too little).
        long from = earliestMaybeCounted(now, w, counted > 0);
        if (from >= 0) {
          kind.bounds.notShorterThan(now + retryAfterMs - from);
        }
      }
      blockedUntil = Math.max(blockedUntil, now + retryAfterMs);
    } else if (a == 0 || counted < a || !windowKnown()) {
      long from = earliestMaybeCounted(now, w, false);
      if (counted == 0 && windowMode && a > 0 && windowKnown() && from >= 0) {
        kind.bounds.notShorterThan(now - from);
      }
      // Refused before the allowance was used, and no word on when: back off (1, 2, 4 ... 30 s
      // while refused), then one request alone. (Refused with the allowance used, the log knows
      // when its requests leave the window.)
      blockedUntil = Math.max(blockedUntil, now + probeStep);
      probeStep = Math.min(2 * probeStep, MAX_PROBE_STEP_MS);
      probeDue = true;
    }
    // One at a time, then one above, only alone: in a group the members' climbs would race.
    serial = learnedBinds() && !confirmed && share.whole();
  }

  /**
   * Takes on another key's learned allowance (and told burst), tentatively, while this key has none
   * of its own: ilert limits every key alike, so a key that reaches the count at which another one
   * was stopped would be stopped too. Called again as the other key learns more; ends once this key
   * learns from a 429 of its own.
   */
  void adopt(PacedScope other) {
    if (!adopted && learned > 0 && !confirmed && other.confirmed && other.learned == learned) {
      confirmed = true; // another key confirmed the same allowance: ilert limits keys alike
      serial = false;
      return;
    }
    if (!adopted && (learned > 0 || runLimited || burst > 0)) {
      return;
    }
    if (other.learned <= 0 && other.burst <= 0) {
      return;
    }
    adopted = true;
    learned = other.learned <= 0 ? 0 : told > 0 ? Math.min(told, other.learned) : other.learned;
    confirmed = other.confirmed;
    rateWindowMs = other.rateWindowMs;
    if (other.burst > 0 && burst != other.burst) {
      burst = other.burst;
      tokensAt = Long.MIN_VALUE;
    }
  }

  /** True if another key may take on what this one learned. */
  boolean teaches() {
    return learned > 0 || burst > 0;
  }

  /**
   * The limit the learned allowance came from may have been the process's, which now paces every
   * key. One taken on from another key, or a measured rate, is dropped (the key's own limit is
   * learned again from a 429 of its own); its own allowance per window becomes tentative, so after
   * its next 429 the key tries above it.
   */
  void demote() {
    if (adopted) {
      learned = 0; // taken on from a key whose lesson was the process's limit
      rateWindowMs = 0;
      serial = false;
      adopted = false;
    } else if (rateWindowMs > 0) {
      learned = 0;
      rateWindowMs = 0;
      serial = false;
      adopted = false;
    }
    confirmed = false;
  }

  /** Takes back the last {@link #onLimited}: the 429 turned out to be another scope's. */
  void undoLastLimit() {
    Undo u = undo;
    if (u == null || u.episode() + 1 != episode) {
      return;
    }
    episode = u.episode();
    learned = u.learned();
    confirmed = u.confirmed();
    rateWindowMs = u.rateWindowMs();
    burst = u.burst();
    kind.bounds.restore(u.bounds());
    blockedUntil = u.blockedUntil();
    serial = u.serial();
    probeDue = u.probeDue();
    episodeAt = u.episodeAt();
    previousEpisodeAt = u.previousEpisodeAt();
    acceptedSinceEpisode = u.acceptedSinceEpisode();
    undo = null;
  }

  /**
   * This agent's share of the limit changed at {@code now} (members of its group joined or left):
   * the told allowance is that share of the told number, and a learned one, which is what this
   * member got, scales with it. A smaller share applies at once; a larger one a window later, when
   * the requests of the members that left (or had a larger share) have left the window.
   */
  void share(Pacer.Allotment newShare, long now) {
    applyDueShare(now);
    if (newShare.equals(share) && pendingShare == null) {
      return;
    }
    if (newShare.fraction() > share.fraction()
        || (pendingShare != null && newShare.equals(pendingShare))) {
      pendingShare = newShare;
      pendingShareAt = now + windowMs();
      return;
    }
    pendingShare = null;
    applyShare(newShare);
  }

  private void applyDueShare(long now) {
    if (pendingShare != null && now >= pendingShareAt) {
      Pacer.Allotment due = pendingShare;
      pendingShare = null;
      applyShare(due);
    }
  }

  private void applyShare(Pacer.Allotment newShare) {
    if (newShare.equals(share)) {
      return;
    }
    double ratio = newShare.fraction() / share.fraction();
    if (learned > 0) {
      learned = Math.max(1, (int) Math.floor(learned * ratio));
    }
    if (burst > 0) {
      burst = Math.max(1, (int) Math.floor(burst * ratio));
    }
    share = newShare;
    told = toldPerWindow == 0 ? 0 : share.of(toldPerWindow);
  }

  // ---- state for the pacer ----

  int episode() {
    return episode;
  }

  /** True while this agent paces the whole limit, not a group member's share of it. */
  boolean whole() {
    return share.whole();
  }

  /** Requests answered (not 429) in the window so far. */
  int accepted(long now) {
    long w = windowMs();
    return log.answeredAfter(now - w - marginMs(w));
  }

  /** True if {@code s} was sent before the scope's last 429 was known (the same limit). */
  boolean limitedIn(Sent s) {
    return s.sentAt() < episodeAt;
  }

  /** The learned allowance once confirmed, else 0. */
  int confirmedAllowance() {
    return confirmed ? learned : 0;
  }

  /** The allowance in force, 0 = none. */
  int allowance() {
    if (told > 0 && learned > 0) {
      return Math.min(told, learned);
    }
    return told > 0 ? told : learned;
  }

  /** The learned allowance, confirmed or tentative; 0 if none. */
  int learnedAllowance() {
    return learned;
  }

  /** True if the scope holds nothing that matters any more at {@code now}. */
  boolean forgettable(long now, long idleMs) {
    return now - lastSeen >= idleMs && now >= blockedUntil && !aloneOut;
  }

  /** The window the allowance is paced in. */
  long windowMs() {
    if (rateWindowMs > 0 && learnedBinds()) {
      return rateWindowMs;
    }
    long w = Math.max(told > 0 ? toldWindowMs : 0, kind.bounds.hi());
    return w > 0 ? w : DEFAULT_WINDOW_MS;
  }

  // ---- inner workings ----

  private void learn(int allowance) {
    learned = allowance;
    rateWindowMs = 0;
    confirmed = false;
    learnedInEpisode = true;
    adopted = false;
  }

  /**
   * Paces by the rate at which requests got through between two 429s ({@code got} in {@code
   * overMs}, the bucket empty at both ends, so at most the server's rate): {@code n} requests per
   * {@code n / rate}, {@code n} about what the window {@code w} holds. Confirmed (a measured rate
   * is a lower bound), and kept whatever the kind later learns about windows.
   */
  private void learnRate(int got, long overMs, long w) {
    // The bucket held part of a token at the first 429, half of one on average.
    double perMs = Math.max(0.5, got - 0.5) / (double) overMs;
    int n = (int) Math.max(1, Math.round(perMs * w));
    learned = n;
    rateWindowMs = Math.max(1, (long) Math.ceil(n / perMs));
    confirmed = true;
    kind.rateLimited = true;
    learnedInEpisode = false;
    adopted = false;
  }

  private void endAlone(Sent s) {
    if (s.alone()) {
      aloneOut = false;
    }
    if (s.probe() == Probe.EARLY) {
      kind.earlyProbeOut = false;
    }
    if (s.probe() == Probe.SPARE) {
      kind.spareProbeOut = false;
    }
  }

  /**
   * The longest Retry-After a token bucket refilled at {@code a} per {@code w} answers (the time
   * for two tokens, in whole seconds): a longer one means a window that is used up.
   */
  private static long bucketRetryAfterMs(int a, long w) {
    long twoTokens = 2 * w / Math.max(1, a);
    long r = WindowEstimate.RETRY_AFTER_RESOLUTION_MS;
    return Math.max(r, (twoTokens + r - 1) / r * r);
  }

  /**
   * The send time of the request a refusal measures the window from: the oldest in the window we
   * pace by ({@code inside}), or our last one before it; -1 if the log has none.
   */
  private long earliestMaybeCounted(long now, long w, boolean inside) {
    long at = log.sentAround(now - w - marginMs(w), inside);
    return at >= 0 || inside ? at : log.lastDroppedSent();
  }

  private boolean windowKnown() {
    return told > 0 || kind.bounds.known();
  }

  private boolean learnedBinds() {
    return learned > 0 && (told == 0 || learned < told);
  }

  /** One request above a tentative learned allowance, while requests go one at a time. */
  private boolean climbing() {
    // In a group, the members' climbs would race for the same room: spare room is tried instead.
    return serial && !confirmed && learnedBinds() && streak >= learned && share.whole();
  }

  /**
   * True if one request may go above what this agent learned of a limit it shares with the other
   * members of its group: its part is used, the limit itself is not (the most it ever got through
   * at its part), and no such try was refused in the last window. A learned part is what the member
   * got when the window first filled, which only falls when the others take more; this is how it
   * grows again, and how a member whose records outrun its part takes what the others leave at the
   * end of a backlog. (Told parts add up to the told number exactly: a try above one could only
   * take another member's place.)
   */
  private boolean spareProbeMayGo(long now) {
    long at = spareProbeAt(now);
    return at >= 0 && now >= at;
  }

  /**
   * When a try above this agent's share may go (see {@link #spareProbeMayGo}), or -1 if none may in
   * this window. Only in the middle of the window: by then the other members have sent their
   * shares, and none of their requests is about to leave the window (the members' windows run
   * together), so a try takes what they leave, not a place one of them is about to take again.
   */
  private long spareProbeAt(long now) {
    if (share.whole() || !learnedBinds() || aloneOut || serial || kind.spareProbeOut) {
      return -1;
    }
    int a = allowance();
    int full = toldPerWindow > 0 ? toldPerWindow : (int) Math.floor(a / share.fraction());
    if (a == 0 || log.size() >= full || log.answeredCount() == 0) {
      return -1;
    }
    long w = windowMs();
    long first = log.sentAt(0);
    int bunch = Math.min(a, log.answeredCount());
    if (log.sentAt(bunch - 1) - first > w / 2) {
      return -1; // requests spread over the window: the others' come back at any moment too
    }
    long from = Math.max(first + w / 3, kind.spareRefusedUntil);
    return from <= first + 3 * w / 4 ? Math.max(from, now) : -1;
  }

  /** When an early probe may narrow the window's bounds, or -1. */
  private long earlyProbeAt() {
    if (kind.earlyProbeOut
        || kind.rateLimited
        || !kind.windowConfirmed
        || aloneOut
        || log.answeredCount() == 0
        || rateWindowMs > 0) {
      return -1;
    }
    long after = kind.bounds.earlyProbeAfter();
    return after < 0 ? -1 : log.sentAt(0) + after;
  }

  private boolean bucketPaces(int a) {
    return burst > 0 && burst < a;
  }

  private void refill(long now, int a, long w) {
    if (tokensAt == Long.MIN_VALUE) {
      tokens = burst;
    } else if (now > tokensAt) {
      tokens = Math.min(burst, tokens + (now - tokensAt) * (double) a / w);
    }
    tokensAt = Math.max(tokensAt, now);
  }

  /** Slack added to a window: requests sent one window apart may arrive closer together. */
  static long marginMs(long windowMs) {
    return Math.max(MIN_MARGIN_MS, windowMs / 200);
  }

  @Override
  public String toString() {
    int a = allowance();
    return "allowance "
        + a
        + (learned > 0 && learned == a ? (confirmed ? " (learned)" : " (tentative)") : "")
        + (bucketPaces(a) ? ", burst " + burst : "")
        + (rateWindowMs > 0 && learnedBinds() ? " (a rate)" : "")
        + " per "
        + windowMs()
        + " ms, window bounds "
        + kind.bounds
        + (blockedUntil > 0 ? ", blocked until " + blockedUntil : "");
  }
}
