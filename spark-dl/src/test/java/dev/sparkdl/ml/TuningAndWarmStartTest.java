package dev.sparkdl.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkdl.data.Datasets;
import dev.sparkdl.spec.Dense;
import dev.sparkdl.spec.Sequential;
import dev.sparkdl.testing.StageAssertions;
import dev.sparkdl.testing.TestSpark;
import java.io.IOException;
import java.nio.file.Path;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.CrossValidatorModel;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.ml.tuning.TrainValidationSplit;
import org.apache.spark.ml.tuning.TrainValidationSplitModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CrossValidator / TrainValidationSplit over spark-dl params, and warm start. */
class TuningAndWarmStartTest {
  @TempDir Path dir;

  private static Dataset<Row>[] iris() {
    return ClassifierLearningTest.scaledSplit(Datasets.iris(TestSpark.session()), 0.3, 5);
  }

  private static ParamMap[] grid(NeuralNetClassifier c) {
    String small = Sequential.of(Dense.units(4).activation("relu"), Dense.units(3).activation("softmax")).toJson();
    String wide = Sequential.of(Dense.units(16).activation("relu"), Dense.units(3).activation("softmax")).toJson();
    return new ParamGridBuilder()
        .addGrid(c.learningRate(), new double[] {0.001, 0.03})
        .addGrid(c.batchSize(), new int[] {8, 32})
        .addGrid(c.layers(), scala.collection.JavaConverters.asScalaBuffer(
            java.util.List.of(small, wide)))
        .build();
  }

  private static NeuralNetClassifier base() {
    return new NeuralNetClassifier()
        .setLayers(Sequential.of(Dense.units(3).activation("softmax")))
        .setOptimizer("adam").setEpochs(12).setNumWorkers(2).setSeed(1).setVerbose(0);
  }

  @Test
  void crossValidatorPicksAModelThatSavesAndLoads() throws IOException {
    Dataset<Row>[] split = iris();
    NeuralNetClassifier c = base();
    CrossValidator cv = new CrossValidator().setEstimator(c).setEstimatorParamMaps(grid(c))
        .setEvaluator(new MulticlassClassificationEvaluator().setMetricName("accuracy"))
        .setNumFolds(2).setSeed(7);
    CrossValidatorModel model = cv.fit(split[0]);
    assertEquals(8, model.avgMetrics().length);
    NeuralNetClassificationModel best = (NeuralNetClassificationModel) model.bestModel();
    assertEquals(0.03, best.getLearningRate(), 0.0, "the higher rate learns within 12 epochs");
    double acc = ClassifierLearningTest.accuracy(model.transform(split[1]));
    assertTrue(acc >= 0.9, "best model held-out accuracy " + acc);

    String path = dir.resolve("cv").toString();
    model.write().save(path);
    CrossValidatorModel loaded = CrossValidatorModel.load(path);
    NeuralNetClassificationModel loadedBest = (NeuralNetClassificationModel) loaded.bestModel();
    PersistenceTest.assertSameModel(best, loadedBest);
    double diff = StageAssertions.maxDifference(model.transform(split[1]), loaded.transform(split[1]),
        "probability");
    assertTrue(diff <= 1e-6, "max |Δprobability| " + diff);
  }

  @Test
  void trainValidationSplitPicksAModelThatSavesAndLoads() throws IOException {
    Dataset<Row>[] split = iris();
    NeuralNetClassifier c = base();
    TrainValidationSplit tvs = new TrainValidationSplit().setEstimator(c)
        .setEstimatorParamMaps(grid(c)).setTrainRatio(0.75).setSeed(3)
        .setEvaluator(new MulticlassClassificationEvaluator().setMetricName("accuracy"));
    TrainValidationSplitModel model = tvs.fit(split[0]);
    assertEquals(8, model.validationMetrics().length);
    String path = dir.resolve("tvs").toString();
    model.write().save(path);
    TrainValidationSplitModel loaded = TrainValidationSplitModel.load(path);
    PersistenceTest.assertSameModel((NeuralNetModel) model.bestModel(),
        (NeuralNetModel) loaded.bestModel());
    assertTrue(ClassifierLearningTest.accuracy(loaded.transform(split[1])) >= 0.85);
  }

