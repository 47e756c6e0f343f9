package dev.sparkdl.callbacks;

import dev.sparkdl.spec.SpecException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The quantity a callback watches ({@code val_loss}, {@code accuracy}...) and which way is
 * better, as Keras decides it: {@code mode="auto"} means "max" for accuracy-like metrics (accuracy,
 * auc, pr_auc, precision, recall, f1_score, r2_score and their {@code val_} forms) and "min" for
 * losses and errors (root_mean_squared_error included).
 */
final class Monitor {
  static final List<String> MODES = List.of("auto", "min", "max");

  private final String name;
  private final String mode;
  private final boolean higherIsBetter;

  Monitor(String owner, String name, String mode) {
    if (name == null || name.isBlank()) {
      throw new SpecException(owner + ": monitor must name a logged quantity such as val_loss.");
    }
    String m = mode == null ? "auto" : mode.toLowerCase(Locale.ROOT);
    if (!MODES.contains(m)) {
      throw new SpecException(owner + ": mode must be one of " + MODES + ". Received: mode="
          + mode);
    }
    this.name = name;
    this.mode = m;
    this.higherIsBetter = switch (m) {
      case "max" -> true;
      case "min" -> false;
      default -> higherIsBetter(name);
    };
  }

  /** Keras' auto direction: accuracy-like metrics are maximised, everything else minimised. */
  static boolean higherIsBetter(String monitor) {
    String metric = monitor.startsWith("val_") ? monitor.substring(4) : monitor;
    return metric.contains("acc") || metric.equals("auc") || metric.startsWith("auc")
        || metric.endsWith("auc") || metric.startsWith("r2")
        || metric.contains("precision") || metric.contains("recall") || metric.contains("f1");
  }

  String name() {
    return name;
  }

  String mode() {
    return mode;
  }

  boolean higherIsBetter() {
    return higherIsBetter;
  }

  /** @return the worst possible value, the start of "best so far" */
  double worst() {
    return higherIsBetter ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
  }

  /**
   * @param current the new value
   * @param reference the best so far (or a baseline)
   * @param minDelta the least change that counts, >= 0
   * @return true if current beats reference by more than minDelta
   */
  boolean improves(double current, double reference, double minDelta) {
    return higherIsBetter ? current - minDelta > reference : current + minDelta < reference;
  }

  /**
   * @return the watched value in these logs, or null (with a warning naming what is there) if
   *     it is not logged
   */
  Double read(String owner, Map<String, Double> logs) {
    Double v = logs.get(name);
    if (v == null) {
      System.err.println("WARNING: " + owner + " is conditioned on metric `" + name
          + "` which is not available. Available metrics are: " + String.join(",", logs.keySet())
          + (name.startsWith("val_") ? " (validation metrics need validationSplit or"
              + " validationIndicatorCol)" : ""));
    }
    return v;
  }
}
