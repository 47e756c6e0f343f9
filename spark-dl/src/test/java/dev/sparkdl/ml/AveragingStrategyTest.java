package dev.sparkdl.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkdl.engine.Network;
import dev.sparkdl.engine.Tensor;
import dev.sparkdl.spec.Activation;
import dev.sparkdl.spec.BatchNormalization;
import dev.sparkdl.spec.Dense;
import dev.sparkdl.spec.Dropout;
import dev.sparkdl.spec.Sequential;
import dev.sparkdl.testing.SharedData;
import dev.sparkdl.testing.TestSpark;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.SQLDataTypes;
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
import org.junit.jupiter.api.Test;

/**
 * The averaging strategy: BatchNormalization statistics recomputed for the averaged weights,
 * and small raw data with a BatchNormalization first layer learning as well on several workers
 * as on one.
 */
class AveragingStrategyTest {
  private final SparkSession spark = TestSpark.session();

  /**
   * After fit, each BatchNormalization layer's moving mean and variance are the mean and
   * population variance of what it receives from the training rows in inference mode (dropout
   * off, the layer before it normalising with its own recomputed statistics), computed here in
   * double precision from the model's Keras weights.
   */
  @Test
  void recomputedStatisticsAreThoseOfTheTrainingRowsUnderTheFinalWeights() {
    int features = 5;
    double[][] x = new double[300][features];
    List<Row> rows = new ArrayList<>();
    Random rnd = new Random(5);
    for (int i = 0; i < x.length; i++) {
      for (int j = 0; j < features; j++) {
        x[i][j] = 200 + 10 * j + (j + 1) * rnd.nextGaussian(); // raw values far from zero
      }
      double label = x[i][0] - 200 + 0.5 * (x[i][1] - 210) > 0 ? 1 : 0;
      rows.add(RowFactory.create(Vectors.dense(x[i]), label));
    }
    Sequential net = Sequential.of(BatchNormalization.defaults(), Dense.units(8),
        Activation.of("relu"), Dropout.rate(0.3), BatchNormalization.defaults(),
        Dense.units(2).activation("softmax")).inputShape(features);
    NeuralNetClassificationModel model = new NeuralNetClassifier().setLayers(net)
        .setOptimizer("adam").setBatchSize(16).setEpochs(3).setNumWorkers(3).setSeed(4)
        .setVerbose(0).fit(spark.createDataFrame(rows, schema()).repartition(2));
    assertEquals(3, model.state().rounds().get(0).tasks().size());

    List<Tensor> w;
    try (Network n = Network.create(model.state().spec(), null, 0)) {
      n.setWeights(model.state().weights());
      w = n.kerasWeights();
    }
    // 0-3: BatchNormalization gamma, beta, moving mean, variance; 4-5: Dense kernel, bias;
    // 6-9: the second BatchNormalization; 10-11: the output layer
    double[][] first = moments(x);
    assertClose(first[0], w.get(2), "first moving mean");
    assertClose(first[1], w.get(3), "first moving variance");
    double[][] hidden = new double[x.length][8];
    for (int i = 0; i < x.length; i++) {
      double[] z = new double[features];
      for (int j = 0; j < features; j++) {
        z[j] = w.get(0).values()[j] * (x[i][j] - w.get(2).values()[j])
            / Math.sqrt(w.get(3).values()[j] + 1e-3) + w.get(1).values()[j];
      }
      for (int u = 0; u < 8; u++) {
        double s = w.get(5).values()[u];
        for (int j = 0; j < features; j++) {
          s += z[j] * w.get(4).values()[j * 8 + u];
        }
        hidden[i][u] = Math.max(0, s);
      }
    }
    double[][] second = moments(hidden);
    assertClose(second[0], w.get(8), "second moving mean");
    assertClose(second[1], w.get(9), "second moving variance");
  }

  /**
   * The case: 200 raw rows (banknote, every feature + 200), BatchNormalization first,
   * Adam, batch 16, 60 epochs; 2 and 8 workers asked (4 train) within one point of one worker.
   */
  @Test
  void smallRawDataWithBatchNormalizationFirstLearnsAsOnOneWorker() {
    String csv =
        SharedData.require("uci-banknote-authentication/banknote_authentication.csv").toString();
    Dataset<Row> raw = spark.read().option("header", "true").option("inferSchema", "true").csv(csv)
        .orderBy(functions.rand(1)).limit(200);
    String[] cols = {"variance", "skewness", "curtosis", "entropy"};
    for (String c : cols) {
      raw = raw.withColumn(c, functions.col(c).plus(200));
    }
    Dataset<Row> data = new VectorAssembler().setInputCols(cols).setOutputCol("features")
        .transform(raw).withColumn("label", functions.col("class").cast("double"))
        .select("features", "label");
    Dataset<Row>[] split = data.randomSplit(new double[] {0.7, 0.3}, 1);
    split[0].cache();
    split[1].cache();
    double[] acc = new double[3];
    int[] workers = {1, 2, 8};
    for (int i = 0; i < workers.length; i++) {
      NeuralNetClassificationModel model = new NeuralNetClassifier()
          .setLayers(Sequential.of(BatchNormalization.defaults(), Dense.units(32).activation("relu"),
              Dropout.rate(0.2), Dense.units(2).activation("softmax")))
          .setOptimizer("adam").setBatchSize(16).setEpochs(60).setNumWorkers(workers[i])
          .setSeed(1).setVerbose(0).fit(split[0]);
      acc[i] = ClassifierLearningTest.accuracy(model.transform(split[1]));
      // about 140 training rows: 8 asked, 4 train (each needs two minibatches of 16 per epoch)
      assertEquals(Math.min(workers[i], (int) (model.state().trainRows() / 32)),
          model.state().rounds().get(0).tasks().size());
    }
    assertTrue(acc[0] >= 0.95, "1 worker: " + acc[0]);
    for (int i = 1; i < workers.length; i++) {
      assertTrue(acc[i] >= acc[0] - 0.01,
          workers[i] + " workers: " + acc[i] + ", 1 worker: " + acc[0]);
    }
  }

