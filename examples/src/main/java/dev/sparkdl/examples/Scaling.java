package dev.sparkdl.examples;

import dev.sparkdl.data.Mnist;
import dev.sparkdl.distributed.Averaging;
import dev.sparkdl.distributed.DistributedTrainer;
import dev.sparkdl.distributed.RoundStats;
import dev.sparkdl.distributed.TaskTiming;
import dev.sparkdl.ml.NeuralNetClassificationModel;
import dev.sparkdl.ml.NeuralNetClassifier;
import dev.sparkdl.spec.Activation;
import dev.sparkdl.spec.BatchNormalization;
import dev.sparkdl.spec.Dense;
import dev.sparkdl.spec.Dropout;
import dev.sparkdl.spec.Optimizer;
import dev.sparkdl.spec.Sequential;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Learning per epoch against the number of workers: the same network, data and seed trained
 * with 1, 2, 4 ... workers (partitions) on {@code local[2]}, the test set scored after every
 * epoch. More partitions than cores is fine: this measures learning, not speed; the wall time
 * on a cluster is estimated from the measured step time and round overhead.
 */
@Command(name = "scaling", mixinStandardHelpOptions = true,
    description = "Test accuracy by epoch for each worker count (mlp, cnn: MNIST; tabular: small"
        + " real data sets); one JSON line per (task, workers, epoch); writes docs/scaling.md.")
final class Scaling implements Callable<Integer> {
  @Option(names = "--data", required = true,
      description = "the shared data folder (../shared/data: mnist/, uci-banknote-authentication/,"
          + " sklearn-*/)")
  Path data;

  @Option(names = "--task", split = ",",
      description = "tasks: mlp, cnn, tabular (default: ${DEFAULT-VALUE})")
  List<String> tasks = List.of("mlp", "cnn", "tabular");

  @Option(names = "--workers", split = ",",
      description = "worker counts (default: ${DEFAULT-VALUE})")
  List<Integer> workers = List.of(1, 2, 4, 8, 16, 32);

  @Option(names = "--epochs", description = "epochs (default: mlp 10, cnn 5, tabular 60)")
  Integer epochs;

  @Option(names = "--strategies", split = ",",
      description = "averaging strategies to run: default (the library's defaults), plain (the"
          + " plain average once per epoch, as before), custom (the --outer-* flags)"
          + " (default: ${DEFAULT-VALUE})")
  List<String> strategies = List.of("default", "plain");

  @Option(names = "--sets", split = ",", description = "tabular data sets (default: all)")
  List<String> sets = TabularSets.NAMES;

  @Option(names = "--train-rows", description = "MNIST: train on a random sample of about this"
      + " many rows (0: all 60 000; default: ${DEFAULT-VALUE})")
  int trainRows = 0;

  @Option(names = "--master", description = "Spark master (default: ${DEFAULT-VALUE})")
  String master = "local[2]";

  @Option(names = "--report", description = "the report to write (default: docs/scaling.md)")
  Path report;

  @Option(names = "--no-report", description = "print the JSON lines only")
  boolean noReport;

  @Spec CommandSpec spec;

  @Option(names = "--frequency", description = "custom: minibatches between averagings (0: auto)")
  int frequency = 0;

  @Option(names = "--rounds", description = "custom: rounds per epoch (sets the frequency)")
  int rounds = 0;

  long approxRows;

  @Option(names = "--outer-momentum", description = "custom: outer momentum (-1: auto)")
  double outerMomentum = -1;

  @Option(names = "--bn", description = "custom: recompute or average")
  String bn = "recompute";

  @Option(names = "--lr-scale", description = "custom: auto, none, sqrt, linear (inner learning rate × f(N))")
  String lrScale = "auto";

  @Option(names = "--optimizer", description = "MNIST tasks: the optimizer as Keras JSON or a"
      + " name (default: mlp Adadelta 1.0, cnn Adam)")
  String optimizer;

