package dev.sparkdl.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layering the package docs state (docs/architecture.md), checked on the compiled main
 * classes: packages import only downwards (cli → ml → distributed → callbacks → engine →
 * spec/data; plot beside distributed, used by ml and cli, using callbacks and spec; export
 * beside it, used by ml and cli, using engine and spec), {@code
 * spec} imports neither DJL nor Spark, {@code engine} no Spark, {@code plot} no Spark, and no
 * DJL type appears above the engine.
 */
class LayeringTest {
  private static JavaClasses classes;

  @BeforeAll
  static void importMainClasses() {
    classes = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("dev.sparkdl");
    assertTrue(classes.size() > 100, "imported " + classes.size() + " classes");
  }

  @Test
  void packagesImportOnlyDownwards() {
    layeredArchitecture().consideringOnlyDependenciesInLayers()
        .layer("cli").definedBy("dev.sparkdl.cli..")
        .layer("ml").definedBy("dev.sparkdl.ml..")
        .layer("distributed").definedBy("dev.sparkdl.distributed..")
        .layer("plot").definedBy("dev.sparkdl.plot..")
        .layer("export").definedBy("dev.sparkdl.export..")
        .layer("callbacks").definedBy("dev.sparkdl.callbacks..")
        .layer("engine").definedBy("dev.sparkdl.engine..")
        .layer("data").definedBy("dev.sparkdl.data..")
        .layer("spec").definedBy("dev.sparkdl.spec..")
        .whereLayer("cli").mayNotBeAccessedByAnyLayer()
        .whereLayer("ml").mayOnlyBeAccessedByLayers("cli")
        .whereLayer("distributed").mayOnlyBeAccessedByLayers("cli", "ml")
        .whereLayer("plot").mayOnlyBeAccessedByLayers("cli", "ml")
        .whereLayer("export").mayOnlyBeAccessedByLayers("cli", "ml")
        .whereLayer("callbacks").mayOnlyBeAccessedByLayers("cli", "ml", "distributed", "plot")
        .whereLayer("engine")
        .mayOnlyBeAccessedByLayers("cli", "ml", "distributed", "callbacks", "export")
        .whereLayer("data").mayOnlyBeAccessedByLayers("cli", "ml", "distributed")
        .whereLayer("spec")
        .mayOnlyBeAccessedByLayers("cli", "ml", "distributed", "callbacks", "engine", "data",
            "plot", "export")
        .check(classes);
  }

  @Test
  void plotUsesOnlyCallbacksAndSpecAndNoSpark() {
    noClasses().that().resideInAPackage("dev.sparkdl.plot..")
        .should().dependOnClassesThat().resideInAnyPackage("org.apache.spark..", "scala..",
            "ai.djl..", "dev.sparkdl.engine..", "dev.sparkdl.data..",
            "dev.sparkdl.distributed..", "dev.sparkdl.ml..", "dev.sparkdl.cli..")
        .check(classes);
  }

  @Test
  void specImportsNeitherDjlNorSpark() {
    noClasses().that().resideInAPackage("dev.sparkdl.spec..")
        .should().dependOnClassesThat().resideInAnyPackage("ai.djl..", "org.apache.spark..",
            "org.apache.hadoop..", "scala..")
        .check(classes);
  }

  @Test
  void engineImportsNoSpark() {
    noClasses().that().resideInAPackage("dev.sparkdl.engine..")
        .should().dependOnClassesThat().resideInAnyPackage("org.apache.spark..",
            "org.apache.hadoop..")
        .check(classes);
  }

  @Test
  void noDjlTypeAboveTheEngine() {
    noClasses().that().resideInAnyPackage("dev.sparkdl.callbacks..", "dev.sparkdl.distributed..",
            "dev.sparkdl.ml..", "dev.sparkdl.cli..", "dev.sparkdl.data..", "dev.sparkdl.plot..",
            "dev.sparkdl.export..")
        .should().dependOnClassesThat().resideInAPackage("ai.djl..")
        .check(classes);
  }
}
