package dev.sparkdl.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkdl.data.Datasets;
import dev.sparkdl.spec.BatchNormalization;
import dev.sparkdl.spec.Dense;
import dev.sparkdl.spec.Dropout;
import dev.sparkdl.spec.Sequential;
import dev.sparkdl.testing.SharedData;
import dev.sparkdl.testing.TestSpark;
import java.util.List;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.StandardScalerModel;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;

/** Learning on real data with held-out accuracy thresholds. */
class ClassifierLearningTest {
  private final SparkSession spark = TestSpark.session();

  static double accuracy(Dataset<Row> scored) {
    return new MulticlassClassificationEvaluator().setMetricName("accuracy").evaluate(scored);
  }

  /** Standardises features with statistics of the training split only. */
  static Dataset<Row>[] scaledSplit(Dataset<Row> data, double testFraction, long seed) {
    Dataset<Row>[] parts = data.randomSplit(new double[] {1 - testFraction, testFraction}, seed);
    StandardScalerModel scaler = new StandardScaler().setInputCol("features")
        .setOutputCol("scaled").setWithMean(true).fit(parts[0]);
    @SuppressWarnings("unchecked")
    Dataset<Row>[] out = new Dataset[2];
    for (int i = 0; i < 2; i++) {
      out[i] = scaler.transform(parts[i]).drop("features").withColumnRenamed("scaled", "features")
          .cache();
    }
    return out;
  }

  @Test
  void irisHeldOutAccuracy() {
    Dataset<Row>[] split = scaledSplit(Datasets.iris(spark), 0.3, 7);
    NeuralNetClassificationModel model = new NeuralNetClassifier()
        .setLayers(Sequential.of(Dense.units(16).activation("relu"), Dense.units(3).activation("softmax")))
        .setOptimizer("adam").setLearningRate(0.01)
        .setEpochs(60).setBatchSize(16).setNumWorkers(2).setSeed(1).setVerbose(0)
        .fit(split[0]);
    double acc = accuracy(model.transform(split[1]));
    assertTrue(acc >= 0.93, "iris held-out accuracy " + acc);
    assertEquals(60, model.history().size());
    assertEquals(List.of("loss", "accuracy", "learning_rate"), List.copyOf(model.history().keys()));
    assertTrue(model.history().last("loss") < model.history().get("loss")[0] / 3);
  }

  @Test
  void oneHotVectorLabelsWithCategoricalCrossentropy() {
    Dataset<Row>[] split = scaledSplit(Datasets.iris(spark), 0.3, 7);
    org.apache.spark.ml.feature.OneHotEncoderModel encoder =
        new org.apache.spark.ml.feature.OneHotEncoder().setInputCol("label").setOutputCol("onehot")
            .setDropLast(false).fit(split[0]);
    NeuralNetClassificationModel model = new NeuralNetClassifier()
        .setLayers(Sequential.of(Dense.units(16).activation("relu"), Dense.units(3).activation("softmax")))
        .setLoss("categorical_crossentropy").setLabelCol("onehot")
        .setOptimizer("adam").setLearningRate(0.01)
        .setEpochs(60).setBatchSize(16).setNumWorkers(2).setSeed(1).setVerbose(0)
        .fit(encoder.transform(split[0]));
    double acc = accuracy(model.transform(split[1]));
    assertTrue(acc >= 0.93, "iris held-out accuracy with one-hot labels " + acc);
  }

  @Test
  void wineHeldOutAccuracyWithCourseLayers() {
    Dataset<Row>[] split = scaledSplit(Datasets.wine(spark), 0.3, 3);
    NeuralNetClassificationModel model = new NeuralNetClassifier()
        .setLayers(Sequential.of(Dense.units(32), BatchNormalization.defaults(), Dropout.rate(0.2),
            dev.sparkdl.spec.Activation.of("relu"), Dense.units(3).activation("softmax")))
        .setLoss("sparse_categorical_crossentropy").setOptimizer("adam").setLearningRate(0.01)
        .setEpochs(40).setBatchSize(16).setNumWorkers(2).setSeed(2).setVerbose(0)
        .setValidationSplit(0.15)
        .fit(split[0]);
    double acc = accuracy(model.transform(split[1]));
    assertTrue(acc >= 0.93, "wine held-out accuracy " + acc);
    assertTrue(model.history().keys().contains("val_accuracy"));
    assertTrue(model.history().last("val_accuracy") >= 0.85, model.history().toString());
  }

  @Test
  void banknoteHeldOutAccuracyWithTwoWorkers() {
    String csv = SharedData.require("uci-banknote-authentication/banknote_authentication.csv").toString();
    Dataset<Row> raw = spark.read().option("header", "true").option("inferSchema", "true").csv(csv);
    Dataset<Row> data = new VectorAssembler()
        .setInputCols(new String[] {"variance", "skewness", "curtosis", "entropy"})
        .setOutputCol("features").transform(raw)
        .withColumn("label", functions.col("class").cast("double"));
    Dataset<Row>[] split = scaledSplit(data, 0.25, 11);
    NeuralNetClassificationModel model = new NeuralNetClassifier()
        .setLayers(Sequential.of(Dense.units(16).activation("relu"), Dense.units(8).activation("relu"),
            Dense.units(1).activation("sigmoid")))
        .setLoss("binary_crossentropy").setOptimizer("adam").setLearningRate(0.01)
        .setEpochs(30).setBatchSize(32).setNumWorkers(2).setSeed(5).setVerbose(0)
        .fit(split[0]);
    assertEquals(2, model.state().rounds().get(0).tasks().size());
    double acc = accuracy(model.transform(split[1]));
    assertTrue(acc >= 0.99, "banknote held-out accuracy " + acc);
  }
}
