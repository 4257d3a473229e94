package com.ilert.ilagent.ilert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
  private static final double LOW = 0.0;
  private static final double HIGH = Math.nextDown(1.0);
  private static final long NONE = RetryPolicy.NO_RETRY_AFTER;

  private static RetryPolicy policy(long budgetMs, double r) {
    return RetryPolicy.withDefaults(budgetMs, () -> r);
  }

  @Test
  void deliveredAndPermanentNeverRetry() {
    RetryPolicy p = policy(60_000, 0.5);
    assertThat(p.nextDelayMs(1, 0, Outcome.DELIVERED, NONE)).isEqualTo(-1);
    assertThat(p.nextDelayMs(1, 0, Outcome.PERMANENT, NONE)).isEqualTo(-1);
    assertThat(p.nextDelayMs(1, 0, Outcome.PERMANENT, 1000))
        .as("Retry-After ignored")
        .isEqualTo(-1);
  }

  @Test
  void zeroBudgetMeansOneAttemptOnly() {
    RetryPolicy p = policy(0, 0.5);
    assertThat(p.nextDelayMs(1, 0, Outcome.RETRYABLE, NONE)).isEqualTo(-1);
    assertThat(p.nextDelayMs(1, 0, Outcome.RATE_LIMITED, NONE)).isEqualTo(-1);
    assertThat(p.nextDelayMs(1, 0, Outcome.RATE_LIMITED, 0)).isEqualTo(-1);
  }

  @Test
  void exponentialBackoffBoundsWithJitter() {
    // Attempt n: delay in [250, min(10000, 250 * 2^(n-1))].
    long[] ceilings = {250, 500, 1000, 2000, 4000, 8000, 10_000, 10_000};
    for (int n = 1; n <= ceilings.length; n++) {
      assertThat(policy(600_000, LOW).nextDelayMs(n, 0, Outcome.RETRYABLE, NONE))
          .as("attempt %d low", n)
          .isEqualTo(250);
      assertThat(policy(600_000, HIGH).nextDelayMs(n, 0, Outcome.RETRYABLE, NONE))
          .as("attempt %d high", n)
          .isEqualTo(ceilings[n - 1]);
    }
    assertThat(policy(600_000, 0.5).nextDelayMs(3, 0, Outcome.RETRYABLE, NONE)).isEqualTo(625);
  }

  @Test
  void hugeAttemptCountsDoNotOverflow() {
    RetryPolicy p = policy(Long.MAX_VALUE, HIGH);
    assertThat(p.nextDelayMs(Integer.MAX_VALUE, 0, Outcome.RETRYABLE, NONE)).isEqualTo(10_000);
    RetryPolicy wide = new RetryPolicy(Long.MAX_VALUE, 3, Long.MAX_VALUE, 0, 0, () -> HIGH);
    assertThat(wide.nextDelayMs(200, 0, Outcome.RETRYABLE, NONE)).isPositive();
  }

  @Test
  void jitterStaysInBoundsForRandomValues() {
    Random rnd = new Random(42);
    RetryPolicy p = RetryPolicy.withDefaults(600_000, rnd::nextDouble);
    for (int i = 0; i < 10_000; i++) {
      int n = 1 + rnd.nextInt(12);
      long ceiling = Math.min(10_000, 250L << Math.min(n - 1, 20));
      assertThat(p.nextDelayMs(n, 0, Outcome.RETRYABLE, NONE)).isBetween(250L, ceiling);
      assertThat(p.nextDelayMs(n, 0, Outcome.RATE_LIMITED, NONE)).isBetween(10_000L, 30_000L);
    }
  }

  @Test
  void outOfRangeRandomValuesAreClamped() {
    assertThat(policy(600_000, -3).nextDelayMs(4, 0, Outcome.RETRYABLE, NONE)).isEqualTo(250);
    assertThat(policy(600_000, 7).nextDelayMs(4, 0, Outcome.RETRYABLE, NONE)).isEqualTo(2000);
    assertThat(policy(600_000, Double.NaN).nextDelayMs(4, 0, Outcome.RETRYABLE, NONE))
        .isEqualTo(250);
  }

  @Test
  void rateLimitedWithoutRetryAfterWaitsTenToThirtySeconds() {
    assertThat(policy(600_000, LOW).nextDelayMs(1, 0, Outcome.RATE_LIMITED, NONE))
        .isEqualTo(10_000);
    assertThat(policy(600_000, HIGH).nextDelayMs(1, 0, Outcome.RATE_LIMITED, NONE))
        .isEqualTo(30_000);
    assertThat(policy(600_000, 0.5).nextDelayMs(5, 0, Outcome.RATE_LIMITED, NONE))
        .isEqualTo(20_000);
  }

  @Test
  void fixedRateLimitDelayConstructor() {
    RetryPolicy p = new RetryPolicy(600_000, 100, 1000, 15_000, () -> 0.7);
    assertThat(p.nextDelayMs(1, 0, Outcome.RATE_LIMITED, NONE)).isEqualTo(15_000);
    assertThat(p.nextDelayMs(1, 0, Outcome.RETRYABLE, NONE)).isEqualTo(100);
    assertThat(p.budgetMs()).isEqualTo(600_000);
  }

  @Test
  void retryAfterIsHonouredForRateLimitAndRetryable() {
    RetryPolicy p = policy(60_000, HIGH);
    assertThat(p.nextDelayMs(1, 0, Outcome.RATE_LIMITED, 3_000)).isEqualTo(3_000);
    assertThat(p.nextDelayMs(1, 0, Outcome.RETRYABLE, 45_000))
        .as("503 with Retry-After, beyond maxDelay")
        .isEqualTo(45_000);
  }

  @Test
  void retryAfterZeroOrInThePastNeverShortensTheBackoff() {
    // Attempt 4 with HIGH: the backoff alone would wait 2000 ms; "Retry-After: 0" must not skip it.
    assertThat(policy(60_000, HIGH).nextDelayMs(4, 0, Outcome.RETRYABLE, 0)).isEqualTo(2_000);
    assertThat(policy(60_000, HIGH).nextDelayMs(4, 0, Outcome.RATE_LIMITED, 0)).isEqualTo(2_000);
    assertThat(policy(60_000, LOW).nextDelayMs(1, 0, Outcome.RATE_LIMITED, 0))
        .as("never below the initial delay")
        .isEqualTo(250);
    long now = Instant.parse("2015-10-21T07:28:00Z").toEpochMilli();
    long past = RetryPolicy.parseRetryAfter("Wed, 21 Oct 2015 07:27:00 GMT", now);
    assertThat(policy(60_000, HIGH).nextDelayMs(3, 0, Outcome.RETRYABLE, past)).isEqualTo(1_000);
    // A Retry-After shorter than the backoff gives way to it, a longer one is honoured.
    assertThat(policy(60_000, HIGH).nextDelayMs(5, 0, Outcome.RETRYABLE, 1_000)).isEqualTo(4_000);
    assertThat(policy(60_000, HIGH).nextDelayMs(5, 0, Outcome.RETRYABLE, 7_000)).isEqualTo(7_000);
    // The budget still caps the floor: the last attempt happens at the budget's end.
    assertThat(policy(60_000, HIGH).nextDelayMs(7, 59_000, Outcome.RETRYABLE, 0)).isEqualTo(1_000);
  }

  @Test
  void delayIsCappedSoTheLastAttemptHappensAtTheBudgetEnd() {
    // budget 60 s, elapsed 55 s, computed 10 s (HIGH, attempt 7) -> 5 s
    assertThat(policy(60_000, HIGH).nextDelayMs(7, 55_000, Outcome.RETRYABLE, NONE))
        .isEqualTo(5_000);
    assertThat(policy(60_000, HIGH).nextDelayMs(1, 59_999, Outcome.RATE_LIMITED, NONE))
        .isEqualTo(1);
    // Retry-After past the budget: wait what is left, then one last attempt.
    assertThat(policy(60_000, HIGH).nextDelayMs(1, 50_000, Outcome.RATE_LIMITED, 120_000))
        .isEqualTo(10_000);
    // Fits: unchanged.
    assertThat(policy(60_000, HIGH).nextDelayMs(2, 10_000, Outcome.RETRYABLE, NONE)).isEqualTo(500);
  }

  @Test
  void givesUpOnceTheBudgetIsSpent() {
    RetryPolicy p = policy(60_000, 0.5);
    assertThat(p.nextDelayMs(9, 60_000, Outcome.RETRYABLE, NONE)).isEqualTo(-1);
    assertThat(p.nextDelayMs(9, 61_000, Outcome.RATE_LIMITED, 1000)).isEqualTo(-1);
  }

  @Test
  void rejectsInvalidConfiguration() {
    assertThatThrownBy(() -> new RetryPolicy(-1, 250, 10_000, 10_000, 30_000, () -> 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RetryPolicy(0, 250, 100, 10_000, 30_000, () -> 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RetryPolicy(0, -1, 100, 10_000, 30_000, () -> 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RetryPolicy(0, 250, 10_000, 30_000, 10_000, () -> 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RetryPolicy(0, 250, 10_000, -5, 10_000, () -> 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RetryPolicy(0, 250, 10_000, 10_000, 30_000, null))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void parsesDeltaSeconds() {
    assertThat(RetryPolicy.parseRetryAfter("12", 0)).isEqualTo(12_000);
    assertThat(RetryPolicy.parseRetryAfter(" 0 ", 0)).isZero();
  }

  @Test
  void aRetryAfterBeyondIlertsMinuteIsCappedAtIt() {
    long now = Instant.parse("2015-10-21T07:28:00Z").toEpochMilli();
    assertThat(RetryPolicy.parseRetryAfter("86400", now))
        .as("a proxy's or a WAF's day would hold the key's alerts for a day")
        .isEqualTo(RetryPolicy.MAX_RETRY_AFTER_MS);
    assertThat(RetryPolicy.parseRetryAfter("1234567890123456", now))
        .as("16 digits: as ms it would overflow")
        .isEqualTo(RetryPolicy.MAX_RETRY_AFTER_MS);
    assertThat(RetryPolicy.parseRetryAfter("99999999999999999999", now))
        .isEqualTo(RetryPolicy.MAX_RETRY_AFTER_MS);
    assertThat(RetryPolicy.parseRetryAfter("Fri, 31 Dec 9999 23:59:59 GMT", now))
        .isEqualTo(RetryPolicy.MAX_RETRY_AFTER_MS);
    assertThat(RetryPolicy.parseRetryAfter("60", now)).isEqualTo(60_000);
    assertThat(RetryPolicy.MAX_RETRY_AFTER_MS)
        .as("never shorter than ilert's window, which the pacer learns from it")
        .isEqualTo(60_000);
  }

  @Test
  void parsesHttpDates() {
    long now = Instant.parse("2015-10-21T07:28:00Z").toEpochMilli();
    assertThat(RetryPolicy.parseRetryAfter("Wed, 21 Oct 2015 07:28:30 GMT", now)).isEqualTo(30_000);
    assertThat(RetryPolicy.parseRetryAfter("Wed, 21 Oct 2015 07:27:00 GMT", now))
        .as("past clamps to 0")
        .isZero();
    String formatted =
        DateTimeFormatter.RFC_1123_DATE_TIME.format(
            Instant.ofEpochMilli(now + 45_000).atOffset(ZoneOffset.UTC));
    assertThat(RetryPolicy.parseRetryAfter(formatted, now)).isEqualTo(45_000);
  }

  @Test
  void absentOrUnparsableIsMinusOne() {
    for (String v :
        new String[] {
          null, "", "   ", "-5", "1.5", "soon", "12s", "Wednesday, 21-Oct-15 07:28:00 GMT", "\u0661"
        }) {
      assertThat(RetryPolicy.parseRetryAfter(v, 0)).as("%s", v).isEqualTo(-1);
    }
  }
}
