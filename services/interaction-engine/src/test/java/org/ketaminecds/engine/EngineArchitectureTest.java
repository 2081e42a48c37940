package org.ketaminecds.engine;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The engine stays plain Java: no framework may creep in through an import. */
@AnalyzeClasses(
    packages = "org.ketaminecds.engine",
    importOptions = ImportOption.DoNotIncludeTests.class)
class EngineArchitectureTest {

  @ArchTest
  static final ArchRule engineIsFreeOfFrameworks =
      noClasses()
          .that()
          .resideInAPackage("org.ketaminecds.engine..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("org.springframework..", "org.apache.kafka..", "ca.uhn..")
          .because("the engine is plain Java; frameworks belong in the service (ARCHITECTURE.md)");
}
