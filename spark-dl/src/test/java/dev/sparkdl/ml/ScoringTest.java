package dev.sparkdl.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkdl.data.Datasets;
import dev.sparkdl.spec.Dense;
import dev.sparkdl.spec.Sequential;
import dev.sparkdl.testing.TestSpark;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.functions;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** Scored columns that Spark's evaluators accept, feature column types, Pipelines. */
class ScoringTest {
  private final SparkSession spark = TestSpark.session();

  @Test
  void multiclassColumnsAreConsistentAndEvaluatorsAcceptThem() {
    Dataset<Row>[] split = ClassifierLearningTest.scaledSplit(Datasets.iris(spark), 0.3, 1);
    NeuralNetClassificationModel model = new NeuralNetClassifier()
        .setLayers(Sequential.of(Dense.units(8).activation("tanh"), Dense.units(3).activation("softmax")))
        .setOptimizer("adam").setLearningRate(0.02).setEpochs(30).setBatchSize(8)
        .setNumWorkers(2).setVerbose(0).fit(split[0]);
    Dataset<Row> scored = model.setInferenceBatchSize(7).transform(split[1]).cache();
    for (String metric : List.of("accuracy", "f1", "weightedPrecision", "logLoss")) {
      double v = new MulticlassClassificationEvaluator().setMetricName(metric).evaluate(scored);
      assertTrue(Double.isFinite(v), metric + " = " + v);
    }
    assertTrue(new MulticlassClassificationEvaluator().setMetricName("logLoss").evaluate(scored) < 0.5);
    for (Row r : scored.collectAsList()) {
      double[] raw = r.<Vector>getAs("rawPrediction").toArray();
      double[] p = r.<Vector>getAs("probability").toArray();
      double max = Math.max(raw[0], Math.max(raw[1], raw[2]));
      double z = Math.exp(raw[0] - max) + Math.exp(raw[1] - max) + Math.exp(raw[2] - max);
      int best = 0;
      for (int i = 0; i < 3; i++) {
        assertEquals(Math.exp(raw[i] - max) / z, p[i], 1e-5, "probability = softmax(raw)");
        best = p[i] > p[best] ? i : best;
      }
      assertEquals(best, r.<Double>getAs("prediction"), 0.0);
      Vector f = r.getAs("features");
      assertArrayEquals(p, model.predictProbability(f).toArray(), 1e-5);
      assertEquals(best, model.predict(f), 0.0);
    }
    assertEquals(3, model.numClasses());
    assertEquals(4, model.numFeatures());
  }

  @Test
  void everyRowKeepsItsOwnColumnsAcrossBatches() {
    // the scorer keeps a batch of rows in buffers it reuses from batch to batch; rows of varying
    // size (a string column that grows and shrinks), batches of 5 and a cached input (whose scan
    // reuses one row object) must still give every output row its own columns and prediction
    Dataset<Row> iris = Datasets.iris(spark);
    NeuralNetClassificationModel model = new NeuralNetClassifier()
        .setLayers(Sequential.of(Dense.units(3).activation("softmax"))).setEpochs(2)
        .setNumWorkers(1).setVerbose(0).fit(iris);
    Dataset<Row> input = iris.withColumn("id", org.apache.spark.sql.functions.monotonically_increasing_id())
        .withColumn("note", org.apache.spark.sql.functions.expr("repeat('x', cast(id % 37 * 11 as int))"))
        .repartition(3).cache();
    for (Dataset<Row> in : List.of(input, input.filter("id >= 0"))) {
      List<Row> rows = model.setInferenceBatchSize(5).transform(in).collectAsList();
      assertEquals(150, rows.size());
      java.util.Set<Long> ids = new java.util.HashSet<>();
      for (Row r : rows) {
        long id = r.getAs("id");
        ids.add(id);
        assertEquals(id % 37 * 11, r.<String>getAs("note").length(), "row " + id);
        Vector f = r.getAs("features");
        assertArrayEquals(model.predictProbability(f).toArray(),
            r.<Vector>getAs("probability").toArray(), 1e-5, "row " + id);
      }
      assertEquals(150, ids.size());
    }
  }