  @Option(names = "--warmup", description = "custom: warm-up epochs of the inner learning rate (-1: auto)")
  double warmup = -1;

  /** One fit's outcome. */
  record Fit(String task, String dataset, String strategy, String workersLabel, int partitions,
      List<TestSetMonitor.Epoch> epochs, double target, double perSampleSeconds,
      double roundOverheadSeconds, int roundsPerEpoch, double extraEpochSeconds,
      long trainRows, int batchSize) {
    double finalAccuracy() {
      return epochs.get(epochs.size() - 1).accuracy();
    }

    /** @return the first epoch whose test accuracy reaches the target, or -1 */
    int epochsToTarget() {
      for (TestSetMonitor.Epoch e : epochs) {
        if (e.accuracy() >= target) {
          return e.epoch();
        }
      }
      return -1;
    }

    /** @return the machine-readable summary of this fit */
    Map<String, Object> summary() {
      Map<String, Object> line = new LinkedHashMap<>();
      line.put("summary", true);
      line.put("task", task);
      line.put("dataset", dataset);
      line.put("strategy", strategy);
      line.put("workers", workersLabel);
      line.put("partitions", partitions);
      line.put("epochs", epochs.size());
      line.put("final_accuracy", Support.round(finalAccuracy(), 4));
      line.put("final_loss", Support.round(epochs.get(epochs.size() - 1).loss(), 4));
      line.put("target", target);
      line.put("epochs_to_target", epochsToTarget());
      line.put("rounds_per_epoch", roundsPerEpoch);
      line.put("sample_ms", Support.round(perSampleSeconds * 1e3, 4));
      line.put("round_overhead_ms", Support.round(roundOverheadSeconds * 1e3, 1));
      line.put("extra_epoch_ms", Support.round(extraEpochSeconds * 1e3, 1));
      line.put("cluster_epoch_seconds", Support.round(clusterEpochSeconds(), 2));
      return line;
    }

    /**
     * Estimated epoch wall time on a cluster with one core per worker: each worker's share of
     * the rows at the measured one-thread time per sample, plus the measured overhead of each
     * round, plus the epoch's other passes (BatchNormalization statistics) spread over the
     * workers.
     */
    double clusterEpochSeconds() {
      int n = partitions;
      return (double) trainRows / n * perSampleSeconds + roundsPerEpoch * roundOverheadSeconds
          + extraEpochSeconds * Math.min(2, n) / n;
    }
  }

