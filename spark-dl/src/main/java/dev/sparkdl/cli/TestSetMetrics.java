package dev.sparkdl.cli;

import dev.sparkdl.ml.DistributionEvaluator;
import dev.sparkdl.ml.NeuralNetRegressionModel;
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
    boolean dist = model != null && !"normal_fixed".equals(model.getDistribution());
    List<String> cols = new ArrayList<>(List.of(labelCol, "prediction"));
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

  static double round(double v) {
    return Math.round(v * 1e6) / 1e6;
  }
}
