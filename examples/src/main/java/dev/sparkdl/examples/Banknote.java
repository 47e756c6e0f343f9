package dev.sparkdl.examples;

import dev.sparkdl.ml.NeuralNetClassifier;
import dev.sparkdl.spec.Dense;
import dev.sparkdl.spec.Sequential;
import java.io.File;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The course's banknote task: forged or genuine from four wavelet statistics. */
@Command(name = "banknote", mixinStandardHelpOptions = true,
    description = "Binary classifier on the UCI banknote authentication CSV, held-out accuracy.")
final class Banknote implements Callable<Integer> {
  @Option(names = "--data", required = true,
      description = "banknote CSV with header variance,skewness,curtosis,entropy,class (UCI data"
          + " set 267; ../shared/data/uci-banknote-authentication/banknote_authentication.csv)")
  File data;

  @Option(names = "--epochs", description = "epochs (default: ${DEFAULT-VALUE})")
  int epochs = 30;

  @Mixin SparkOptions spark;

  @Override
  public Integer call() {
    if (!data.isFile()) {
      System.err.println("No file " + data + ": pass the banknote CSV with --data FILE.");
      return 2;
    }
    SparkSession session = Support.spark(spark.master, "spark-dl banknote");
    try {
      Dataset<Row> raw = session.read().option("header", "true").option("inferSchema", "true")
          .csv(data.getPath()).withColumn("label", functions.col("class").cast("double"));
      Dataset<Row>[] split = raw.randomSplit(new double[] {0.8, 0.2}, 2024);
      Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {
        new VectorAssembler().setInputCols(new String[] {"variance", "skewness", "curtosis", "entropy"})
            .setOutputCol("raw"),
        new StandardScaler().setInputCol("raw").setOutputCol("features").setWithMean(true),
        new NeuralNetClassifier()
            .setLayers(Sequential.of(Dense.units(16).activation("relu"), Dense.units(8).activation("relu"),
                Dense.units(1).activation("sigmoid")))
            .setLoss("binary_crossentropy").setOptimizer("adam").setLearningRate(0.01)
            .setMetrics("accuracy").setEpochs(epochs).setBatchSize(32).setNumWorkers(spark.workers)
            .setSeed(5)
      });
      long t0 = System.nanoTime();
      PipelineModel model = pipeline.fit(split[0]);
      double seconds = (System.nanoTime() - t0) / 1e9;
      double accuracy = Support.accuracy(model.transform(split[1]));
      System.out.printf("Held-out accuracy %.4f on %d rows%n", accuracy, split[1].count());
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("test_accuracy", Support.round(accuracy, 4));
      result.put("epochs", epochs);
      result.put("train_seconds", Support.round(seconds, 1));
      result.put("workers", spark.workers);
      Support.result(result);
      return 0;
    } finally {
      session.stop();
    }
  }
}