  @Override
  public Integer call() {
    long t0 = System.nanoTime();
    SparkSession session = Support.spark(master, "spark-dl scaling");
    // one PyTorch thread per task, whatever the worker count: the step time is a one-core time
    session.sparkContext().setLocalProperty(DistributedTrainer.THREADS_KEY, "1");
    List<Fit> fits = new ArrayList<>();
    try {
      for (String task : tasks) {
        switch (task) {
          case "mlp", "cnn" -> mnist(session, task, fits);
          case "tabular" -> tabular(session, fits);
          default -> throw new IllegalArgumentException(
              "Unknown task " + task + "; use mlp, cnn or tabular.");
        }
      }
    } finally {
      session.stop();
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    if (!noReport) {
      Path out = report != null ? report : root().resolve("docs/scaling.md");
      List<String> args = new ArrayList<>(spec.commandLine().getParseResult().originalArgs());
      if (!args.isEmpty() && "scaling".equals(args.get(0))) {
        args.remove(0);
      }
      String command = "examples/run scaling " + String.join(" ", args);
      try {
        ScalingReport.write(out, fits, command, seconds);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      System.out.println("Wrote " + out);
    }
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("fits", fits.size());
    result.put("seconds", Support.round(seconds, 1));
    Support.result(result);
    return 0;
  }

  private void mnist(SparkSession session, String task, List<Fit> fits) {
    String dir = data.resolve("mnist").toFile().isDirectory() ? data.resolve("mnist").toString()
        : data.toString();
    List<Row> test = Mnist.test(session, dir, 2).collectAsList();
    float[] testX = new float[test.size() * 784];
    int[] testY = new int[test.size()];
    for (int i = 0; i < test.size(); i++) {
      double[] v = ((Vector) test.get(i).get(0)).toArray();
      for (int j = 0; j < 784; j++) {
        testX[i * 784 + j] = (float) v[j];
      }
      testY[i] = (int) test.get(i).getDouble(1);
    }
    boolean mlp = "mlp".equals(task);
    int e = epochs != null ? epochs : mlp ? 10 : 5;
    Sequential spec = mlp ? MnistExample.courseMlp() : MnistCnn.convnet();
    for (String strategy : strategies) {
      for (int w : workers) {
        Dataset<Row> train = Mnist.train(session, dir, w);
        approxRows = trainRows > 0 ? trainRows : 60000;
        if (trainRows > 0) {
          train = train.sample(false, Math.min(1.0, trainRows / 60000.0), 7);
        }
        NeuralNetClassifier clf = new NeuralNetClassifier()
            .setLayers(spec).setLoss("categorical_crossentropy")
            .setOptimizer(optimizer != null ? Optimizer.fromJson(optimizer)
                : mlp ? new Optimizer.Adadelta(1.0, 0.95, 1e-7) : Optimizer.fromJson("adam"))
            .setMetrics("accuracy").setEpochs(e).setBatchSize(128).setNumWorkers(w).setSeed(1);
        fits.add(fit(task, "mnist", strategy, String.valueOf(w), clf, train, spec, testX, testY,
            mlp ? 0.975 : 0.985, 128));
      }
    }
  }

  private void tabular(SparkSession session, List<Fit> fits) {
    int e = epochs != null ? epochs : 60;
    StructType schema = new StructType(new StructField[] {
      new StructField("features", SQLDataTypes.VectorType(), false, Metadata.empty()),
      new StructField("label", DataTypes.DoubleType, false, Metadata.empty())
    });
    for (String name : sets) {
      TabularSets.Split s = TabularSets.load(data, name, 1);
      List<Row> rows = new ArrayList<>();
      for (int i = 0; i < s.trainX().length; i++) {
        rows.add(RowFactory.create(Vectors.dense(s.trainX()[i]), (double) s.trainY()[i]));
      }
      Dataset<Row> train = session.createDataFrame(rows, schema);
      approxRows = rows.size();
      float[] testX = new float[s.testX().length * s.features()];
      for (int i = 0; i < s.testX().length; i++) {
        for (int j = 0; j < s.features(); j++) {
          testX[i * s.features() + j] = (float) s.testX()[i][j];
        }
      }
      Sequential spec = Sequential.of(
          BatchNormalization.defaults(),
          Dense.units(32).activation("relu"),
          Dropout.rate(0.2),
          Dense.units(s.classes()).activation("softmax")).inputShape(s.features());
      List<String> labels = new ArrayList<>();
      workers.forEach(w -> labels.add(String.valueOf(w)));
      labels.add("auto");
      labels.add("auto8");
      for (String strategy : strategies) {
        for (String label : labels) {
          Dataset<Row> df = switch (label) {
            case "auto" -> train;
            case "auto8" -> train.repartition(8);
            default -> train;
          };
          int numWorkers = label.startsWith("auto") ? 0 : Integer.parseInt(label);
          NeuralNetClassifier clf = new NeuralNetClassifier()
              .setLayers(spec).setLoss("sparse_categorical_crossentropy").setOptimizer("adam")
              .setMetrics("accuracy").setEpochs(e).setBatchSize(16).setNumWorkers(numWorkers)
              .setSeed(1);
          fits.add(fit("tabular", name, strategy, label, clf, df, spec, testX, s.testY(), 1.0,
              16));
        }
      }
    }
  }

  private Fit fit(String task, String dataset, String strategy, String workersLabel,
      NeuralNetClassifier clf, Dataset<Row> train, Sequential spec, float[] testX, int[] testY,
      double target, int batchSize) {
    clf.setVerbose(0);
    switch (strategy) {
      case "plain" -> clf.setAveraging(Averaging.plain());
      case "custom" -> {
        int n = workersLabel.startsWith("auto") ? 2 : Integer.parseInt(workersLabel);
        int k = frequency;
        if (rounds > 0) {
          long rowsPerWorker = (long) Math.ceil(approxRows / (double) n);
          long steps = (rowsPerWorker + batchSize - 1) / batchSize;
          k = (int) Math.max(1, (steps + rounds - 1) / rounds);
        }
        double beta = outerMomentum == -2 ? Math.min(0.9, 1 - 1.0 / n)
            : outerMomentum == -3 ? 1 - 1 / Math.sqrt(n) : outerMomentum;
        clf.setAveragingFrequency(k).setOuterMomentum(beta).setLearningRateScaling(lrScale)
            .setWarmupEpochs(warmup).setBatchNormStatistics(bn);
      }
      case "default" -> { }
      default -> throw new IllegalArgumentException(
          "Unknown strategy " + strategy + "; use default, plain or custom.");
    }
    TestSetMonitor monitor = new TestSetMonitor(spec, testX, testY, ep -> {
      Map<String, Object> line = new LinkedHashMap<>();
      line.put("task", task);
      line.put("dataset", dataset);
      line.put("strategy", strategy);
      line.put("workers", workersLabel);
      line.put("epoch", ep.epoch());
      line.put("test_accuracy", Support.round(ep.accuracy(), 4));
      line.put("test_loss", Support.round(ep.loss(), 4));
      line.put("train_loss", Support.round(ep.trainLoss(), 4));
      line.put("epoch_seconds", Support.round(ep.seconds(), 2));
      Support.json(line);
    });
    clf.setCallbacks(monitor);
    NeuralNetClassificationModel model = clf.fit(train);
    List<RoundStats> rounds = model.state().rounds();
    double trainSum = 0;
    long samples = 0;
    double overhead = 0;
    int partitions = 0;
    Map<Integer, Double> roundTimeByEpoch = new LinkedHashMap<>();
    Map<Integer, Integer> roundsByEpoch = new LinkedHashMap<>();
    for (RoundStats r : rounds) {
      partitions = Math.max(partitions, r.tasks().size());
      long first = Long.MAX_VALUE;
      long end = Long.MIN_VALUE;
      double setupExport = 0;
      for (TaskTiming t : r.tasks()) {
        trainSum += t.trainSeconds();
        first = Math.min(first, t.startMillis());
        end = Math.max(end, t.endMillis());
        setupExport = Math.max(setupExport, t.setupSeconds() + t.exportSeconds());
      }
      samples += r.samples();
      double makespan = (end - first) / 1e3;
      overhead += r.broadcastSeconds() + r.averageSeconds()
          + Math.max(0, r.roundSeconds() - makespan) + setupExport;
      roundTimeByEpoch.merge(r.epoch(),
          r.broadcastSeconds() + r.roundSeconds() + r.averageSeconds(), Double::sum);
      roundsByEpoch.merge(r.epoch(), 1, Integer::sum);
    }
    double extra = 0;
    for (TestSetMonitor.Epoch ep : monitor.epochs()) {
      extra += Math.max(0, ep.seconds() - roundTimeByEpoch.getOrDefault(ep.epoch(), 0.0));
    }
    extra /= Math.max(1, monitor.epochs().size());
    int roundsPerEpoch = roundsByEpoch.values().stream().mapToInt(Integer::intValue).max().orElse(1);
    Fit f = new Fit(task, dataset, strategy, workersLabel, partitions,
        List.copyOf(monitor.epochs()), target, trainSum / Math.max(1, samples),
        overhead / Math.max(1, rounds.size()), roundsPerEpoch, extra,
        model.state().trainRows(), batchSize);
    Support.json(f.summary());
    return f;
  }

  static Path root() {
    return Paths.get(System.getProperty("sparkdl.root", "."));
  }
}
