package com.ilert.ilagent;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;

/**
 * The dependencies allowed between the agent's packages (main code only). The consumer core is
 * layered: {@code loop} (the event-loop port) under {@code offsets} and {@code delivery}; the Kafka
 * boundary {@code kafka} over {@code offsets}; {@code consumer} (the verticle, its wiring and
 * lifecycle) over all of them, and only the agent itself over {@code consumer}.
 */
@AnalyzeClasses(
    packages = "com.ilert.ilagent",
    importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
  private static final String ROOT = "com.ilert.ilagent";

  @ArchTest
  static final ArchRule noCyclesBetweenPackages =
      slices().matching(ROOT + ".(*)..").should().beFreeOfCycles();

  @ArchTest
  static final ArchRule deliveryKnowsNothingOfKafkaNorOfOffsetsAndTheConsumer =
      noClasses()
          .that()
          .resideInAPackage(ROOT + ".delivery..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "org.apache.kafka..",
              "io.vertx.kafka..",
              ROOT + ".kafka..",
              ROOT + ".offsets..",
              ROOT + ".consumer..");

  @ArchTest
  static final ArchRule offsetsDependOnNeitherDeliveryNorTheBoundaryNorTheConsumer =
      noClasses()
          .that()
          .resideInAPackage(ROOT + ".offsets..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(ROOT + ".delivery..", ROOT + ".kafka..", ROOT + ".consumer..");

  @ArchTest
  static final ArchRule theBoundaryDoesNotReachUpIntoDeliveryOrTheConsumer =
      noClasses()
          .that()
          .resideInAPackage(ROOT + ".kafka..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(ROOT + ".delivery..", ROOT + ".consumer..");

  @ArchTest
  static final ArchRule theEventLoopPortDependsOnNoOtherPartOfTheAgent =
      noClasses()
          .that()
          .resideInAPackage(ROOT + ".loop..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              ROOT + ".consumer..",
              ROOT + ".kafka..",
              ROOT + ".offsets..",
              ROOT + ".delivery..",
              ROOT + ".ilert..",
              ROOT + ".mapping..",
              ROOT + ".pacing..",
              ROOT + ".metrics..");

  @ArchTest
  static final ArchRule onlyTheAgentUsesTheConsumerPackage =
      noClasses()
          .that()
          .resideOutsideOfPackages(ROOT + ".consumer..")
          .and()
          .resideOutsideOfPackage(ROOT)
          .should()
          .dependOnClassesThat()
          .resideInAPackage(ROOT + ".consumer..");

  @ArchTest
  static final ArchRule onlyTheBoundaryCallsTheKafkaConsumer =
      noClasses()
          .that()
          .resideOutsideOfPackage(ROOT + ".kafka..")
          .should()
          .accessClassesThat()
          .areAssignableTo(Consumer.class)
          .because("every call on the Kafka client is bounded and made on its thread there");

  @ArchTest
  static final ArchRule rebalanceCallbacksAreTheBoundarys =
      classes()
          .that()
          .areAssignableTo(ConsumerRebalanceListener.class)
          .should()
          .resideInAPackage(ROOT + ".kafka..")
          .because("they run inside a poll, on the consumer's thread");

  @ArchTest
  static final ArchRule theBuildingBlocksBelowTheCoreDoNotReachIntoIt =
      noClasses()
          .that()
          .resideInAnyPackage(
              ROOT + ".config..",
              ROOT + ".mapping..",
              ROOT + ".ilert..",
              ROOT + ".pacing..",
              ROOT + ".metrics..",
              ROOT + ".logging..",
              ROOT + ".redaction..",
              ROOT + ".proxy..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              ROOT + ".consumer..", ROOT + ".kafka..", ROOT + ".offsets..", ROOT + ".delivery..");
}