  @Test
  void warmStartContinuesLikeUninterruptedTraining() throws IOException {
    Dataset<Row>[] split = ClassifierLearningTest.scaledSplit(Datasets.digits(TestSpark.session()), 0.3, 42);
    NeuralNetClassifier c = new NeuralNetClassifier()
        .setLayers(Sequential.of(Dense.units(32).activation("relu"), dev.sparkdl.spec.Dropout.rate(0.2),
            Dense.units(10).activation("softmax")))
        .setOptimizer("adam").setLearningRate(0.003).setBatchSize(32).setNumWorkers(2)
        // an outer momentum (auto is 0 with Adam) and a warm-up that the split interrupts
        .setOuterMomentum(0.5).setWarmupEpochs(4)
        .setSeed(11).setVerbose(0);
    NeuralNetClassificationModel six = c.copy(new ParamMap()).setEpochs(6).fit(split[0]);
    NeuralNetClassificationModel three = c.copy(new ParamMap()).setEpochs(3).fit(split[0]);
    // the first half travels through a save and a load, optimizer state included
    String path = dir.resolve("three").toString();
    three.write().save(path);
    NeuralNetClassificationModel loaded = NeuralNetClassificationModel.load(path);
    NeuralNetClassificationModel resumed = c.copy(new ParamMap()).setEpochs(3)
        .setInitialModel(loaded).fit(split[0]);
    double a6 = ClassifierLearningTest.accuracy(six.transform(split[1]));
    double a33 = ClassifierLearningTest.accuracy(resumed.transform(split[1]));
    assertTrue(Math.abs(a6 - a33) <= 0.005, "6 epochs " + a6 + " vs 3 + 3 " + a33);
    assertEquals(6, resumed.history().size());
    assertEquals(six.history().get("loss")[5], resumed.history().get("loss")[5], 1e-4);
    assertEquals(six.state().optimizer().iterations(), resumed.state().optimizer().iterations());
    // two workers: the outer momentum's velocity is saved (weights format 2) and continued, and
    // the warm-up goes on from epoch 3, so the weights are those of the uninterrupted run, bit for
    // bit
    assertTrue(three.state().optimizer().outerVelocity() != null, "outer momentum state saved");
    assertEquals(six.weights(), resumed.weights(), "3 + 3 epochs through save/load vs 6 epochs");
    // the initial model is left as it was: continuing from it again gives the same weights
    assertEquals(resumed.weights(), c.copy(new ParamMap()).setEpochs(3).setInitialModel(loaded)
        .fit(split[0]).weights());

    NeuralNetClassifier other = c.copy(new ParamMap())
        .setLayers(Sequential.of(Dense.units(10).activation("softmax"))).setInitialModel(three);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> other.fit(split[0]));
    assertTrue(e.getMessage().contains("initialModel was trained with another network"), e.getMessage());
  }

  /**
   * A newer optimizer's state (Adafactor's factored moments, whose arrays are not weight-shaped,
   * with gradient clipping) is averaged across two workers, saved, loaded and
   * continued: 1 + 1 epochs through save/load equal 2 epochs.
   */
  @Test
  void warmStartCarriesTheNewOptimizersState() throws IOException {
    Dataset<Row>[] split = iris();
    for (String opt : new String[] {
        "{\"class_name\": \"Adafactor\", \"config\": {\"learning_rate\": 0.05,"
            + " \"clipnorm\": 1.0}}"}) {
      NeuralNetClassifier c = new NeuralNetClassifier()
          .setLayers(Sequential.of(Dense.units(8).activation("relu"),
              Dense.units(3).activation("softmax")))
          .setOptimizer(opt).setBatchSize(16).setNumWorkers(2).setSeed(5).setVerbose(0);
      NeuralNetClassificationModel two = c.copy(new ParamMap()).setEpochs(2).fit(split[0]);
      NeuralNetClassificationModel one = c.copy(new ParamMap()).setEpochs(1).fit(split[0]);
      String path = dir.resolve("one" + opt.hashCode()).toString();
      one.write().save(path);
      NeuralNetClassificationModel resumed = c.copy(new ParamMap()).setEpochs(1)
          .setInitialModel(NeuralNetClassificationModel.load(path)).fit(split[0]);
      assertEquals(one.state().optimizer(), NeuralNetClassificationModel.load(path).state()
          .optimizer(), opt + ": optimizer state through save/load");
      assertEquals(two.weights(), resumed.weights(), opt + ": 1 + 1 epochs vs 2 epochs");
    }
  }
}
