package dev.sparkdl.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkdl.spec.Dense;
import dev.sparkdl.spec.Sequential;
import dev.sparkdl.testing.RandomDraws;
import dev.sparkdl.testing.TestSpark;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The newer Keras losses through the estimators: a linear-head classifier compiled with
 * from_logits reports probabilities, a hinge classifier and a poisson regressor learn, and the
 * losses that do not fit the head or the labels are refused before any training.
 */
class KerasLossesFitTest {
  @TempDir java.nio.file.Path dir;

  private static final StructType SCHEMA = new StructType(new StructField[] {
    new StructField("features", SQLDataTypes.VectorType(), false, Metadata.empty()),
    new StructField("label", DataTypes.DoubleType, false, Metadata.empty())
  });

  /** Two features; the label is a class of a linear rule, or a Poisson count. */
  private static Dataset<Row> data(String kind, int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      double a = r.nextDouble(-2, 2);
      double b = r.nextDouble(-2, 2);
      double label = switch (kind) {
        case "binary" -> a + 0.5 * b > 0 ? 1 : 0;
        case "three" -> a > 0.7 ? 2 : a + b > 0 ? 1 : 0;
        default -> RandomDraws.poisson(r, Math.exp(0.6 * a - 0.4 * b + 0.3));
      };
      rows.add(RowFactory.create(Vectors.dense(a, b), label));
    }
    return TestSpark.session().createDataFrame(rows, SCHEMA);
  }

  private static NeuralNetClassifier classifier(int units, String loss) {
    return new NeuralNetClassifier().setLayers(Sequential.of(Dense.units(units)))
        .setLoss(loss).setOptimizer("adam").setLearningRate(0.1).setEpochs(5).setBatchSize(32)
        .setNumWorkers(1).setSeed(3).setVerbose(0);
  }

  @Test
  void linearHeadsWithFromLogitsReportProbabilities() {
    Dataset<Row> train = data("binary", 400, 1);
    NeuralNetClassificationModel binary = classifier(1,
        "{\"class_name\": \"BinaryCrossentropy\", \"config\": {\"from_logits\": true,"
            + " \"label_smoothing\": 0.05}}").fit(train);
    List<Row> scored = binary.transform(data("binary", 200, 2)).collectAsList();
    for (Row row : scored) {
      Vector raw = row.getAs("rawPrediction");
      Vector p = row.getAs("probability");
      assertEquals(1 / (1 + Math.exp(-raw.apply(1))), p.apply(1), 1e-5, "p = sigmoid(logit)");
      assertEquals(-raw.apply(1), raw.apply(0), 0);
    }
    assertTrue(ClassifierLearningTest.accuracy(binary.transform(data("binary", 200, 2))) >= 0.9);
    // exported to Keras, the network ends with the sigmoid and the loss takes probabilities
    String file = dir.resolve("logits.keras").toString();
    binary.exportKeras(file);
    NeuralNetClassificationModel back = KerasModels.loadClassifier(file);
    assertEquals(binary.compileOptions().loss().withFromLogits(false),
        back.compileOptions().loss());
    assertEquals(0.0, dev.sparkdl.testing.StageAssertions.maxDifference(
        binary.transform(train), back.transform(train), "probability"), 0.0);

    NeuralNetClassificationModel three = classifier(3,
        "{\"class_name\": \"CategoricalFocalCrossentropy\", \"config\": {\"from_logits\": true}}")
        .fit(data("three", 400, 3));
    Dataset<Row> test = three.transform(data("three", 200, 4));
    for (Row row : test.collectAsList()) {
      double[] raw = ((Vector) row.getAs("rawPrediction")).toArray();
      double[] p = ((Vector) row.getAs("probability")).toArray();
      double sum = 0;
      for (double x : raw) {
        sum += Math.exp(x);
      }
      for (int j = 0; j < 3; j++) {
        assertEquals(Math.exp(raw[j]) / sum, p[j], 1e-5, "p = softmax(logits)");
      }
    }
    assertTrue(ClassifierLearningTest.accuracy(test) >= 0.85,
        "accuracy " + ClassifierLearningTest.accuracy(test));
  }

  @Test
  void hingeClassifierAndPoissonRegressorLearn() {
    NeuralNetClassificationModel hinge = classifier(1, "hinge").fit(data("binary", 400, 5));
    double accuracy = ClassifierLearningTest.accuracy(hinge.transform(data("binary", 200, 6)));
    assertTrue(accuracy >= 0.93, "hinge accuracy " + accuracy);

    NeuralNetRegressionModel poisson = new NeuralNetRegressor()
        .setLayers(Sequential.of(Dense.units(1).activation("exponential"))).setLoss("poisson")
        .setOptimizer("adam").setLearningRate(0.05).setEpochs(6).setBatchSize(32)
        .setNumWorkers(1).setSeed(3).setVerbose(0).fit(data("counts", 800, 7));
    // the log rate is linear in the features: the kernel finds the coefficients
    float[] kernel = poisson.kerasWeights().get(0).values();
    float bias = poisson.kerasWeights().get(1).values()[0];
    assertEquals(0.6, kernel[0], 0.12, "coefficient of a");
    assertEquals(-0.4, kernel[1], 0.12, "coefficient of b");
    assertEquals(0.3, bias, 0.15, "intercept");
  }

  @Test
  void lossesThatDoNotFitAreRefused() {
    Dataset<Row> binary = data("binary", 40, 8);
    String hinge = assertThrows(IllegalArgumentException.class, () -> new NeuralNetClassifier()
        .setLayers(Sequential.of(Dense.units(3).activation("softmax"))).setLoss("hinge")
        .fit(binary)).getMessage();
    assertTrue(hinge.contains("Loss hinge scores two classes with one linear output unit")
        && hinge.contains("Dense(3, activation='softmax')")
        && hinge.contains("use categorical_hinge for 3 classes"), hinge);
    String logits = assertThrows(IllegalArgumentException.class, () -> new NeuralNetClassifier()
        .setLayers(Sequential.of(Dense.units(1).activation("sigmoid")))
        .setLoss("{\"class_name\": \"BinaryCrossentropy\", \"config\": {\"from_logits\": true}}")
        .fit(binary)).getMessage();
    assertTrue(logits.contains("from_logits=true applies the sigmoid itself and expects a linear"
        + " output layer") && logits.contains("Dense(1)"), logits);
    String linear = assertThrows(IllegalArgumentException.class, () -> new NeuralNetRegressor()
        .setLayers(Sequential.of(Dense.units(1))).setLoss("poisson").fit(binary)).getMessage();
    assertTrue(linear.contains("Loss poisson needs predictions > 0")
        && linear.contains("activation='exponential'"), linear);
    String regression = assertThrows(IllegalArgumentException.class,
        () -> new NeuralNetClassifier().setLayers(Sequential.of(Dense.units(1)))
            .setLoss("log_cosh").fit(binary)).getMessage();
    assertTrue(regression.contains("received 'log_cosh'. Use NeuralNetRegressor"), regression);

    List<Row> negative = new ArrayList<>(data("counts", 40, 9).collectAsList());
    negative.set(3, RowFactory.create(Vectors.dense(0.1, 0.2), -2.0));
    Dataset<Row> withNegative = TestSpark.session().createDataFrame(negative, SCHEMA);
    String counts = assertThrows(IllegalArgumentException.class, () -> new NeuralNetRegressor()
        .setLayers(Sequential.of(Dense.units(1).activation("softplus"))).setLoss("poisson")
        .setVerbose(0).fit(withNegative)).getMessage();
    assertTrue(counts.contains("finite numbers >= 0") && counts.contains("-2.0"), counts);
  }
}
