package dev.sparkdl.engine;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * Per-batch metric sums on the activated outputs {@code p} and targets {@code y}: accuracy
 * (argmax match, or p &gt; 0.5 against y &gt; 0.5 for one output), binary_accuracy (Keras': each
 * output thresholded at 0.5 and compared with its target; per-sample mean over the outputs,
 * summed over the batch), mse and mae (per-sample mean over the outputs, summed over the
 * batch); for a likelihood head nll (−log p(y) of the target) and coverage (the share of
 * targets inside the central interval, {@code coverage} at 95 %, {@code coverage_90} at 90 %),
 * computed in double precision by {@link OutputDistribution}. The whole-epoch metrics (auc,
 * precision, recall, f1_score, top-k accuracies, root_mean_squared_error, r2_score) add their
 * sufficient statistics through {@link MetricStatistics}, which also lays out where every
 * metric's sums go.
 */
final class MetricFunctions {
  private final List<String> names;
  private final String distribution;
  private final MetricStatistics layout;

  /**
   * @param names canonical metric names
   * @param distribution the likelihood head's distribution (for nll and coverage), or null
   * @param layout where each metric's sums go (the whole-epoch metrics: {@link
   *     MetricStatistics#accumulate})
   */
  MetricFunctions(List<String> names, String distribution, MetricStatistics layout) {
    this.names = List.copyOf(names);
    this.distribution = distribution;
    this.layout = layout;
  }

  /** @return the number of sums */
  int size() {
    return layout.size();
  }

  /**
   * @param z the raw outputs, (n, units)
   * @param p what the metrics compare with the targets (the activated outputs or the
   *     distribution's mean)
   * @param y the targets
   * @param w the rows' weights, or null for 1 each (see {@code Network.evaluate})
   * @param out receives the sums, laid out by {@link MetricStatistics}
   */
  void sums(NDArray z, NDArray p, NDArray y, float[] w, double[] out) {
    long k = p.getShape().get(p.getShape().dimension() - 1);
    if (layout.needsRows()) {
      layout.accumulate(p.toFloatArray(), y.toFloatArray(), w,
          Math.toIntExact(p.getShape().get(0)), out);
    }
    float[] raw = null;
    float[] target = null;
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i);
      if (!layout.isPerSample(i)) {
        continue;
      }
      int at = layout.offset(i);
      if (name.equals("nll") || name.startsWith("coverage")) {
        if (raw == null) {
          raw = z.toFloatArray();
          target = y.toFloatArray();
        }
        out[at] = name.equals("nll") ? nllSum(raw, target, w)
            : coverageSum(raw, target, w, dev.sparkdl.spec.Metrics.coverageLevel(name));
        continue;
      }
      // each row counts its sample weight: a column (n, 1) against (n, k) values
      NDArray rowWeights = w == null ? null
          : p.getManager().create(w, new ai.djl.ndarray.types.Shape(w.length, 1));
      out[at] =
          switch (name) {
            case "accuracy" ->
                k == 1
                    ? weighted(p.gt(0.5f).eq(y.gt(0.5f)), rowWeights)
                    : weighted(p.argMax(-1).eq(y.argMax(-1)).reshape(-1, 1), rowWeights);
            case "binary_accuracy" -> weighted(p.gt(0.5f).eq(y.gt(0.5f)), rowWeights) / k;
            case "mse" -> weighted(p.sub(y).square(), rowWeights) / k;
            case "mae" -> weighted(p.sub(y).abs(), rowWeights) / k;
            default -> throw new IllegalArgumentException("unknown metric " + names.get(i));
          };
    }
  }

  /** The sum of the values, each row's times its weight (rows of {@code (n, k)}). */
  private static double weighted(NDArray values, NDArray rowWeights) {
    NDArray v = values.toType(ai.djl.ndarray.types.DataType.FLOAT32, false);
    return (rowWeights == null ? v : v.mul(rowWeights)).sum().getFloat();
  }

  private OutputDistribution outputDistribution(int rows, int values) {
    if (distribution == null) {
      throw new IllegalStateException(
          "Metrics nll and coverage need a distribution head (NeuralNetRegressor with"
              + " setDistribution); the loss is not a negative log-likelihood.");
    }
    int width = values / rows;
    return OutputDistribution.of(distribution, width / 3);
  }

  /** The sum over the rows of −log p(y), each row times its weight. */
  private double nllSum(float[] raw, float[] y, float[] w) {
    OutputDistribution d = outputDistribution(y.length, raw.length);
    int width = raw.length / y.length;
    double s = 0;
    for (int r = 0; r < y.length; r++) {
      s -= (w == null ? 1 : w[r]) * d.row(raw, r * width).logDensity(y[r]);
    }
    return s;
  }

  /**
   * The rows whose target lies in the central interval of probability {@code level}, each
   * counting its weight.
   */
  private double coverageSum(float[] raw, float[] y, float[] w, double level) {
    OutputDistribution d = outputDistribution(y.length, raw.length);
    int width = raw.length / y.length;
    double inside = 0;
    for (int r = 0; r < y.length; r++) {
      if (d.row(raw, r * width).covers(y[r], level)) {
        inside += w == null ? 1 : w[r];
      }
    }
    return inside;
  }
}
