package dev.sparkdl.engine;

import dev.sparkdl.spec.MetricSpec;
import dev.sparkdl.spec.Metrics;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where each compiled metric keeps its sufficient statistics in one flat array of sums, and how
 * the values follow from them. Every slot is a sum over rows, so the statistics of several
 * minibatches and partitions merge by addition and a metric is computed exactly over the whole
 * epoch (not as a mean of per-batch values):
 *
 * <ul>
 *   <li>accuracy, binary_accuracy, mse, mae, nll, coverage: one per-sample sum, divided by the
 *       rows at the end (filled by {@link MetricFunctions});
 *   <li>auc: Keras' confusion histograms: per bucket between consecutive thresholds of {@code
 *       num_thresholds} evenly spaced ones ({@code -1e-7, 1/(n-1), ..., 1+1e-7}) the positive
 *       and negative label mass; true and false positives at each threshold are their suffix
 *       sums; ROC by trapezoids, PR by Keras' interpolation (Davis &amp; Goadrich);
 *   <li>precision, recall: true positives, false positives, false negatives at the threshold;
 *   <li>top-k accuracies: hits and rows;
 *   <li>root_mean_squared_error: the sum of per-sample mean squared errors and rows;
 *   <li>r2_score: per output the sums of y, y², (y − p)² and rows;
 *   <li>f1_score: per class true positives, false positives, false negatives and support.
 * </ul>
 *
 * <p>The binary view of auc, precision and recall: a 2-unit softmax head reads class 1's
 * probability (Spark's convention for binary evaluators; Keras would flatten both columns);
 * a sigmoid head flattens all its outputs into one curve (Keras' {@code multi_label=False}).
 * Targets may be soft: a target y counts y positive and 1 − y negative (Keras likewise).
 */
public final class MetricStatistics {
  private static final float EPSILON = 1e-7f;
  private final List<String> names;
  private final MetricSpec[] specs;
  private final int[] offsets;
  private final int units;
  private final boolean softmax;
  private final float[][] thresholds;
  private final int size;

  private MetricStatistics(List<String> names, int units, boolean softmax) {
    this.names = List.copyOf(names);
    this.units = units;
    this.softmax = softmax;
    specs = new MetricSpec[names.size()];
    offsets = new int[names.size() + 1];
    thresholds = new float[names.size()][];
    for (int i = 0; i < names.size(); i++) {
      MetricSpec s = MetricSpec.parse(names.get(i));
      specs[i] = s;
      int n = 1;
      if (s != null) {
        n = switch (s.kind()) {
          case "auc" -> 2 * (s.numThresholds() + 1);
          case "precision", "recall" -> 3;
          case "r2_score" -> 4 * units;
          case "f1_score" -> 4 * units;
          default -> 2;
        };
        if ("auc".equals(s.kind())) {
          thresholds[i] = thresholds(s.numThresholds());
        }
      }
      offsets[i + 1] = offsets[i] + n;
    }
    size = offsets[names.size()];
  }

  /**
   * @param names canonical metric names, in compile order
   * @param units the values per row the metrics compare (the prediction's width)
   * @param activation the output head's activation ({@code softmax} picks class 1 as the
   *     positive class of a 2-unit head); the layout does not depend on it
   * @return the layout
   */
  public static MetricStatistics of(List<String> names, int units, String activation) {
    return new MetricStatistics(names, units, "softmax".equals(activation));
  }

  /** @return the number of sums */
  public int size() {
    return size;
  }

  /** @return where metric {@code i}'s sums start */
  public int offset(int i) {
    return offsets[i];
  }

  /** @return whether metric {@code i} is one sum per sample ({@link MetricFunctions} fills it) */
  boolean isPerSample(int i) {
    return specs[i] == null;
  }

  /** @return whether any metric needs the rows on the host ({@link #accumulate}) */
  boolean needsRows() {
    for (MetricSpec s : specs) {
      if (s != null) {
        return true;
      }
    }
    return false;
  }

  /** Keras' evenly spaced thresholds, in float32 as Keras compares them. */
  static float[] thresholds(int n) {
    float[] t = new float[n];
    t[0] = -EPSILON;
    for (int i = 1; i < n - 1; i++) {
      t[i] = (float) (i * 1.0 / (n - 1));
    }
    t[n - 1] = 1 + EPSILON;
    return t;
  }

  /**
   * Adds the rows' statistics of the whole-epoch metrics.
   *
   * @param p predictions, {@code n × units}, row-major
   * @param y targets, {@code n × units}
   * @param w per-row weights, or null for 1
   * @param n rows
   * @param stats receives the sums (added to)
   */
  public void accumulate(float[] p, float[] y, float[] w, int n, double[] stats) {
    for (int i = 0; i < specs.length; i++) {
      MetricSpec s = specs[i];
      if (s == null) {
        continue;
      }
      int o = offsets[i];
      switch (s.kind()) {
        case "auc" -> auc(p, y, w, n, thresholds[i], stats, o);
        case "precision", "recall" -> confusion(p, y, w, n, (float) s.threshold(), stats, o);
        case "top_k_categorical_accuracy", "sparse_top_k_categorical_accuracy" ->
            topK(p, y, w, n, s.k(), stats, o);
        case "root_mean_squared_error" -> {
          for (int r = 0; r < n; r++) {
            double e = 0;
            for (int j = 0; j < units; j++) {
              double d = (double) p[r * units + j] - y[r * units + j];
              e += d * d;
            }
            double wr = w == null ? 1 : w[r];
            stats[o] += wr * e / units;
            stats[o + 1] += wr;
          }
        }
        case "r2_score" -> {
          for (int r = 0; r < n; r++) {
            double wr = w == null ? 1 : w[r];
            for (int j = 0; j < units; j++) {
              double t = y[r * units + j];
              double d = p[r * units + j] - t;
              stats[o + 4 * j] += wr * t;
              stats[o + 4 * j + 1] += wr * t * t;
              stats[o + 4 * j + 2] += wr * d * d;
              stats[o + 4 * j + 3] += wr;
            }
          }
        }
        case "f1_score" -> f1(p, y, w, n, s.threshold(), stats, o);
        default -> throw new IllegalStateException(s.kind());
      }
    }
  }

  /** The binary view: one score and target per entry (see the class comment). */
  private int binaryWidth() {
    return softmax && units == 2 ? 1 : units;
  }

  private int binaryIndex(int r, int j) {
    return softmax && units == 2 ? r * 2 + 1 : r * units + j;
  }

  private void auc(float[] p, float[] y, float[] w, int n, float[] t, double[] stats, int o) {
    int bw = binaryWidth();
    for (int r = 0; r < n; r++) {
      double wr = w == null ? 1 : w[r];
      for (int j = 0; j < bw; j++) {
        int at = binaryIndex(r, j);
        float score = Math.min(1f, Math.max(0f, p[at]));
        int b = exceeded(t, score);
        stats[o + 2 * b] += wr * y[at];
        stats[o + 2 * b + 1] += wr * (1 - y[at]);
      }
    }
  }

  /** @return how many thresholds lie strictly below the score */
  private static int exceeded(float[] t, float score) {
    int lo = 0;
    int hi = t.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (t[mid] < score) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  private void confusion(float[] p, float[] y, float[] w, int n, float threshold,
      double[] stats, int o) {
    int bw = binaryWidth();
    for (int r = 0; r < n; r++) {
      double wr = w == null ? 1 : w[r];
      for (int j = 0; j < bw; j++) {
        int at = binaryIndex(r, j);
        double pos = p[at] > threshold ? 1 : 0;
        stats[o] += wr * pos * y[at];
        stats[o + 1] += wr * pos * (1 - y[at]);
        stats[o + 2] += wr * (1 - pos) * y[at];
      }
    }
  }

  private void topK(float[] p, float[] y, float[] w, int n, int k, double[] stats, int o) {
    for (int r = 0; r < n; r++) {
      int base = r * units;
      int truth = 0;
      for (int j = 1; j < units; j++) {
        if (y[base + j] > y[base + truth]) {
          truth = j;
        }
      }
      int above = 0;
      for (int j = 0; j < units; j++) {
        if (p[base + j] > p[base + truth]) {
          above++;
        }
      }
      double wr = w == null ? 1 : w[r];
      stats[o] += above < k ? wr : 0;
      stats[o + 1] += wr;
    }
  }

  private void f1(float[] p, float[] y, float[] w, int n, double threshold, double[] stats,
      int o) {
    // one output: threshold None would call every row positive (the arg-max of one column)
    double th = Double.isNaN(threshold) && units == 1 ? 0.5 : threshold;
    for (int r = 0; r < n; r++) {
      int base = r * units;
      float max = Float.NEGATIVE_INFINITY;
      for (int j = 0; j < units; j++) {
        max = Math.max(max, p[base + j]);
      }
      double wr = w == null ? 1 : w[r];
      for (int j = 0; j < units; j++) {
        float v = p[base + j];
        double pred = Double.isNaN(th) ? (v >= max && Math.abs(v) > 1e-9 ? 1 : 0)
            : (v > th ? 1 : 0);
        double t = y[base + j];
        stats[o + 4 * j] += wr * pred * t;
        stats[o + 4 * j + 1] += wr * pred * (1 - t);
        stats[o + 4 * j + 2] += wr * (1 - pred) * t;
        stats[o + 4 * j + 3] += wr * t;
      }
    }
  }

  /**
   * @param stats the merged sums
   * @param count the rows they cover (their sample weights' sum when weighted)
   * @param prefix put before each name ({@code ""} or {@code "val_"})
   * @return the metric values by History name, in compile order; an {@code f1_score} with
   *     {@code average=None} over several classes reports one value per class, {@code
   *     f1_score_0}, {@code f1_score_1}, ...
   */
  public Map<String, Double> logs(double[] stats, double count, String prefix) {
    Map<String, Double> out = new LinkedHashMap<>();
    if (stats.length != size && stats.length != 0) {
      throw new IllegalStateException("metric sums of " + stats.length + " values for " + this);
    }
    double[] s = stats.length == size ? stats : new double[size]; // no rows: no sums
    for (int i = 0; i < specs.length; i++) {
      MetricSpec spec = specs[i];
      int o = offsets[i];
      if (spec == null) {
        out.put(prefix + Metrics.historyName(names.get(i)), s[o] / count);
        continue;
      }
      String name = prefix + spec.name();
      switch (spec.kind()) {
        case "auc" -> out.put(name, auc(s, o, spec.numThresholds(), "PR".equals(spec.curve())));
        case "precision" -> out.put(name, divide(s[o], s[o] + s[o + 1]));
        case "recall" -> out.put(name, divide(s[o], s[o] + s[o + 2]));
        case "root_mean_squared_error" -> out.put(name, Math.sqrt(divide(s[o], s[o + 1])));
        case "r2_score" -> out.put(name, r2(s, o, "variance_weighted_average".equals(spec.average())));
        case "f1_score" -> {
          double[] f = f1(s, o, spec.average());
          if (f.length == 1) {
            out.put(name, f[0]);
          } else {
            for (int j = 0; j < f.length; j++) {
              out.put(name + "_" + j, f[j]);
            }
          }
        }
        default -> out.put(name, divide(s[o], s[o + 1]));
      }
    }
    return out;
  }

  /** Keras' divide_no_nan: 0 when the denominator is 0. */
  private static double divide(double a, double b) {
    return b == 0 ? 0 : a / b;
  }

  /** The AUC from the bucket sums at {@code o}: buckets 0..n, positive and negative mass. */
  static double auc(double[] s, int o, int n, boolean pr) {
    double[] tp = new double[n];
    double[] fp = new double[n];
    double pos = 0;
    double neg = 0;
    for (int b = n; b >= 0; b--) {
      if (b < n) {
        tp[b] = pos; // the mass of buckets above b: scores above threshold b
        fp[b] = neg;
      }
      pos += s[o + 2 * b];
      neg += s[o + 2 * b + 1];
    }
    double area = 0;
    if (!pr) {
      for (int j = 0; j < n - 1; j++) {
        double x0 = divide(fp[j], neg);
        double x1 = divide(fp[j + 1], neg);
        double y0 = divide(tp[j], pos);
        double y1 = divide(tp[j + 1], pos);
        area += (x0 - x1) * (y0 + y1) / 2;
      }
      return area;
    }
    for (int j = 0; j < n - 1; j++) {
      double dtp = tp[j] - tp[j + 1];
      double p0 = tp[j] + fp[j];
      double p1 = tp[j + 1] + fp[j + 1];
      double slope = divide(dtp, Math.max(p0 - p1, 0));
      double intercept = tp[j + 1] - slope * p1;
      double ratio = p0 > 0 && p1 > 0 ? divide(p0, Math.max(p1, 0)) : 1;
      double fn1 = pos - tp[j + 1];
      area += divide(slope * (dtp + intercept * Math.log(ratio)), Math.max(tp[j + 1] + fn1, 0));
    }
    return area;
  }

  private double r2(double[] s, int o, boolean varianceWeighted) {
    double sum = 0;
    double weights = 0;
    for (int j = 0; j < units; j++) {
      int a = o + 4 * j;
      double mean = s[a] / s[a + 3];
      double total = s[a + 1] - s[a] * mean;
      double raw = 1 - s[a + 2] / total;
      if (Double.isInfinite(raw)) {
        raw = 0;
      }
      sum += varianceWeighted ? total * raw : raw;
      weights += varianceWeighted ? total : 1;
    }
    return sum / weights;
  }

  private double[] f1(double[] s, int o, String average) {
    double eps = EPSILON;
    if ("micro".equals(average)) {
      double tp = 0;
      double fp = 0;
      double fn = 0;
      for (int j = 0; j < units; j++) {
        tp += s[o + 4 * j];
        fp += s[o + 4 * j + 1];
        fn += s[o + 4 * j + 2];
      }
      return new double[] {f1(tp, fp, fn, eps)};
    }
    double[] f = new double[units];
    double support = 0;
    for (int j = 0; j < units; j++) {
      f[j] = f1(s[o + 4 * j], s[o + 4 * j + 1], s[o + 4 * j + 2], eps);
      support += s[o + 4 * j + 3];
    }
    if ("none".equals(average)) {
      return f;
    }
    double v = 0;
    for (int j = 0; j < units; j++) {
      v += "weighted".equals(average) ? f[j] * s[o + 4 * j + 3] / (support + eps) : f[j] / units;
    }
    return new double[] {v};
  }

  private static double f1(double tp, double fp, double fn, double eps) {
    double precision = tp / (tp + fp + eps);
    double recall = tp / (tp + fn + eps);
    return 2 * precision * recall / (precision + recall + eps);
  }

  @Override
  public String toString() {
    return "MetricStatistics" + names + " over " + units + " values: " + size + " sums "
        + Arrays.toString(offsets);
  }
}
