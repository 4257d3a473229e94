package com.ilert.ilagent.startup;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ClassPreloadTest {
  static volatile boolean notInitialisedRan;
  static volatile boolean initialisedRan;

  static final class NotInitialised {
    static {
      notInitialisedRan = true;
    }
  }

  static final class Initialised {
    static {
      initialisedRan = true;
    }
  }

  @Test
  void loadsTheListedClassesInitialisesOnlyThoseMarkedAndSkipsWhatIsGone() {
    int loaded = ClassPreload.load("com/ilert/ilagent/startup/preload-test.txt");

    assertThat(loaded).as("4 of 5 names exist").isEqualTo(4);
    assertThat(notInitialisedRan).isFalse();
    assertThat(initialisedRan).isTrue();
  }

  @Test
  void aMissingListLoadsNothing() {
    assertThat(ClassPreload.load("com/ilert/ilagent/startup/no-such-list.txt")).isZero();
  }

  @Test
  void theAgentItselfNeverPreloads() {
    assertThat(System.getProperty(ClassPreload.TRAINING_PROPERTY)).isNull();
    assertThat(ClassPreload.ifTraining()).isZero();
  }

  @Test
  void theShippedListNamesClassesThatExist() {
    int loaded = ClassPreload.load(ClassPreload.LIST);

    assertThat(loaded)
        .as("classes of " + ClassPreload.LIST + " found on the class path")
        .isGreaterThan(3_000);
  }
}
