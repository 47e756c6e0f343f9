package dev.sparkdl.fuzz;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.sparkdl.data.Datasets;
import dev.sparkdl.ml.ModelLoadException;
import dev.sparkdl.ml.NeuralNetClassificationModel;
import dev.sparkdl.ml.NeuralNetClassifier;
import dev.sparkdl.spec.Dense;
import dev.sparkdl.spec.Sequential;
import dev.sparkdl.testing.FuzzCanary;
import dev.sparkdl.testing.TestSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A saved model directory with one of its files mutated ({@link Mutator}): the Spark params
 * metadata, spark-dl.json or weights.bin, with and without Hadoop's checksum file beside it
 * (without it the mutated bytes reach the parsers). Loading either succeeds or throws the
 * documented {@link ModelLoadException}, within a bounded time, and no class named in the
 * directory is loaded.
 */
class ModelDirectoryFuzzTest {
  private static final int MUTATIONS_PER_FILE = 40;
  @TempDir Path dir;

  @Test
  void mutatedModelDirectoriesLoadOrFailWithModelLoadException() throws IOException {
    Path saved = dir.resolve("saved");
    NeuralNetClassificationModel model = new NeuralNetClassifier()
        .setLayers(Sequential.of(Dense.units(4).activation("relu"),
            Dense.units(3).activation("softmax")))
        .setEpochs(1).setBatchSize(32).setNumWorkers(1).setSeed(1).setVerbose(0)
        .fit(Datasets.iris(TestSpark.session()));
    model.write().save(saved.toString());
    List<Path> targets = new ArrayList<>();
    try (Stream<Path> files = Files.walk(saved)) {
      files.filter(Files::isRegularFile)
          .filter(f -> !f.getFileName().toString().startsWith(".")
              && !f.getFileName().toString().startsWith("_"))
          .forEach(targets::add);
    }
    assertTrue(targets.size() >= 3, targets.toString());
    Map<String, Integer> outcomes = new TreeMap<>();
    List<String> failures = new ArrayList<>();
    int copy = 0;
    // each damaged metadata file fails a Spark task; its stack trace need not fill the log
    String[] noisy = {"org.apache.spark.scheduler.TaskSetManager",
        "org.apache.spark.executor.Executor"};
    for (String logger : noisy) {
      org.apache.logging.log4j.core.config.Configurator.setLevel(logger,
          org.apache.logging.log4j.Level.OFF);
    }
    try {
      for (Path target : targets) {
        Path rel = saved.relativize(target);
        byte[] original = Files.readAllBytes(target);
        for (int i = 0; i < MUTATIONS_PER_FILE; i++) {
          long seed = 3_000_000L + copy * 1000L + i;
          Path d = dir.resolve("m" + copy++);
          copyTree(saved, d);
          Files.write(d.resolve(rel), Mutator.mutate(original, seed));
          boolean keepCrc = i % 2 == 0;
          if (!keepCrc) {
            Files.deleteIfExists(d.resolve(rel).resolveSibling("." + rel.getFileName() + ".crc"));
          }
          String outcome = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            try {
              NeuralNetClassificationModel.load(d.toString());
              return "loaded";
            } catch (ModelLoadException e) {
              return e.getMessage() == null || e.getMessage().isBlank()
                  ? "FAIL empty message" : "ModelLoadException";
            } catch (Throwable t) {
              return "FAIL " + t.getClass().getName() + ": " + t.getMessage();
            }
          }, () -> rel + " seed " + seed + " (" + Mutator.kind(seed) + ") took too long");
          outcomes.merge(outcome.startsWith("FAIL") ? "unexpected" : outcome, 1, Integer::sum);
          if (outcome.startsWith("FAIL") && failures.size() < 10) {
            failures.add(rel + (keepCrc ? "" : " (no .crc)") + " seed " + seed + " ("
                + Mutator.kind(seed) + "): " + abbreviate(outcome));
          }
          deleteTree(d);
        }
      }
    } finally {
      for (String logger : noisy) {
        org.apache.logging.log4j.core.config.Configurator.setLevel(logger,
            org.apache.logging.log4j.Level.WARN);
      }
    }
    System.out.println("model directories, " + targets.size() + " files x " + MUTATIONS_PER_FILE
        + ": " + outcomes);
    if (!failures.isEmpty()) {
      fail("undocumented failures (first " + failures.size() + "):\n"
          + String.join("\n", failures));
    }
    assertNull(System.getProperty(FuzzCanary.LOADED), "a loader loaded a class named in a file");
  }

  private static String abbreviate(String s) {
    return s.length() > 400 ? s.substring(0, 400) + "..." : s;
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path f : files.toList()) {
        Path t = to.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(t);
        } else {
          Files.copy(f, t);
        }
      }
    }
  }

  private static void deleteTree(Path d) throws IOException {
    try (Stream<Path> files = Files.walk(d)) {
      for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(f);
      }
    }
  }
}
