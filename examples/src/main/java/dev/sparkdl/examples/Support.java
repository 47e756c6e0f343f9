package dev.sparkdl.examples;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** What the examples share: a local Spark session and the RESULT line. */
final class Support {
  private Support() {}

  static SparkSession spark(String master, String app) {
    return SparkSession.builder()
        .master(master)
        .appName(app)
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .getOrCreate();
  }

  static double accuracy(Dataset<Row> scored) {
    return new MulticlassClassificationEvaluator().setMetricName("accuracy").evaluate(scored);
  }

  /** Prints the machine-readable summary line every example ends with. */
  static void result(Map<String, Object> figures) {
    System.out.println("RESULT " + toJson(figures));
  }

  /** Prints one JSON line. */
  static void json(Map<String, Object> figures) {
    System.out.println(toJson(figures));
  }

  static String toJson(Object value) {
    try {
      return new ObjectMapper().writeValueAsString(value);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static double round(double v, int digits) {
    double f = Math.pow(10, digits);
    return Math.round(v * f) / f;
  }
}
