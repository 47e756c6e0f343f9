package dev.sparkdl.cli;

import dev.sparkdl.engine.MetricStatistics;
import dev.sparkdl.ml.DistributionEvaluator;
import dev.sparkdl.ml.NeuralNetClassificationModel;
import dev.sparkdl.ml.NeuralNetModel;
import dev.sparkdl.ml.NeuralNetRegressionModel;
import dev.sparkdl.spec.MetricSpec;
import dev.sparkdl.spec.NetworkContract;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Test-set metrics with Spark's evaluators. */
final class TestSetMetrics {
  private TestSetMetrics() {}

  /**
   * Scores once: the label and prediction columns are cached for the row count and each metric
   * (every evaluator runs its own Spark job, which would otherwise run the network again).
   */
  static Map<String, Object> of(Dataset<Row> scoredRows, String labelCol, boolean classification) {
    return of(scoredRows, labelCol, classification, null);
  }

  /**
   * As {@link #of(Dataset, String, boolean)}; for a regressor that predicts a distribution also
   * {@code nll} (the mean negative log-likelihood of the labels) and {@code coverage} (the
   * share of labels inside the central interval at {@code interval_level}).
   *
   * @param model the regression model, or null
   */
  static Map<String, Object> of(Dataset<Row> scoredRows, String labelCol, boolean classification,
      NeuralNetRegressionModel model) {
    return of(scoredRows, labelCol, classification, model, null);
  }

  /**
   * As {@link #of(Dataset, String, boolean, NeuralNetRegressionModel)}, plus the network's
   * compiled whole-epoch metrics (auc, precision, recall, f1_score, top-k accuracies,
   * root_mean_squared_error, r2_score) under their History names, computed exactly over all
   * rows from the same sums training uses ({@link MetricStatistics}).
   *
   * @param network the scoring model, or null
   */
  static Map<String, Object> of(Dataset<Row> scoredRows, String labelCol, boolean classification,
      NeuralNetRegressionModel model, NeuralNetModel network) {
    boolean dist = model != null && !"normal_fixed".equals(model.getDistribution());
    List<String> cols = new ArrayList<>(List.of(labelCol, "prediction"));
    List<String> whole = network == null ? List.of() : network.compileOptions().metrics().stream()
        .filter(x -> MetricSpec.parse(x) != null).toList();
    String scores = !whole.isEmpty() && network instanceof NeuralNetClassificationModel c
        ? c.getProbabilityCol() : "prediction";
    if (!scores.isEmpty() && !cols.contains(scores)) {
      cols.add(scores);
    }
    if (dist) {
      for (String c : new String[] {model.getParametersCol(), model.getLowerCol(),
          model.getUpperCol()}) {
        if (!c.isEmpty() && !cols.contains(c)) {
          cols.add(c);
        }
      }
    }
    Dataset<Row> scored = scoredRows.selectExpr(
        cols.stream().map(c -> "`" + c + "`").toArray(String[]::new)).persist();
    try {
      Map<String, Object> m = metrics(scored, labelCol, classification);
      if (!whole.isEmpty() && !scores.isEmpty()) {
        wholeEpoch(scored, labelCol, scores, whole, network.state().contract())
            .forEach((k, v) -> m.put(k, round(v)));
      }
      if (dist) {
        if (!model.getParametersCol().isEmpty()) {
          m.put("nll", round(new DistributionEvaluator().setLabelCol(labelCol)
              .setParametersCol(model.getParametersCol()).evaluate(scored)));
        }
        if (!model.getLowerCol().isEmpty() && !model.getUpperCol().isEmpty()) {
          m.put("coverage", round(new DistributionEvaluator().setMetricName("coverage")
              .setLabelCol(labelCol).setLowerCol(model.getLowerCol())
              .setUpperCol(model.getUpperCol()).evaluate(scored)));
          m.put("interval_level", model.getIntervalLevel());
        }
      }
      return m;
    } finally {
      scored.unpersist();
    }
  }

  private static Map<String, Object> metrics(Dataset<Row> scored, String labelCol,
      boolean classification) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("rows", scored.count());
    if (classification) {
      for (String name : new String[] {"accuracy", "f1", "weightedPrecision", "weightedRecall"}) {
        m.put(name, round(new MulticlassClassificationEvaluator().setLabelCol(labelCol)
            .setMetricName(name).evaluate(scored)));
      }
    } else {
      for (String name : new String[] {"rmse", "mae", "r2"}) {
        m.put(name, round(new RegressionEvaluator().setLabelCol(labelCol).setMetricName(name)
            .evaluate(scored)));
      }
    }
    return m;
  }

  /** The whole-epoch metrics from per-partition sums merged on the driver. */
  private static Map<String, Double> wholeEpoch(Dataset<Row> scored, String labelCol,
      String scoresCol, List<String> names, NetworkContract contract) {
    int units = contract.label().targetWidth();
    String activation = contract.head().activation();
    int size = MetricStatistics.of(names, units, activation).size();
    List<double[]> parts = scored.select("`" + labelCol + "`", "`" + scoresCol + "`").javaRDD()
        .mapPartitions((java.util.Iterator<Row> it) -> {
          MetricStatistics layout = MetricStatistics.of(names, units, activation);
          double[] sums = new double[size + 1];
          int batch = 1024;
          float[] p = new float[batch * units];
          float[] y = new float[batch * units];
          int n = 0;
          while (it.hasNext()) {
            Row r = it.next();
            if (r.isNullAt(0) || r.isNullAt(1)) {
              continue;
            }
            writeScores(r.get(1), units, p, n * units);
            writeTarget(r.get(0), units, y, n * units);
            if (++n == batch) {
              layout.accumulate(p, y, null, n, sums);
              sums[size] += n;
              n = 0;
            }
          }
          if (n > 0) {
            layout.accumulate(java.util.Arrays.copyOf(p, n * units),
                java.util.Arrays.copyOf(y, n * units), null, n, sums);
            sums[size] += n;
          }
          return List.of(sums).iterator();
        }).collect();
    double[] total = new double[size + 1];
    for (double[] s : parts) {
      for (int i = 0; i < total.length; i++) {
        total[i] += s[i];
      }
    }
    return MetricStatistics.of(names, units, activation)
        .logs(java.util.Arrays.copyOf(total, size), (long) total[size], "");
  }

  /** A probability vector (one sigmoid unit: its class-1 entry) or a prediction. */
  private static void writeScores(Object v, int units, float[] dst, int at) {
    if (v instanceof org.apache.spark.ml.linalg.Vector vec) {
      int from = vec.size() == units ? 0 : vec.size() - units;
      for (int j = 0; j < units; j++) {
        dst[at + j] = (float) vec.apply(from + j);
      }
    } else {
      dst[at] = ((Number) v).floatValue();
    }
  }

  /** A class index (one-hot unless one unit), a probability vector or a value. */
  private static void writeTarget(Object v, int units, float[] dst, int at) {
    if (v instanceof org.apache.spark.ml.linalg.Vector vec) {
      for (int j = 0; j < units; j++) {
        dst[at + j] = (float) vec.apply(j);
      }
    } else if (units == 1) {
      dst[at] = ((Number) v).floatValue();
    } else {
      java.util.Arrays.fill(dst, at, at + units, 0f);
      dst[at + (int) ((Number) v).doubleValue()] = 1f;
    }
  }

  static double round(double v) {
    return Math.round(v * 1e6) / 1e6;
  }
}
