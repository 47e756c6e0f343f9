package dev.sparkdl.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkdl.distributed.DistributedTrainer;
import dev.sparkdl.spec.Dense;
import dev.sparkdl.spec.Dropout;
import dev.sparkdl.spec.Sequential;
import dev.sparkdl.spec.SpecException;
import dev.sparkdl.testing.TestSpark;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
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
import org.junit.jupiter.api.function.Executable;

/**
 * Every bad input fails with a message that says what, expected, received and how to fix it —
 * schema and param problems before any Spark job, data problems in the single validation pass
 * before any training job.
 */
class BadInputTest {
  private final SparkSession spark = TestSpark.session();

  private static final StructType SCHEMA = new StructType(new StructField[] {
    new StructField("features", SQLDataTypes.VectorType(), true, Metadata.empty()),
    new StructField("label", DataTypes.DoubleType, true, Metadata.empty())
  });

  private Dataset<Row> rows(Object[]... rows) {
    List<Row> list = new ArrayList<>();
    for (Object[] r : rows) {
      list.add(RowFactory.create(r));
    }
    return spark.createDataFrame(list, SCHEMA);
  }

  private Dataset<Row> good(int n) {
    List<Object[]> r = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      r.add(new Object[] {Vectors.dense(i, -i, i * 0.5, 1), (double) (i % 3)});
    }
    return rows(r.toArray(new Object[0][]));
  }

  private static NeuralNetClassifier clf() {
    return new NeuralNetClassifier()
        .setLayers(Sequential.of(Dense.units(8).activation("relu"), Dense.units(3).activation("softmax")))
        .setEpochs(1).setNumWorkers(2).setVerbose(0);
  }

  /**
   * Asserts the failure; with {@code anyJob} false no Spark job may have run meanwhile
   * (schema and param checks), otherwise only the row validation pass, never a training round.
   */
  private static String fails(boolean anyJob, Class<? extends Throwable> type, Executable e) {
    int before = TestSpark.jobsStarted();
    String m = assertThrows(type, e).getMessage();
    List<String> jobs = TestSpark.jobDescriptions();
    jobs = jobs.subList(before, jobs.size());
    if (!anyJob) {
      assertTrue(jobs.isEmpty(), "Spark jobs " + jobs + " ran before failing with: " + m);
    }
    for (String d : jobs) {
      assertTrue(!d.startsWith(DistributedTrainer.JOB_PREFIX),
          "a training job (" + d + ") ran before failing with: " + m);
    }
    return m;
  }

  private static void contains(String message, String... parts) {
    for (String p : parts) {
      assertTrue(message.contains(p), "expected «" + p + "» in: " + message);
    }
  }

  @Test
  void unknownNamesListTheValidOnes() {
    contains(fails(false, SpecException.class, () -> clf().setLoss("cross_entropy")),
        "Unknown loss 'cross_entropy'", "categorical_crossentropy, sparse_categorical_crossentropy");
    contains(fails(false, SpecException.class, () -> clf().setOptimizer("adamx")),
        "Unknown optimizer 'adamx'", "sgd, adam, adamw, rmsprop, adagrad, adadelta, nadam, adamax");
    contains(fails(false, SpecException.class, () -> clf().setMetrics("f1")),
        "Unknown metric 'f1'", "accuracy, mse, mae");
    contains(fails(false, SpecException.class, () -> clf().setLayers(
        "[{\"class_name\":\"Dense\",\"config\":{\"units\":3,\"activation\":\"relux\"}}]")),
        "Unknown activation 'relux'", "relu, sigmoid, tanh, softmax");
    contains(fails(false, SpecException.class, () -> clf().setLayers(
        "[{\"class_name\":\"Dence\",\"config\":{\"units\":3}}]")),
        "Unknown layer class_name 'Dence'", "Dense, Activation, Dropout, BatchNormalization, Flatten");
  }

  @Test
  void networkNotSet() {
    contains(fails(false, IllegalArgumentException.class, () -> new NeuralNetClassifier().fit(good(10))),
        "The network is not set", "setLayers(Sequential.of(...))");
  }

  @Test
  void outOfRangeArguments() {
    contains(fails(false, SpecException.class, () -> Dense.units(0)),
        "expected a positive integer. Received: units=0");
    contains(fails(false, SpecException.class, () -> Dropout.rate(1.5)),
        "expected a float in [0, 1). Received: rate=1.5");
    contains(fails(false, IllegalArgumentException.class, () -> clf().setBatchSize(0)),
        "batchSize given invalid value 0");
    contains(fails(false, IllegalArgumentException.class, () -> clf().setValidationSplit(1.0)),
        "validationSplit given invalid value 1.0");
  }

  @Test
  void lossThatDoesNotFitTheOutputLayer() {
    NeuralNetClassifier c = new NeuralNetClassifier()
        .setLayers(Sequential.of(Dense.units(10).activation("softmax"))).setLoss("binary_crossentropy");
    contains(fails(false, IllegalArgumentException.class, () -> c.fit(good(30))),
        "binary_crossentropy expects one sigmoid output unit",
        "output layer is Dense(10, activation='softmax')",
        "categorical_crossentropy or sparse_categorical_crossentropy for 10 classes");
    NeuralNetClassifier mse = clf().setLoss("mse");
    contains(fails(false, IllegalArgumentException.class, () -> mse.fit(good(30))),
        "needs a classification loss", "received 'mse'", "NeuralNetRegressor");
    NeuralNetRegressor wide = new NeuralNetRegressor().setLayers(Sequential.of(Dense.units(3)));
    contains(fails(false, IllegalArgumentException.class, () -> wide.fit(good(30))),
        "predicts one value per row", "has 3 units", "Dense(1)");
  }

  @Test
  void vectorLabelsNeedCategoricalCrossentropy() {
    Dataset<Row> data = good(10).withColumn("target",
        org.apache.spark.sql.functions.array(org.apache.spark.sql.functions.lit(1.0),
            org.apache.spark.sql.functions.lit(0.0), org.apache.spark.sql.functions.lit(0.0)));
    NeuralNetClassifier c = clf().setLabelCol("target").setLoss("sparse_categorical_crossentropy");
    contains(fails(false, IllegalArgumentException.class, () -> c.fit(data)),
        "Column target holds vectors (one-hot or probabilities), which only"
            + " the categorical losses take (categorical_crossentropy,",
        "setLoss(\"categorical_crossentropy\")");
    Dataset<Row> wrong = good(10).withColumn("target",
        org.apache.spark.sql.functions.array(org.apache.spark.sql.functions.lit(0.5),
            org.apache.spark.sql.functions.lit(0.5)));
    contains(fails(true, IllegalArgumentException.class,
        () -> clf().setLabelCol("target").setLoss("categorical_crossentropy").fit(wrong)),
        "must hold vectors of 3 target probabilities in [0, 1]", "10 of 10 rows");
  }

  @Test
  void missingOrMistypedColumns() {
    contains(fails(false, IllegalArgumentException.class, () -> clf().setFeaturesCol("pixels").fit(good(10))),
        "features column 'pixels' does not exist", "Available columns: features, label");
    contains(fails(false, IllegalArgumentException.class, () -> clf().setLabelCol("target").fit(good(10))),
        "label column 'target' does not exist");
    Dataset<Row> strings = good(10).withColumn("features", org.apache.spark.sql.functions.lit("x"));
    contains(fails(false, IllegalArgumentException.class, () -> clf().fit(strings)),
        "Column features must be of type Vector", "but was actually of type string", "VectorAssembler");
    Dataset<Row> stringLabel = good(10).withColumn("label", org.apache.spark.sql.functions.lit("cat"));
    contains(fails(false, IllegalArgumentException.class, () -> clf().fit(stringLabel)),
        "Column label must be of type NumericType", "was actually of type string", "StringIndexer");
  }

  @Test
  void inconsistentFeatureLengths() {
    List<Object[]> r = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      Vector v = i % 10 == 3 ? Vectors.dense(1, 2, 3) : Vectors.dense(i, 1, 2, 3);
      r.add(new Object[] {v, 0.0});
    }
    contains(fails(true, IllegalArgumentException.class, () -> clf().fit(rows(r.toArray(new Object[0][])))),
        "inconsistent length: expected 4 values", "found 2 rows of 3", "(2 of 20 rows)");
    Sequential with = Sequential.of(Dense.units(3).activation("softmax")).inputShape(5);
    contains(fails(true, IllegalArgumentException.class, () -> clf().setLayers(with).fit(good(20))),
        "expected 5 values (the network's input shape [5]), found 20 rows of 4");
  }

  @Test
  void nullAndNonFiniteFeatures() {
    Dataset<Row> data = good(20).union(rows(
        new Object[] {null, 1.0},
        new Object[] {Vectors.dense(1, Double.NaN, 0, 0), 1.0},
        new Object[] {Vectors.dense(1, 0, Double.POSITIVE_INFINITY, 0), 2.0}));
    contains(fails(true, IllegalArgumentException.class, () -> clf().fit(data)),
        "Column features is null in 1 of 23 rows", "NaN, infinite or null values in 2 of 23 rows",
        "Imputer");
  }

  @Test
  void labelsOutsideTheClasses() {
    Dataset<Row> data = good(20).union(rows(
        new Object[] {Vectors.dense(1, 1, 1, 1), 1.5},
        new Object[] {Vectors.dense(1, 1, 1, 1), 3.0},
        new Object[] {Vectors.dense(1, 1, 1, 1), -1.0}));
    contains(fails(true, IllegalArgumentException.class, () -> clf().fit(data)),
        "Column label must hold class indices 0.0 .. 2.0 (the output layer has 3 units)",
        "3 of 23 rows hold other values", "1.5", "3.0", "-1.0");
  }

  @Test
  void emptyDataFrame() {
    contains(fails(true, IllegalArgumentException.class, () -> clf().fit(good(0))),
        "The training DataFrame is empty (0 rows)");
  }

  @Test
  void scoringRejectsBadRowsToo() {
    NeuralNetClassificationModel model = clf().fit(good(30));
    Dataset<Row> nan = rows(new Object[] {Vectors.dense(1, Double.NaN, 0, 0), 1.0});
    Exception e = assertThrows(Exception.class, () -> model.transform(nan).collect());
    assertTrue(String.valueOf(e.getMessage()).contains("holds NaN, infinite or null values"),
        e.getMessage());
    Dataset<Row> shortRow = rows(new Object[] {Vectors.dense(1, 0), 1.0});
    e = assertThrows(Exception.class, () -> model.transform(shortRow).collect());
    assertTrue(String.valueOf(e.getMessage()).contains("has 2 values, the model expects 4"),
        e.getMessage());
    assertEquals(Arrays.asList("features", "label", "rawPrediction", "probability", "prediction"),
        Arrays.asList(model.transform(good(3)).columns()));
  }
}
