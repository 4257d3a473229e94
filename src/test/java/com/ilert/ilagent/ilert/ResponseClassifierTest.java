package com.ilert.ilagent.ilert;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ResponseClassifierTest {

  @ParameterizedTest
  @CsvSource({
    "202, DELIVERED",
    "200, DELIVERED",
    "201, DELIVERED",
    "204, DELIVERED",
    "299, DELIVERED",
    "429, RATE_LIMITED",
    "408, RETRYABLE",
    "407, RETRYABLE",
    "500, RETRYABLE",
    "502, RETRYABLE",
    "503, RETRYABLE",
    "504, RETRYABLE",
    "599, RETRYABLE",
    "400, PERMANENT",
    "401, PERMANENT",
    "403, PERMANENT",
    "404, PERMANENT",
    "409, PERMANENT",
    "413, PERMANENT",
    "422, PERMANENT",
    "499, PERMANENT",
    "100, RETRYABLE",
    "199, RETRYABLE",
    "301, RETRYABLE",
    "302, RETRYABLE",
    "307, RETRYABLE",
    "0, RETRYABLE",
    "-1, RETRYABLE",
    "600, RETRYABLE",
    "999, RETRYABLE"
  })
  void classifiesStatusCodes(int status, Outcome expected) {
    assertThat(ResponseClassifier.classify(status)).isEqualTo(expected);
  }

  @Test
  void networkErrorsAreRetryable() {
    assertThat(ResponseClassifier.networkError()).isEqualTo(Outcome.RETRYABLE);
  }

  @Test
  void onlyAcceptedIsTheExpectedSuccess() {
    assertThat(ResponseClassifier.isExpectedSuccess(202)).isTrue();
    assertThat(ResponseClassifier.isExpectedSuccess(200)).isFalse();
  }

  @Test
  void retryableOutcomes() {
    assertThat(Outcome.RETRYABLE.retryable()).isTrue();
    assertThat(Outcome.RATE_LIMITED.retryable()).isTrue();
    assertThat(Outcome.DELIVERED.retryable()).isFalse();
    assertThat(Outcome.PERMANENT.retryable()).isFalse();
  }
}
