package dev.sparkdl.ml;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkdl.data.Datasets;
import dev.sparkdl.spec.Dense;
import dev.sparkdl.spec.GaussianNoise;
import dev.sparkdl.spec.LayerNormalization;
import dev.sparkdl.spec.PReLU;
import dev.sparkdl.spec.Sequential;
import dev.sparkdl.testing.TestSpark;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** LayerNormalization and PReLU learn in a network trained by the Spark estimator. */
class ToolboxLayersLearningTest {
  private final SparkSession spark = TestSpark.session();

  @Test
  void layerNormalizationAndPreluLearnIris() {
    Dataset<Row>[] split = ClassifierLearningTest.scaledSplit(Datasets.iris(spark), 0.3, 7);
    NeuralNetClassificationModel model = new NeuralNetClassifier()
        .setLayers(Sequential.of(GaussianNoise.stddev(0.05), Dense.units(16),
            LayerNormalization.defaults(), PReLU.defaults(), Dense.units(3).activation("softmax")))
        .setOptimizer("adam").setLearningRate(0.03)
        .setEpochs(20).setBatchSize(16).setNumWorkers(2).setSeed(3).setVerbose(0)
        .setAveragingFrequency(4) // one averaging round per epoch: few Spark jobs, a fast test
        .fit(split[0]);
    double acc = ClassifierLearningTest.accuracy(model.transform(split[1]));
    assertTrue(acc >= 0.9, "iris held-out accuracy " + acc);
    System.out.println("LN+PReLU iris held-out accuracy " + acc);
    double[] loss = model.history().get("loss");
    assertTrue(loss[loss.length - 1] < loss[0] / 3, "loss " + loss[0] + " -> "
        + loss[loss.length - 1]);
  }
}