  @Test
  void binarySigmoidColumnsWorkWithBinaryEvaluator() {
    Dataset<Row> data = Datasets.iris(spark)
        .withColumn("label", org.apache.spark.sql.functions.expr("CASE WHEN label = 0 THEN 1.0 ELSE 0.0 END"));
    NeuralNetClassificationModel model = new NeuralNetClassifier()
        .setLayers(Sequential.of(Dense.units(1).activation("sigmoid")))
        .setOptimizer("adam").setLearningRate(0.05).setEpochs(20).setBatchSize(16)
        .setNumWorkers(2).setVerbose(0).fit(data);
    Dataset<Row> scored = model.transform(data).cache();
    double auc = new BinaryClassificationEvaluator().setMetricName("areaUnderROC").evaluate(scored);
    assertTrue(auc > 0.99, "AUC " + auc);
    assertTrue(ClassifierLearningTest.accuracy(scored) > 0.97);
    Row r = scored.first();
    double[] raw = r.<Vector>getAs("rawPrediction").toArray();
    double[] p = r.<Vector>getAs("probability").toArray();
    assertEquals(-raw[0], raw[1], 0.0);
    assertEquals(1 / (1 + Math.exp(-raw[1])), p[1], 1e-6);
    assertEquals(1.0, p[0] + p[1], 1e-9);
    assertEquals(2, model.numClasses());
  }

  @Test
  void arrayAndSparseFeaturesScoreLikeDenseVectors() {
    Dataset<Row> dense = Datasets.iris(spark);
    NeuralNetClassificationModel model = new NeuralNetClassifier()
        .setLayers(Sequential.of(Dense.units(3).activation("softmax"))).setEpochs(2)
        .setNumWorkers(1).setVerbose(0).fit(dense);
    Dataset<Row> asDoubles = dense.withColumn("features", functions.vector_to_array(dense.col("features"), "float64"));
    Dataset<Row> asFloats = dense.withColumn("features", functions.vector_to_array(dense.col("features"), "float32"));
    Dataset<Row> sparse = dense.withColumn("features",
        org.apache.spark.sql.functions.udf((Vector v) -> v.toSparse(), org.apache.spark.ml.linalg.SQLDataTypes.VectorType())
            .apply(dense.col("features")));
    List<Row> expected = model.transform(dense).select("probability").collectAsList();
    for (Dataset<Row> other : List.of(asDoubles, asFloats, sparse)) {
      List<Row> got = model.transform(other).select("probability").collectAsList();
      for (int i = 0; i < expected.size(); i++) {
        assertArrayEquals(expected.get(i).<Vector>getAs(0).toArray(), got.get(i).<Vector>getAs(0).toArray(), 1e-6);
      }
    }
    // training works from array columns as well
    NeuralNetClassificationModel fromArrays = new NeuralNetClassifier()
        .setLayers(Sequential.of(Dense.units(3).activation("softmax"))).setEpochs(2).setNumWorkers(2)
        .setVerbose(0).fit(asFloats);
    assertEquals(4, fromArrays.numFeatures());
  }

  @Test
  void fitsInsideAPipelineWithStringIndexerAndScaler() {
    Dataset<Row> raw = spark.read().option("header", "true").option("inferSchema", "true")
        .csv(spark.createDataset(irisCsvLines(), org.apache.spark.sql.Encoders.STRING()));
    Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {
      new StringIndexer().setInputCol("target_name").setOutputCol("label"),
      new VectorAssembler().setInputCols(new String[] {"sepal_length_cm", "sepal_width_cm",
          "petal_length_cm", "petal_width_cm"}).setOutputCol("raw"),
      new StandardScaler().setInputCol("raw").setOutputCol("features").setWithMean(true),
      new NeuralNetClassifier()
          .setLayers(Sequential.of(Dense.units(16).activation("relu"), Dense.units(3).activation("softmax")))
          .setOptimizer("adam").setLearningRate(0.01).setEpochs(40).setBatchSize(16).setNumWorkers(2)
          .setVerbose(0)
    });
    PipelineModel fitted = pipeline.fit(raw);
    double acc = ClassifierLearningTest.accuracy(fitted.transform(raw));
    assertTrue(acc > 0.95, "pipeline training accuracy " + acc);
  }

  private static List<String> irisCsvLines() {
    try (java.io.InputStream in = ScoringTest.class.getResourceAsStream("/dev/sparkdl/datasets/iris.csv.gz")) {
      return new java.io.BufferedReader(new java.io.InputStreamReader(new java.util.zip.GZIPInputStream(in)))
          .lines().toList();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
