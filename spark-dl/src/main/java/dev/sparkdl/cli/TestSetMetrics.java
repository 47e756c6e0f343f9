package dev.sparkdl.cli;

import java.util.LinkedHashMap;
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
    Dataset<Row> scored = scoredRows.select(labelCol, "prediction").persist();
    try {
      return metrics(scored, labelCol, classification);
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
