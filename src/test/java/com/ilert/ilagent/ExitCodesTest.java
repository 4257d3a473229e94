package com.ilert.ilagent;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The numbers are a contract with operators (README, docs/operations.md, conf/ilagent.service). The
 * other tests compare exit codes with the constants, so this one pins the constants' values.
 */
class ExitCodesTest {
  @Test
  void theDocumentedNumbers() {
    assertThat(ExitCodes.OK).isZero();
    assertThat(ExitCodes.FAILURE).isEqualTo(1);
    assertThat(ExitCodes.USAGE).isEqualTo(2);
  }
}
