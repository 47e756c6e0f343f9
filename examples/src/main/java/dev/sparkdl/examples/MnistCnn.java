package dev.sparkdl.examples;

import dev.sparkdl.data.Mnist;
import dev.sparkdl.ml.NeuralNetClassificationModel;
import dev.sparkdl.ml.NeuralNetClassifier;
import dev.sparkdl.spec.Conv2D;
import dev.sparkdl.spec.Dense;
import dev.sparkdl.spec.Dropout;
import dev.sparkdl.spec.Flatten;
import dev.sparkdl.spec.Pooling;
import dev.sparkdl.spec.Sequential;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Keras' simple MNIST convnet on Spark: Conv2D 32 → MaxPooling → Conv2D 64 → MaxPooling →
 * Flatten → Dropout 0.5 → Dense 10 softmax, the 784-pixel vectors read as 28×28×1 images.
 */
@Command(name = "mnist-cnn", mixinStandardHelpOptions = true,
    description = "Keras' MNIST convnet trained on Spark partitions.")
final class MnistCnn implements Callable<Integer> {
  @Option(names = "--data", required = true, description = "folder with the MNIST IDX files")
  String data;

  @Option(names = "--epochs", description = "epochs (default: ${DEFAULT-VALUE})")
  int epochs = 15;

  @Option(names = "--batch-size", description = "minibatch size (default: ${DEFAULT-VALUE})")
  int batchSize = 128;

  @Option(names = "--averaging-frequency",
      description = "minibatches between averagings, 0 = chosen from the data (default: ${DEFAULT-VALUE})")
  int averagingFrequency = 0;

  @Mixin SparkOptions spark;

  /** Keras' MNIST convnet example (34,826 parameters). */
  static Sequential convnet() {
    return Sequential.of(
        Conv2D.filters(32).kernelSize(3, 3).activation("relu"),
        Pooling.max2D(2, 2),
        Conv2D.filters(64).kernelSize(3, 3).activation("relu"),
        Pooling.max2D(2, 2),
        Flatten.of(),
        Dropout.rate(0.5),
        Dense.units(10).activation("softmax")).inputShape(28, 28, 1);
  }

  @Override
  public Integer call() {
    SparkSession session = Support.spark(spark.master, "spark-dl mnist-cnn");
    try {
      Dataset<Row> train = Mnist.train(session, data, spark.workers);
      Dataset<Row> test = Mnist.test(session, data, spark.workers);
      Sequential convnet = convnet();
      System.out.print(convnet.summary());
      NeuralNetClassificationModel model = new NeuralNetClassifier()
          .setLayers(convnet).setLoss("categorical_crossentropy").setOptimizer("adam")
          .setMetrics("accuracy").setEpochs(epochs).setBatchSize(batchSize)
          .setAveragingFrequency(averagingFrequency)
          .setNumWorkers(spark.workers).setSeed(1).fit(train);
      double accuracy = Support.accuracy(model.transform(test));
      System.out.printf("Test accuracy %.4f after %d epochs, %.1f s of training on %d workers%n",
          accuracy, epochs, model.state().trainSeconds(), spark.workers);
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("test_accuracy", Support.round(accuracy, 4));
      r.put("epochs", model.history().size());
      r.put("train_seconds", Support.round(model.state().trainSeconds(), 1));
      r.put("workers", spark.workers);
      r.put("parameters", convnet.paramCount());
      Support.result(r);
      return 0;
    } finally {
      session.stop();
    }
  }
}
