package dev.sparkdl.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkdl.data.Datasets;
import dev.sparkdl.distributed.RoundStats;
import dev.sparkdl.distributed.TaskTiming;
import dev.sparkdl.spec.BatchNormalization;
import dev.sparkdl.spec.Dense;
import dev.sparkdl.spec.Dropout;
import dev.sparkdl.spec.Sequential;
import dev.sparkdl.testing.TestSpark;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Parameter averaging on Spark partitions: quality, concurrency, rounds, reproducibility. */
class DistributedTrainingTest {
  private static Dataset<Row> train;
  private static Dataset<Row> test;
  private final SparkSession spark = TestSpark.session();

  @BeforeAll
  static void digits() {
    Dataset<Row>[] split =
        ClassifierLearningTest.scaledSplit(Datasets.digits(TestSpark.session()), 0.3, 42);
    train = split[0];
    test = split[1];
  }

  private static NeuralNetClassifier mlp(int workers) {
    return new NeuralNetClassifier()
        .setLayers(Sequential.of(Dense.units(64), BatchNormalization.defaults(), Dropout.rate(0.2),
            dev.sparkdl.spec.Activation.of("relu"), Dense.units(10).activation("softmax")))
        .setLoss("categorical_crossentropy").setOptimizer("adam").setLearningRate(0.003)
        .setBatchSize(32).setEpochs(30).setNumWorkers(workers).setSeed(9).setVerbose(0);
  }

  @Test
  void twoPartitionsWithinOnePointOfOne() {
    double one = ClassifierLearningTest.accuracy(mlp(1).fit(train).transform(test));
    NeuralNetClassificationModel two = mlp(2).fit(train);
    double acc = ClassifierLearningTest.accuracy(two.transform(test));
    assertTrue(one >= 0.95, "1 partition: " + one);
    assertTrue(Math.abs(acc - one) <= 0.01, "2 partitions " + acc + " vs 1 partition " + one);
    // ~20 minibatches per partition: the automatic frequency makes 4 rounds per epoch, and both
    // partitions took part in every round
    assertEquals(30 * dev.sparkdl.distributed.Averaging.AUTO_ROUNDS_PER_EPOCH,
        two.state().rounds().size());
    for (RoundStats r : two.state().rounds()) {
      assertEquals(2, r.tasks().size());
    }
  }

  @Test
  void twoTasksTrainConcurrentlyInOneJvm() {
    NeuralNetClassificationModel model = mlp(2).setEpochs(6).fit(train);
    int overlapping = 0;
    for (RoundStats r : model.state().rounds()) {
      TaskTiming a = r.tasks().get(0);
      TaskTiming b = r.tasks().get(1);
      assertEquals(a.pid(), b.pid(), "local mode: one executor JVM");
      assertTrue(a.trainSeconds() > 0 && b.trainSeconds() > 0);
      if (a.overlaps(b) && !a.thread().equals(b.thread())) {
        overlapping++;
      }
    }
    assertTrue(overlapping >= 5, overlapping + " of 6 rounds had overlapping tasks");
    double acc = ClassifierLearningTest.accuracy(model.transform(test));
    assertTrue(acc >= 0.9, "accuracy " + acc);
  }

  @Test
  void averagingFrequencySetsTheRounds() {
    // ~1258 rows / 2 partitions / batch 32 = 20 minibatches per partition; K = 8 -> 3 rounds
    NeuralNetClassificationModel model = mlp(2).setEpochs(2).setAveragingFrequency(8).fit(train);
    assertEquals(6, model.state().rounds().size());
    long steps = model.state().optimizer().iterations();
    assertTrue(steps >= 38 && steps <= 42, "optimizer steps carried across rounds: " + steps);
    double acc = ClassifierLearningTest.accuracy(model.transform(test));
    assertTrue(acc >= 0.85, "accuracy " + acc);
  }

  @Test
  void sameSeedSameWeights() {
    NeuralNetClassifier c = mlp(2).setEpochs(2);
    NeuralNetClassificationModel a = c.fit(train);
    NeuralNetClassificationModel b = c.fit(train);
    assertEquals(a.weights(), b.weights());
    NeuralNetClassificationModel other = c.copy(new org.apache.spark.ml.param.ParamMap()).setSeed(10).fit(train);
    assertNotEquals(a.weights(), other.weights());
  }
}
