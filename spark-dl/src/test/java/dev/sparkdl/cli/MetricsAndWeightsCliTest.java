package dev.sparkdl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkdl.ml.NeuralNetClassificationModel;
import dev.sparkdl.ml.NeuralNetClassifier;
import dev.sparkdl.spec.Dense;
import dev.sparkdl.spec.Sequential;
import dev.sparkdl.testing.TestSpark;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** Job files with weightCol, classWeight and metric objects; evaluate's whole-epoch metrics. */
class MetricsAndWeightsCliTest {
  private static final SparkSession SPARK = TestSpark.session();

  @Test
  void jobFilesReadWeightsAndMetricObjects() {
    JobFile j = JobFile.parse(JobFileTest.GOOD
        .replace("\"metrics\": [\"acc\"]", "\"metrics\": [\"acc\", {\"class_name\": \"F1Score\","
            + " \"config\": {\"average\": \"macro\"}}, \"top_k_categorical_accuracy\"]")
        .replace("\"device\": \"cpu\"", "\"device\": \"cpu\", \"weightCol\": \"w\","
            + " \"classWeight\": {\"0\": 1.0, \"2\": 4.5}"));
    assertEquals(List.of("accuracy",
        "{\"class_name\":\"F1Score\",\"config\":{\"average\":\"macro\"}}",
        "top_k_categorical_accuracy"), j.metrics());
    assertEquals("w", j.fit().weightCol());
    assertEquals(Map.of(0, 1.0, 2, 4.5),
        new NeuralNetClassifier().setClassWeight(j.fit().classWeight()).getClassWeight());
    String m = JobFileTest.fails(JobFileTest.GOOD.replace("\"device\": \"cpu\"",
        "\"device\": \"cpu\", \"classWeight\": {\"0\": -1}"));
    assertTrue(m.contains("fit.classWeight: Received an invalid value for `class_weight[0]`"), m);
    m = JobFileTest.fails(JobFileTest.GOOD.replace("\"device\": \"cpu\"",
        "\"device\": \"cpu\", \"classWeight\": [1, 2]"));
    assertTrue(m.contains("fit.classWeight"), m);
    m = JobFileTest.fails(JobFileTest.GOOD.replace("\"metrics\": [\"acc\"]",
        "\"metrics\": [{\"class_name\": \"AUC\", \"config\": {\"curve\": \"ROCK\"}}]"));
    assertTrue(m.contains("compile.metrics: Received an invalid value for `curve`"), m);
  }

  @Test
  void evaluateReportsTheCompiledWholeEpochMetrics() {
    SplittableRandom r = new SplittableRandom(3);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      double y = r.nextInt(2);
      rows.add(RowFactory.create(Vectors.dense(y + r.nextGaussian(), r.nextGaussian()), y));
    }
    Dataset<Row> data = SPARK.createDataFrame(rows, new StructType(new StructField[] {
        new StructField("features", new VectorUDT(), false, Metadata.empty()),
        new StructField("label", DataTypes.DoubleType, false, Metadata.empty())}))
        .repartition(3);
    NeuralNetClassificationModel m = new NeuralNetClassifier()
        .setLayers(Sequential.of(Dense.units(1).activation("sigmoid")))
        .setOptimizer("adam").setLearningRate(0.05).setEpochs(2).setBatchSize(32)
        .setNumWorkers(1).setSeed(2).setVerbose(0)
        .setMetrics("accuracy", "auc", "precision", "recall").fit(data);
    Dataset<Row> scored = m.transform(data);
    Map<String, Object> got = TestSetMetrics.of(scored, "label", true, null, m);
    double spark = new BinaryClassificationEvaluator().setRawPredictionCol("probability")
        .evaluate(scored);
    assertEquals(spark, (Double) got.get("auc"), 1e-4);
    long tp = scored.filter("prediction = 1 AND label = 1").count();
    long fp = scored.filter("prediction = 1 AND label = 0").count();
    long fn = scored.filter("prediction = 0 AND label = 1").count();
    assertEquals(tp / (double) (tp + fp), (Double) got.get("precision"), 1e-6);
    assertEquals(tp / (double) (tp + fn), (Double) got.get("recall"), 1e-6);
    assertEquals(400L, got.get("rows"));
  }
}
