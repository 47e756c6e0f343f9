package dev.sparkdl.ml;

import static dev.sparkdl.testing.StageAssertions.assertSameParams;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkdl.callbacks.History;
import dev.sparkdl.spec.Dense;
import dev.sparkdl.spec.Sequential;
import dev.sparkdl.testing.TestSpark;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whole-epoch metrics and sample/class weights in real fits (Spark local[2], DJL/PyTorch): the
 * validation AUC against Spark's BinaryClassificationEvaluator on the model's own predictions,
 * class weights raising the minority recall, weight-0 rows changing nothing, the fit-start
 * refusals and the params' persistence.
 */
class MetricsAndWeightsFitTest {
  private static final SparkSession SPARK = TestSpark.session();
  /** Two overlapping Gaussian classes, 12 % positive, with a validation flag and weights 1. */
  private static Dataset<Row> imbalanced;

  @TempDir Path dir;

  @BeforeAll
  static void data() {
    imbalanced = rows(800, 21, 1.0, false).cache();
  }

  /** Label 1 with probability 0.12; features shifted by 1.2 per class in 2 dimensions. */
  static Dataset<Row> rows(int n, long seed, double weight, boolean noise) {
    SplittableRandom r = new SplittableRandom(seed);
    List<Row> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      double y = r.nextDouble() < 0.12 ? 1 : 0;
      double s = y == 1 ? 1.2 : 0;
      Vector x = Vectors.dense(s + r.nextGaussian(), s * 0.5 + r.nextGaussian());
      if (noise) {
        y = r.nextInt(2);
      }
      out.add(RowFactory.create(x, y, r.nextDouble() < 0.25, weight));
    }
    StructType schema = new StructType(new StructField[] {
        new StructField("features", new VectorUDT(), false, Metadata.empty()),
        new StructField("label", DataTypes.DoubleType, false, Metadata.empty()),
        new StructField("isVal", DataTypes.BooleanType, false, Metadata.empty()),
        new StructField("w", DataTypes.DoubleType, true, Metadata.empty())});
    return SPARK.createDataFrame(out, schema).repartition(2);
  }

  private static NeuralNetClassifier binary(int epochs) {
    return new NeuralNetClassifier()
        .setLayers(Sequential.of(Dense.units(8).activation("relu"),
            Dense.units(1).activation("sigmoid")))
        .setOptimizer("adam").setLearningRate(0.02).setEpochs(epochs).setBatchSize(32)
        .setSeed(7).setVerbose(0);
  }

  @Test
  void validationAucEqualsSparksEvaluatorAndEveryMetricIsAProbability() throws Exception {
    Path logs = dir.resolve("tb");
    NeuralNetClassificationModel m = binary(3).setNumWorkers(2)
        .setValidationIndicatorCol("isVal")
        .setCallbacks("[{\"class_name\": \"TensorBoard\", \"config\": {\"log_dir\": \""
            + logs.toUri() + "\"}}]")
        .setMetrics("auc", "precision", "recall",
            "{\"class_name\": \"AUC\", \"config\": {\"curve\": \"PR\"}}", "f1_score")
        .fit(imbalanced);
    History h = m.history();
    for (String k : List.of("auc", "precision", "recall", "pr_auc", "f1_score")) {
      for (String key : List.of(k, "val_" + k)) {
        for (double v : h.get(key)) {
          assertTrue(v >= 0 && v <= 1, key + " = " + v);
        }
      }
    }
    Dataset<Row> val = m.transform(imbalanced.filter("isVal")).cache();
    double spark = new BinaryClassificationEvaluator().setRawPredictionCol("probability")
        .setMetricName("areaUnderROC").evaluate(val);
    double ours = h.last("val_auc");
    System.out.printf("val_auc %.6f, BinaryClassificationEvaluator %.6f, diff %.2e%n", ours,
        spark, Math.abs(ours - spark));
    assertTrue(spark > 0.7, "a model that learned something: " + spark);
    assertEquals(spark, ours, 1e-3);
    // precision and recall at 0.5 over all validation rows, counted from the predictions
    long tp = val.filter("prediction = 1 AND label = 1").count();
    long fp = val.filter("prediction = 1 AND label = 0").count();
    long fn = val.filter("prediction = 0 AND label = 1").count();
    assertEquals(tp + fp == 0 ? 0 : tp / (double) (tp + fp), h.last("val_precision"), 1e-9);
    assertEquals(tp / (double) (tp + fn), h.last("val_recall"), 1e-9);
    val.unpersist();
    // TensorBoard gets them too: epoch_<name> under train/ and validation/
    for (String sub : List.of("train", "validation")) {
      StringBuilder text = new StringBuilder();
      try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(logs.resolve(sub))) {
        for (Path f : files.filter(java.nio.file.Files::isRegularFile).toList()) {
          text.append(new String(java.nio.file.Files.readAllBytes(f),
              java.nio.charset.StandardCharsets.ISO_8859_1));
        }
      }
      for (String tag : List.of("epoch_auc", "epoch_pr_auc", "epoch_precision", "epoch_recall",
          "epoch_f1_score")) {
        assertTrue(text.indexOf(tag) >= 0, sub + " lacks " + tag);
      }
    }
  }

  private static double recall(NeuralNetClassificationModel m, Dataset<Row> rows) {
    Dataset<Row> s = m.transform(rows);
    return s.filter("prediction = 1 AND label = 1").count()
        / (double) s.filter("label = 1").count();
  }

  @Test
  void classWeightsRaiseTheMinorityRecall() {
    NeuralNetClassifier plain = binary(4).setNumWorkers(1);
    NeuralNetClassifier weighted = binary(4).setNumWorkers(1)
        .setClassWeight(Map.of(0, 1.0, 1, 6.0));
    double without = recall(plain.fit(imbalanced), imbalanced);
    double with = recall(weighted.fit(imbalanced), imbalanced);
    System.out.printf("minority recall: %.3f without class weights, %.3f with {0: 1, 1: 6}%n",
        without, with);
    assertTrue(with >= without + 0.2, "recall " + without + " -> " + with);
  }

  @Test
  void rowsOfWeightZeroChangeNothing() {
    Dataset<Row> kept = rows(300, 5, 1.0, false);
    Dataset<Row> ignored = rows(120, 6, 0.0, true);
    NeuralNetClassifier est = binary(2).setNumWorkers(1);
    NeuralNetClassificationModel a = est.copy(new org.apache.spark.ml.param.ParamMap())
        .setWeightCol("w").fit(kept.union(ignored).repartition(3));
    NeuralNetClassificationModel b = est.fit(kept);
    float[][] wa = a.weights().arrays();
    float[][] wb = b.weights().arrays();
    for (int i = 0; i < wa.length; i++) {
      for (int j = 0; j < wa[i].length; j++) {
        assertEquals(wb[i][j], wa[i][j], 1e-6, "weight " + i + "/" + j);
      }
    }
    assertEquals(b.history().get("loss")[1], a.history().get("loss")[1], 1e-6);
  }

  @Test
  void regressorRmseAndR2EqualSparksEvaluatorOnTheValidationRows() {
    org.apache.spark.sql.Column x =
        org.apache.spark.ml.functions.vector_to_array(functions.col("features"), "float64");
    Dataset<Row> data = imbalanced.withColumn("label", x.getItem(0).multiply(2)
        .minus(x.getItem(1)).plus(functions.col("label").multiply(0.5)));
    NeuralNetRegressionModel m = new NeuralNetRegressor()
        .setLayers(Sequential.of(Dense.units(8).activation("relu"), Dense.units(1)))
        .setOptimizer("adam").setLearningRate(0.02).setEpochs(3).setBatchSize(32).setSeed(7)
        .setVerbose(0).setNumWorkers(2).setValidationIndicatorCol("isVal")
        .setMetrics("rmse", "r2_score").fit(data);
    Dataset<Row> val = m.transform(data.filter("isVal")).cache();
    org.apache.spark.ml.evaluation.RegressionEvaluator ev =
        new org.apache.spark.ml.evaluation.RegressionEvaluator();
    double r2 = ev.setMetricName("r2").evaluate(val);
    double rmse = ev.setMetricName("rmse").evaluate(val);
    assertTrue(r2 > 0.5, "learned: r2 " + r2);
    assertEquals(r2, m.history().last("val_r2_score"), 1e-5);
    assertEquals(rmse, m.history().last("val_root_mean_squared_error"), 1e-5);
    assertTrue(m.history().last("r2_score") > 0, "train r2 " + m.history().last("r2_score"));
    val.unpersist();
  }

  @Test
  void refusalsAtFitStart() {
    int jobs = TestSpark.jobsStarted();
    NeuralNetClassifier three = new NeuralNetClassifier().setLayers(
        Sequential.of(Dense.units(3).activation("softmax"))).setVerbose(0);
    Exception e = assertThrows(IllegalArgumentException.class,
        () -> three.copy(new org.apache.spark.ml.param.ParamMap()).setMetrics("auc")
            .fit(imbalanced));
    assertTrue(e.getMessage().contains("Metric 'auc' scores a binary classifier"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> binary(1).setMetrics("r2_score").fit(imbalanced));
    assertTrue(e.getMessage().contains("is for regressors"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> binary(1).setMetrics("top_k_categorical_accuracy").fit(imbalanced));
    assertTrue(e.getMessage().contains("softmax head of 2 or more units"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> binary(1).setClassWeight(Map.of(0, 1.0, 2, 3.0)).fit(imbalanced));
    assertTrue(e.getMessage().contains("classWeight has class 2, but the network predicts 2"),
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> binary(1).setWeightCol("isVal").fit(imbalanced));
    assertTrue(e.getMessage().contains("weightCol 'isVal' must be a numeric column"),
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> new NeuralNetRegressor().setLayers(Sequential.of(Dense.units(1)))
            .setClassWeight(Map.of(0, 2.0)).fit(imbalanced));
    assertTrue(e.getMessage().contains("NeuralNetRegressor has none"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> binary(1).setClassWeight("{\"a\": 1}"));
    assertTrue(e.getMessage().contains("Received an invalid key: 'a'"), e.getMessage());
    assertEquals(jobs, TestSpark.jobsStarted(), "refused before any Spark job");
    // bad weights are reported by the one validation pass, with the rows counted
    Dataset<Row> bad = imbalanced.withColumn("w",
        functions.when(functions.rand(3).lt(0.02), functions.lit(-1.0))
            .otherwise(functions.col("w"))).cache();
    long negative = bad.filter("w < 0").count();
    assertTrue(negative > 0);
    e = assertThrows(IllegalArgumentException.class,
        () -> binary(1).setWeightCol("w").fit(bad));
    assertTrue(e.getMessage().contains("Column w (weightCol) must hold finite sample weights"
        + " >= 0, but " + negative + " of 800 rows hold other values, e.g. -1.0"),
        e.getMessage());
  }

  @Test
  void weightsAndMetricObjectsAreSavedWithTheStages() throws Exception {
    String f1 = "{\"class_name\": \"F1Score\", \"config\": {\"average\": \"macro\"}}";
    NeuralNetClassifier est = binary(1).setNumWorkers(1).setWeightCol("w")
        .setClassWeight(Map.of(0, 1.0, 1, 4.0)).setMetrics("auc", f1);
    est.write().overwrite().save(dir.resolve("est").toString());
    NeuralNetClassifier est2 = NeuralNetClassifier.load(dir.resolve("est").toString());
    assertSameParams(est, est2);
    assertEquals(Map.of(0, 1.0, 1, 4.0), est2.getClassWeight());
    assertEquals("w", est2.getWeightCol());
    NeuralNetClassificationModel m = est2.fit(imbalanced);
    m.write().overwrite().save(dir.resolve("model").toString());
    NeuralNetClassificationModel m2 =
        NeuralNetClassificationModel.load(dir.resolve("model").toString());
    assertEquals(Map.of(0, 1.0, 1, 4.0), m2.getClassWeight());
    assertEquals("w", m2.getWeightCol());
    assertEquals(m.history().last("f1_score"), m2.history().last("f1_score"));
    assertEquals(List.of("auc", dev.sparkdl.spec.Metrics.check(f1)),
        m2.compileOptions().metrics());
  }
}
