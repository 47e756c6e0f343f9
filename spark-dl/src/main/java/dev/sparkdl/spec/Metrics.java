package dev.sparkdl.spec;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Metric names: {@code accuracy} for classifiers (Keras' {@code acc}, {@code
 * categorical_accuracy}, {@code sparse_categorical_accuracy} read as it: the arg-max class, or
 * one output thresholded at 0.5), {@code binary_accuracy} (Keras': every output thresholded at
 * 0.5 and compared with its target, averaged over the outputs), {@code mse} and {@code mae} for
 * regression (and classifier outputs).
 */
public final class Metrics {
  /** The canonical metric names. */
  public static final List<String> NAMES = Names.list("accuracy", "binary_accuracy", "mse", "mae");

  private static final Map<String, String> ALIASES =
      Map.of(
          "acc", "accuracy",
          "categorical_accuracy", "accuracy",
          "sparse_categorical_accuracy", "accuracy",
          "mean_squared_error", "mse",
          "mean_absolute_error", "mae");

  private Metrics() {}

  /**
   * @param name a metric name or alias
   * @return its canonical name
   * @throws SpecException listing the valid names
   */
  public static String check(String name) {
    if (name != null) {
      String alias = ALIASES.get(name.trim().toLowerCase(Locale.ROOT));
      if (alias != null) {
        return alias;
      }
    }
    return Names.check("metric", name, NAMES);
  }

  /**
   * @param canonical a canonical metric name
   * @return whether it is a classification metric (accuracy, binary_accuracy)
   */
  public static boolean isClassification(String canonical) {
    return "accuracy".equals(canonical) || "binary_accuracy".equals(canonical);
  }

  /** @return the canonical names, duplicates removed, order kept */
  public static List<String> check(List<String> names) {
    List<String> out = new ArrayList<>();
    for (String n : names) {
      String c = check(n);
      if (!out.contains(c)) {
        out.add(c);
      }
    }
    return List.copyOf(out);
  }
}
