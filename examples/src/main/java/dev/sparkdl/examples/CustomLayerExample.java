package dev.sparkdl.examples;

import dev.sparkdl.data.Datasets;
import dev.sparkdl.examples.custom.Scale;
import dev.sparkdl.ml.NeuralNetClassificationModel;
import dev.sparkdl.ml.NeuralNetClassifier;
import dev.sparkdl.spec.Dense;
import dev.sparkdl.spec.Sequential;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Trains, saves and reloads a network with the custom {@link Scale} layer. */
@Command(name = "custom-layer", mixinStandardHelpOptions = true,
    description = "A network with a custom layer (Scale), trained, saved and loaded.")
final class CustomLayerExample implements Callable<Integer> {
  @Mixin SparkOptions spark;

  @Override
  public Integer call() throws Exception {
    SparkSession session = Support.spark(spark.master, "spark-dl custom layer");
    try {
      Dataset<Row>[] split = Datasets.iris(session).randomSplit(new double[] {0.7, 0.3}, 1);
      Sequential net = Sequential.of(new Scale(1.0), Dense.units(16).activation("relu"),
          Dense.units(3).activation("softmax"));
      System.out.println("The network as JSON: " + net.toJson());
      NeuralNetClassificationModel model = new NeuralNetClassifier().setLayers(net)
          .setOptimizer("adam").setLearningRate(0.02).setEpochs(60).setBatchSize(16)
          .setNumWorkers(spark.workers).setVerbose(0).fit(split[0]);
      Path dir = Files.createTempDirectory("spark-dl-custom");
      model.write().save(dir.resolve("model").toString());
      NeuralNetClassificationModel loaded =
          NeuralNetClassificationModel.load(dir.resolve("model").toString());
      double acc = Support.accuracy(loaded.transform(split[1]));
      System.out.println(loaded.network().summary());
      System.out.printf("Learned per-feature scales: %s%n",
          java.util.Arrays.toString(loaded.kerasWeights().get(0).values()));
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("test_accuracy", Support.round(acc, 4));
      r.put("custom_layer", "Scale");
      Support.result(r);
      return 0;
    } finally {
      session.stop();
    }
  }
}
