package dev.sparkdl.spec;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Metric names: {@code accuracy} for classifiers (Keras' {@code acc}, {@code
 * categorical_accuracy}, {@code sparse_categorical_accuracy}, {@code binary_accuracy} read as
 * it), {@code mse} and {@code mae} for regression (and classifier outputs).
 */
public final class Metrics {
  /** The canonical metric names. */
  public static final List<String> NAMES = Names.list("accuracy", "mse", "mae");

  private static final Map<String, String> ALIASES =
      Map.of(
          "acc", "accuracy",
          "categorical_accuracy", "accuracy",
          "sparse_categorical_accuracy", "accuracy",
          "binary_accuracy", "accuracy",
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
