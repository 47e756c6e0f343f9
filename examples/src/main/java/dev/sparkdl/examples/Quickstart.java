package dev.sparkdl.examples;

import dev.sparkdl.data.Datasets;
import dev.sparkdl.ml.NeuralNetClassificationModel;
import dev.sparkdl.ml.NeuralNetClassifier;
import dev.sparkdl.spec.Activation;
import dev.sparkdl.spec.BatchNormalization;
import dev.sparkdl.spec.Dense;
import dev.sparkdl.spec.Dropout;
import dev.sparkdl.spec.Sequential;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The main job of the README, with nothing to download: the course's MLP shape on the bundled
 * 8×8 digits (a small MNIST), trained on Spark partitions in a Pipeline and scored.
 */
@Command(name = "quickstart", mixinStandardHelpOptions = true,
    description = "Train and score a Keras-style MLP on the bundled 8x8 digits (no download).")
final class Quickstart implements Callable<Integer> {
  @Option(names = "--epochs", description = "epochs (default: ${DEFAULT-VALUE})")
  int epochs = 20;

  @Mixin SparkOptions spark;

  @Override
  public Integer call() {
    SparkSession session = Support.spark(spark.master, "spark-dl quickstart");
    try {
      Dataset<Row>[] split = Datasets.digits(session).randomSplit(new double[] {0.8, 0.2}, 42);
      Dataset<Row> train = split[0].cache();
      Dataset<Row> test = split[1].cache();
      System.out.printf("Digits 8x8: %d training rows, %d test rows%n", train.count(), test.count());

      // Define (Keras words), compile (loss, optimizer, metrics), fit on Spark partitions.
      Sequential net = Sequential.of(
          Dense.units(128), BatchNormalization.defaults(), Dropout.rate(0.3), Activation.of("relu"),
          Dense.units(32), BatchNormalization.defaults(), Dropout.rate(0.3), Activation.of("relu"),
          Dense.units(10).activation("softmax"));
      NeuralNetClassifier classifier = new NeuralNetClassifier()
          .setFeaturesCol("scaled")
          .setLayers(net)
          .setLoss("categorical_crossentropy")
          .setOptimizer("adam").setLearningRate(0.003)
          .setMetrics("accuracy")
          .setEpochs(epochs).setBatchSize(32)
          .setNumWorkers(spark.workers)
          .setValidationSplit(0.1)
          .setSeed(7);
      Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {
        new StandardScaler().setInputCol("features").setOutputCol("scaled").setWithMean(true),
        classifier
      });
      long t0 = System.nanoTime();
      PipelineModel fitted = pipeline.fit(train);
      double seconds = (System.nanoTime() - t0) / 1e9;

      Dataset<Row> scored = fitted.transform(test);
      double accuracy = Support.accuracy(scored);
      System.out.println("First test rows (label -> prediction):");
      scored.select("label", "prediction").show(5);
      NeuralNetClassificationModel model = (NeuralNetClassificationModel) fitted.stages()[1];
      System.out.printf("Test accuracy %.4f after %d epochs (%.1f s of training, %d workers)%n",
          accuracy, epochs, seconds, spark.workers);

      Map<String, Object> result = new LinkedHashMap<>();
      result.put("test_accuracy", Support.round(accuracy, 4));
      result.put("epochs", model.history().size());
      result.put("train_seconds", Support.round(seconds, 1));
      result.put("workers", spark.workers);
      result.put("final_loss", Support.round(model.history().last("loss"), 4));
      Support.result(result);
      return 0;
    } finally {
      session.stop();
    }
  }
}
