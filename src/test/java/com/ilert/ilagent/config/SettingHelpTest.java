package com.ilert.ilagent.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SettingHelpTest {
  @Test
  void everySettingHasAHelpTextAndEveryHelpTextASetting() {
    for (Setting s : Setting.values()) {
      assertThat(s.description()).as(s.longName()).isNotBlank();
    }
    assertThat(SettingHelp.names())
        .containsExactlyInAnyOrderElementsOf(
            Arrays.stream(Setting.values()).map(Setting::longName).toList());
  }

  @Test
  void aTextKeepsItsQuotes() {
    assertThat(Setting.POLICY_TOPIC.description())
        .contains("(\"this person is on call at this level\")");
    assertThat(Setting.KAFKA_BROKERS.description())
        .startsWith("Kafka bootstrap servers, comma-separated.");
  }
}
