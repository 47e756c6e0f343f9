package dev.sparkdl.examples;

import dev.sparkdl.ml.KerasCheck;
import dev.sparkdl.ml.KerasModels;
import dev.sparkdl.spec.Sequential;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Checks spark-dl against Keras on a folder of Keras-written files: every {@code *_model.h5}
 * (with its {@code *_inputs_and_outputs.h5}), every {@code *.keras} and every architecture
 * {@code *.json} (with {@code *_weights.h5} beside it when there is one) is loaded, fed the inputs
 * Keras recorded and compared with the outputs Keras computed. One line per file, then the
 * refusals grouped by reason and {@code RESULT {"files", "matched", "mismatched", "refused",
 * "loaded_json"}}.
 */
@Command(name = "keras-check", mixinStandardHelpOptions = true,
    description = "Load Keras files, feed their recorded inputs, compare with Keras' outputs.")
final class KerasCheckExample implements java.util.concurrent.Callable<Integer> {
  @Option(names = "--dir", required = true, description = "a folder of Keras files (searched recursively)")
  Path dir;

  private int matched;
  private int mismatched;
  private int refused;
  private int loadedJson;
  private final Map<String, Integer> reasons = new TreeMap<>();

  @Override
  public Integer call() throws IOException {
    if (!Files.isDirectory(dir)) {
      System.err.println("keras-check: --dir " + dir + " is not a directory.");
      return 2;
    }
    List<Path> files;
    try (Stream<Path> s = Files.walk(dir)) {
      files = s.filter(Files::isRegularFile).filter(p -> {
        String n = p.getFileName().toString();
        return n.endsWith("_model.h5") || n.endsWith(".keras") || n.endsWith(".json");
      }).sorted().toList();
    }
    for (Path f : files) {
      String name = dir.relativize(f).toString();
      String n = f.toString();
      if (n.endsWith(".json")) {
        checkJson(name, f);
      } else {
        String stem = n.endsWith("_model.h5") ? n.substring(0, n.length() - "_model.h5".length())
            : n.substring(0, n.length() - ".keras".length());
        report(name, KerasCheck.check(n, recorded(stem)));
      }
    }
    if (!reasons.isEmpty()) {
      System.out.println("refused, by reason:");
      reasons.forEach((r, c) -> System.out.printf(Locale.ROOT, "  %3d  %s%n", c, r));
    }
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("files", files.size());
    r.put("matched", matched);
    r.put("mismatched", mismatched);
    r.put("refused", refused);
    r.put("loaded_json", loadedJson);
    Support.result(r);
    return 0;
  }

  private static String recorded(String stem) {
    return stem + "_inputs_and_outputs.h5";
  }

  /** An architecture JSON: parsed; with weights and recorded data beside it, also compared. */
  private void checkJson(String name, Path f) throws IOException {
    String n = f.toString();
    try {
      Sequential.fromJson(Files.readString(f));
    } catch (RuntimeException e) {
      report(name, new KerasCheck.Result(KerasCheck.Status.REFUSED, Double.NaN, e.getMessage()));
      return;
    }
    loadedJson++;
    String stem = n.endsWith("_config.json") ? n.substring(0, n.length() - "_config.json".length())
        : n.substring(0, n.length() - ".json".length());
    Path weights = Paths.get(stem + "_weights.h5");
    Path io = Paths.get(recorded(stem));
    if (!Files.exists(weights) || !Files.exists(io)) {
      System.out.println("loaded      " + name + " (architecture only: no weights or recorded"
          + " outputs beside it)");
      return;
    }
    KerasCheck.Result r;
    try {
      r = KerasCheck.compare(KerasModels.read(weights.toString(), n), io.toString());
    } catch (RuntimeException e) {
      r = new KerasCheck.Result(KerasCheck.Status.REFUSED, Double.NaN, e.getMessage());
    }
    report(name, r);
  }

  private void report(String name, KerasCheck.Result r) {
    switch (r.status()) {
      case MATCHED -> {
        matched++;
        System.out.printf(Locale.ROOT, "matched     %s  max abs diff %.3g%n", name, r.maxAbsDiff());
      }
      case MISMATCHED -> {
        mismatched++;
        System.out.printf(Locale.ROOT, "mismatched  %s  max abs diff %.3g  %s%n", name,
            r.maxAbsDiff(), r.reason());
      }
      case REFUSED -> {
        refused++;
        String reason = r.reason() == null ? "unknown" : r.reason();
        System.out.println("refused     " + name + "  " + reason);
        reasons.merge(reason.replaceAll("^\\S+\\.(h5|keras|json): ", ""), 1, Integer::sum);
      }
    }
  }
}
