package dev.sparkdl.fuzz;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.fail;

import dev.sparkdl.cli.JobFileTest;
import dev.sparkdl.spec.Sequential;
import dev.sparkdl.spec.SpecException;
import dev.sparkdl.testing.FuzzCanary;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The readers of text a user hands over — Keras model JSON and job files — under seeded random
 * mutations ({@link Mutator}): each mutated document is either read or refused with the
 * reader's documented exception ({@link SpecException}, {@code JobFileException}), within a
 * bounded time, and no class named in a document is loaded. A failure names the seed that
 * reproduces it.
 */
class ReaderFuzzTest {
  static final int MUTATIONS = 400;
  static final Duration BOUND = Duration.ofSeconds(5);

  /**
   * Runs {@code reader} on {@code MUTATIONS} mutations of each document.
   *
   * @param allowed the documented exception types
   * @return how often each outcome happened, for the report
   */
  static Map<String, Integer> fuzz(List<String> documents, Consumer<String> reader,
      List<Class<? extends Throwable>> allowed, long seedBase) {
    Map<String, Integer> outcomes = new TreeMap<>();
    List<String> failures = new ArrayList<>();
    for (int d = 0; d < documents.size(); d++) {
      for (int i = 0; i < MUTATIONS; i++) {
        long seed = seedBase + d * 100_003L + i;
        String doc = Mutator.mutate(documents.get(d), seed);
        String outcome = assertTimeoutPreemptively(BOUND, () -> {
          try {
            reader.accept(doc);
            return "read";
          } catch (Throwable t) {
            for (Class<? extends Throwable> c : allowed) {
              if (c.isInstance(t)) {
                if (t.getMessage() == null || t.getMessage().isBlank()) {
                  return "FAIL empty message " + t.getClass().getName();
                }
                return c.getSimpleName();
              }
            }
            return "FAIL " + t.getClass().getName() + ": " + t.getMessage();
          }
        }, () -> "document " + documents.size() + "/" + " seed " + seed + " ("
            + Mutator.kind(seed) + ") took longer than " + BOUND);
        outcomes.merge(outcome.startsWith("FAIL") ? "unexpected" : outcome, 1, Integer::sum);
        if (outcome.startsWith("FAIL") && failures.size() < 10) {
          failures.add("seed " + seed + " (" + Mutator.kind(seed) + "): " + outcome);
        }
      }
    }
    if (!failures.isEmpty()) {
      fail("undocumented failures (first " + failures.size() + "):\n" + String.join("\n",
          failures));
    }
    assertNull(System.getProperty(FuzzCanary.LOADED), "a reader loaded a class named in a file");
    return outcomes;
  }

  static List<String> kerasJson() throws IOException {
    Path dir = Paths.get("src/test/resources/keras-json");
    try (Stream<Path> a = Files.list(dir); Stream<Path> b = Files.list(dir.resolve("forms"))) {
      List<String> docs = new ArrayList<>();
      for (Path p : Stream.concat(a, b).filter(p -> p.toString().endsWith(".json")).sorted()
          .toList()) {
        docs.add(Files.readString(p, StandardCharsets.UTF_8));
      }
      return docs;
    }
  }

  @Test
  void kerasJsonIsReadOrRefusedWithSpecException() throws IOException {
    List<String> docs = kerasJson();
    Map<String, Integer> outcomes = fuzz(docs, json -> {
      Sequential s = Sequential.fromJson(json);
      if (s.inputShape() != null) {
        s.outputShape(s.inputShape()); // shapes and sizes are checked without allocating
      }
    }, List.of(SpecException.class), 1);
    System.out.println("Keras JSON, " + docs.size() + " documents x " + MUTATIONS + ": "
        + outcomes);
  }

  @Test
  void aClassNamedInKerasJsonIsNeverLoaded() {
    String json = "{\"class_name\": \"Sequential\", \"config\": {\"layers\": [{\"class_name\": \""
        + Mutator.CANARY + "\", \"config\": {}}]}}";
    try {
      Sequential.fromJson(json);
      fail("an unknown layer class was accepted");
    } catch (SpecException expected) {
      // refused by name
    }
    assertNull(System.getProperty(FuzzCanary.LOADED));
  }

  @Test
  void jobFilesAreReadOrRefusedWithJobFileException() {
    List<String> docs = List.of(JobFileTest.GOOD, JobFileTest.GOOD
        .replace("\"classification\"", "\"regression\"")
        .replace("\"validationSplit\": 0.1,", "\"distribution\": \"normal\", \"callbacks\":"
            + " [{\"class_name\": \"EarlyStopping\", \"config\": {\"patience\": 2}}],"));
    Map<String, Integer> outcomes = fuzz(docs, dev.sparkdl.cli.JobFile::parse,
        List.of(dev.sparkdl.cli.JobFileException.class), 2_000_000);
    System.out.println("job files, " + docs.size() + " documents x " + MUTATIONS + ": "
        + outcomes);
  }
}
