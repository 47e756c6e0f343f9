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
   * @param w the rows' weights, or null (the metrics are not weighted; see {@code
   *     Network.evaluate})
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
        out[at] = name.equals("nll") ? nllSum(raw, target)
            : coverageSum(raw, target, dev.sparkdl.spec.Metrics.coverageLevel(name));
        continue;
      }
      out[at] =
          switch (name) {
            case "accuracy" ->
                k == 1
                    ? p.gt(0.5f).eq(y.gt(0.5f)).toType(ai.djl.ndarray.types.DataType.FLOAT32, false)
                        .sum().getFloat()
                    : p.argMax(-1).eq(y.argMax(-1)).toType(ai.djl.ndarray.types.DataType.FLOAT32, false)
                        .sum().getFloat();
            case "binary_accuracy" ->
                p.gt(0.5f).eq(y.gt(0.5f)).toType(ai.djl.ndarray.types.DataType.FLOAT32, false)
                    .sum().getFloat() / k;
            case "mse" -> p.sub(y).square().sum().getFloat() / k;
            case "mae" -> p.sub(y).abs().sum().getFloat() / k;
            default -> throw new IllegalArgumentException("unknown metric " + names.get(i));
          };
    }
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

  /** The sum over the rows of −log p(y). */
  private double nllSum(float[] raw, float[] y) {
    OutputDistribution d = outputDistribution(y.length, raw.length);
    int width = raw.length / y.length;
    double s = 0;
    for (int r = 0; r < y.length; r++) {
      s -= d.row(raw, r * width).logDensity(y[r]);
    }
    return s;
  }

  /** The rows whose target lies in the central interval of probability {@code level}. */
  private double coverageSum(float[] raw, float[] y, double level) {
    OutputDistribution d = outputDistribution(y.length, raw.length);
    int width = raw.length / y.length;
    int inside = 0;
    for (int r = 0; r < y.length; r++) {
      if (d.row(raw, r * width).covers(y[r], level)) {
        inside++;
      }
    }
    return inside;
  }
}
