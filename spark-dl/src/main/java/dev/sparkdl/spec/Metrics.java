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
 * regression (and classifier outputs), {@code nll} and {@code coverage} (95 % central interval;
 * {@code coverage_90} and the like at other levels) for a regressor's distribution head; and the
 * whole-epoch metrics of {@link MetricSpec} ({@code auc}, {@code precision}, {@code recall},
 * {@code top_k_categorical_accuracy}, {@code sparse_top_k_categorical_accuracy}, {@code
 * root_mean_squared_error}, {@code r2_score}, {@code f1_score}), by name or as Keras' serialized
 * object.
 */
public final class Metrics {
  /** The canonical metric names. */
  public static final List<String> NAMES =
      Names.list("accuracy", "binary_accuracy", "mse", "mae", "nll", "coverage", "auc",
          "precision", "recall", "top_k_categorical_accuracy",
          "sparse_top_k_categorical_accuracy", "root_mean_squared_error", "r2_score", "f1_score");

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
    MetricSpec spec = MetricSpec.parse(name);
    if (spec != null) {
      return spec.canonical();
    }
    if (MetricSpec.isObject(name)) {
      throw new SpecException("Unknown metric object " + name.trim() + ". Supported class names:"
          + " AUC, Precision, Recall, TopKCategoricalAccuracy, SparseTopKCategoricalAccuracy,"
          + " RootMeanSquaredError, R2Score, F1Score (other metrics by name: " + NAMES + ").");
    }
    if (name != null && COVERAGE.matcher(name.trim()).matches()) {
      String n = name.trim();
      coverageLevel(n);
      return n;
    }
    if (name != null) {
      String alias = ALIASES.get(name.trim().toLowerCase(Locale.ROOT));
      if (alias != null) {
        return alias;
      }
    }
    return Names.check("metric", name, NAMES);
  }

  private static final java.util.regex.Pattern COVERAGE =
      java.util.regex.Pattern.compile("coverage_([0-9]+(\\.[0-9]+)?)");

  /**
   * @param level an interval's probability in (0, 1)
   * @return the coverage metric's name at that level: {@code coverage} at 0.95,
   *     {@code coverage_90} at 0.9, {@code coverage_97.5} at 0.975
   */
  public static String coverageName(double level) {
    if (!(level > 0 && level < 1)) {
      throw new SpecException("An interval level must lie in (0, 1); received " + level + ".");
    }
    if (Math.abs(level - 0.95) < 1e-12) {
      return "coverage";
    }
    java.math.BigDecimal pct = java.math.BigDecimal.valueOf(level * 100).stripTrailingZeros();
    return "coverage_" + pct.toPlainString();
  }

  /**
   * @param canonical {@code coverage} or {@code coverage_<percent>}
   * @return the interval's probability the metric counts
   */
  public static double coverageLevel(String canonical) {
    if ("coverage".equals(canonical)) {
      return 0.95;
    }
    java.util.regex.Matcher m = COVERAGE.matcher(canonical);
    double level = m.matches() ? Double.parseDouble(m.group(1)) / 100 : Double.NaN;
    if (!(level > 0 && level < 1)) {
      throw new SpecException(
          "Metric '" + canonical + "': expected coverage (95 %) or coverage_<percent> with a"
              + " percent in (0, 100), e.g. coverage_90.");
    }
    return level;
  }

  /** @return whether the metric needs a likelihood head (nll, coverage) */
  public static boolean isDistributional(String canonical) {
    return "nll".equals(canonical) || canonical.startsWith("coverage");
  }

  /**
   * @param canonical a canonical metric name
   * @return whether it is a classification metric (accuracy, binary_accuracy)
   */
  public static boolean isClassification(String canonical) {
    MetricSpec spec = MetricSpec.parse(canonical);
    if (spec != null) {
      return spec.isClassification();
    }
    return "accuracy".equals(canonical) || "binary_accuracy".equals(canonical);
  }

  /**
   * @param canonical a canonical metric name
   * @return the name History reports it under (before any per-class suffix)
   */
  public static String historyName(String canonical) {
    MetricSpec spec = MetricSpec.parse(canonical);
    return spec != null ? spec.name() : canonical;
  }

  /**
   * @return the canonical names, duplicates removed, order kept
   * @throws SpecException when two different metrics would report under one name
   */
  public static List<String> check(List<String> names) {
    List<String> out = new ArrayList<>();
    Map<String, String> reported = new java.util.HashMap<>();
    for (String n : names) {
      String c = check(n);
      if (!out.contains(c)) {
        String other = reported.put(historyName(c), c);
        if (other != null) {
          throw new SpecException("Metrics " + other + " and " + c + " both report as '"
              + historyName(c) + "'. Give one a name, e.g. {\"class_name\": \"Precision\","
              + " \"config\": {\"name\": \"precision_at_0.7\", \"thresholds\": 0.7}}.");
        }
        out.add(c);
      }
    }
    return List.copyOf(out);
  }
}
