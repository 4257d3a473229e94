package com.ilert.ilagent.pacing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RateLimitsTest {
  private static final String API = "https://api.ilert.com/api";
  private static final String BEAT = "https://beat.ilert.com/api";
  private static final long MINUTE = 60_000;

  @Test
  void ilertsOwnHostsGetIlertsDocumentedLimits() {
    assertThat(RateLimits.resolve(null, null, null, API, BEAT, MINUTE))
        .isEqualTo(new RateLimits(50, 5, 700, MINUTE));
  }

  @Test
  void anyOtherHostIsPacedOnlyByWhatItsAnswersTeach() {
    assertThat(
            RateLimits.resolve(
                null,
                null,
                null,
                "http://127.0.0.1:8080/api",
                "http://127.0.0.1:8080/beat",
                MINUTE))
        .isEqualTo(new RateLimits(0, 0, 0, MINUTE));
  }

  @Test
  void eachDefaultFollowsTheHostItsRequestsGoTo() {
    assertThat(RateLimits.resolve(null, null, null, API, "http://localhost/beat", MINUTE))
        .isEqualTo(new RateLimits(50, 0, 700, MINUTE));
    assertThat(RateLimits.resolve(null, null, null, "http://proxy.corp/api", BEAT, MINUTE))
        .isEqualTo(new RateLimits(0, 5, 0, MINUTE));
  }

  @Test
  void toldValuesWinAndZeroSwitchesALimitOff() {
    assertThat(RateLimits.resolve(20, 0, 0, API, BEAT, MINUTE))
        .isEqualTo(new RateLimits(20, 0, 0, MINUTE));
    assertThat(
            RateLimits.resolve(30, 2, 100, "http://127.0.0.1/api", "http://127.0.0.1/beat", MINUTE))
        .isEqualTo(new RateLimits(30, 2, 100, MINUTE));
  }

  @ParameterizedTest
  @CsvSource({
    "https://api.ilert.com/api, true",
    "https://API.ILERT.COM/api, true",
    "https://api.ilert.com./api, true",
    "https://ilert.com/api, true",
    "https://beat.ilert.com:443/api, true",
    "https://api.ilert.com.evil.example/api, false",
    "https://notilert.com/api, false",
    "http://127.0.0.1:9999/api, false",
    "not a url, false",
  })
  void recognisesIlertHosts(String url, boolean ilert) {
    assertThat(RateLimits.isIlert(url)).isEqualTo(ilert);
  }

  @Test
  void pingIntervalKeepsWithinThePingLimitWithAFiftiethToSpare() {
    assertThat(new RateLimits(0, 5, 0, MINUTE).pingIntervalMs())
        .as("(60 s + 1.2 s) / 5")
        .isEqualTo(12_240);
    assertThat(new RateLimits(0, 0, 0, MINUTE).pingIntervalMs())
        .as("not told: still 5 a window")
        .isEqualTo(12_240);
    assertThat(new RateLimits(0, 10, 0, MINUTE).pingIntervalMs()).isEqualTo(6_120);
    assertThat(new RateLimits(0, 5, 0, 6_000).pingIntervalMs()).isEqualTo(1_224);
    assertThat(new RateLimits(0, 7, 0, MINUTE).pingIntervalMs()).as("rounded up").isEqualTo(8_743);
  }

  @Test
  void pingsAtThatIntervalWaitForThePacerAtMostTheirRoundTrip() {
    RateLimits limits = new RateLimits(0, 5, 0, MINUTE);
    Pacer pacer = new Pacer(limits);
    long t = 1_700_000_000_000L;
    for (int i = 0; i < 20; i++, t += limits.pingIntervalMs()) {
      // A request counts from its answer (it reached ilert by then): 5 ms later here.
      assertThat(pacer.delayMs(RequestKind.PING, "hb", t)).as("ping %d", i).isLessThanOrEqualTo(5);
      pacer.answered(pacer.sent(RequestKind.PING, "hb", t), 202, -1, t + 5);
    }
  }

  @Test
  void perKeyLimitByKind() {
    RateLimits l = new RateLimits(50, 5, 700, MINUTE);
    assertThat(l.perKey(RequestKind.EVENT)).isEqualTo(50);
    assertThat(l.perKey(RequestKind.PING)).isEqualTo(5);
    assertThat(l.perKey(RequestKind.OTHER_API)).isZero();
  }

  @Test
  void rejectsNegativeLimitsAndEmptyWindows() {
    assertThatThrownBy(() -> new RateLimits(-1, 0, 0, MINUTE))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RateLimits(0, 0, 0, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void windowComesFromTheSystemPropertyOnlyWhenPositive() {
    String before = System.getProperty(RateLimits.WINDOW_PROPERTY);
    try {
      System.clearProperty(RateLimits.WINDOW_PROPERTY);
      assertThat(RateLimits.windowFromSystemProperty()).isEqualTo(MINUTE);
      System.setProperty(RateLimits.WINDOW_PROPERTY, "6000");
      assertThat(RateLimits.windowFromSystemProperty()).isEqualTo(6_000);
      System.setProperty(RateLimits.WINDOW_PROPERTY, "0");
      assertThat(RateLimits.windowFromSystemProperty()).isEqualTo(MINUTE);
    } finally {
      if (before == null) {
        System.clearProperty(RateLimits.WINDOW_PROPERTY);
      } else {
        System.setProperty(RateLimits.WINDOW_PROPERTY, before);
      }
    }
  }
}