  /**
   * numWorkers = 0 takes as many workers as Spark's parallelism offers, but each with at least
   * minBatchesPerWorker minibatches per epoch: 150 iris rows in 8 partitions train on one worker
   * with batch 16 (default floor 16 minibatches), on two with a floor of 2. An explicit
   * numWorkers is an upper bound: each worker trains at least two full minibatches per epoch.
   */
  @Test
  void automaticWorkersKeepSmallDataTogether() {
    Dataset<Row> iris = dev.sparkdl.data.Datasets.iris(spark).repartition(8);
    NeuralNetClassifier c = new NeuralNetClassifier()
        .setLayers(Sequential.of(Dense.units(3).activation("softmax")))
        .setBatchSize(16).setEpochs(2).setNumWorkers(0).setSeed(1).setVerbose(0);
    NeuralNetClassificationModel one = c.fit(iris);
    assertEquals(1, one.state().rounds().get(0).tasks().size());
    assertEquals(150, one.state().trainRows());
    // a worker trains its rows in an order given by their content: the same model as one
    // worker on the DataFrame as loaded, whatever the partitioning
    NeuralNetClassificationModel loaded = c.copy(new org.apache.spark.ml.param.ParamMap())
        .setNumWorkers(1).fit(dev.sparkdl.data.Datasets.iris(spark));
    assertEquals(loaded.weights(), one.weights());
    NeuralNetClassificationModel two = c.setMinBatchesPerWorker(2).fit(iris);
    assertEquals(2, two.state().rounds().get(0).tasks().size());
    assertEquals(150, two.state().trainRows());
    // an explicit count is kept while every worker gets two full minibatches: 150 / 32 -> 4
    NeuralNetClassificationModel three = c.setNumWorkers(3).fit(iris);
    assertEquals(3, three.state().rounds().get(0).tasks().size());
    NeuralNetClassificationModel many = c.setNumWorkers(32).fit(iris);
    assertEquals(4, many.state().rounds().get(0).tasks().size());
    assertEquals(150, many.state().trainRows());
  }

  /** Joining partitions copes with an empty one that never saw a row (so knows no width). */
  @Test
  void anEmptyPartitionJoinsTheOthers() {
    List<Row> rows = new ArrayList<>();
    Random rnd = new Random(2);
    for (int i = 0; i < 64; i++) {
      double a = rnd.nextGaussian();
      rows.add(RowFactory.create(Vectors.dense(a, rnd.nextGaussian()), a > 0 ? 1.0 : 0.0));
    }
    org.apache.spark.api.java.JavaSparkContext jsc =
        org.apache.spark.api.java.JavaSparkContext.fromSparkContext(spark.sparkContext());
    Dataset<Row> data = spark.createDataFrame(jsc.parallelize(rows, 1), schema())
        .union(spark.createDataFrame(jsc.parallelize(new ArrayList<Row>(), 1), schema()));
    assertEquals(2, data.rdd().getNumPartitions());
    NeuralNetClassificationModel model = new NeuralNetClassifier()
        .setLayers(Sequential.of(Dense.units(2).activation("softmax"))) // no input shape
        .setBatchSize(16).setEpochs(2).setNumWorkers(0).setSeed(1).setVerbose(0).fit(data);
    assertEquals(1, model.state().rounds().get(0).tasks().size());
    assertEquals(64, model.state().trainRows());
  }

  private static StructType schema() {
    return new StructType(new StructField[] {
      new StructField("features", SQLDataTypes.VectorType(), false, Metadata.empty()),
      new StructField("label", DataTypes.DoubleType, false, Metadata.empty())
    });
  }

  /** @return per column: {means, population variances} */
  private static double[][] moments(double[][] rows) {
    int d = rows[0].length;
    double[] mean = new double[d];
    double[] var = new double[d];
    for (double[] r : rows) {
      for (int j = 0; j < d; j++) {
        mean[j] += r[j] / rows.length;
      }
    }
    for (double[] r : rows) {
      for (int j = 0; j < d; j++) {
        var[j] += (r[j] - mean[j]) * (r[j] - mean[j]) / rows.length;
      }
    }
    return new double[][] {mean, var};
  }

  private static void assertClose(double[] expected, Tensor actual, String what) {
    for (int j = 0; j < expected.length; j++) {
      double tolerance = 1e-4 * Math.max(1, Math.abs(expected[j]));
      assertEquals(expected[j], actual.values()[j], tolerance, what + " [" + j + "]");
    }
  }
}
