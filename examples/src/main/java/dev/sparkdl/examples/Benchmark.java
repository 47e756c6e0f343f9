package dev.sparkdl.examples;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparkdl.data.IdxReader;
import dev.sparkdl.data.Mnist;
import dev.sparkdl.distributed.DistributedTrainer;
import dev.sparkdl.distributed.RoundStats;
import dev.sparkdl.ml.NeuralNetClassificationModel;
import dev.sparkdl.ml.NeuralNetClassifier;
import dev.sparkdl.spec.Sequential;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.ml.classification.MultilayerPerceptronClassificationModel;
import org.apache.spark.ml.classification.MultilayerPerceptronClassifier;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Side-by-side speed and accuracy on MNIST, in one run: spark-dl with 1 and 2 workers, plain DJL
 * (the ceiling), and Spark MLlib's MultilayerPerceptronClassifier (what a Spark user has today).
 * Prints one JSON object per line and writes docs/benchmarks.md.
 */
@Command(name = "benchmark", mixinStandardHelpOptions = true,
    description = "spark-dl vs plain DJL vs Spark MLlib MLPC on MNIST; writes docs/benchmarks.md.")
final class Benchmark implements Callable<Integer> {
  static final String THREADS = DistributedTrainer.THREADS_KEY;
  static final ObjectMapper JSON = new ObjectMapper();

  @Option(names = "--data", required = true, description = "folder with the MNIST IDX files")
  String data;

  @Option(names = "--quick", description = "fewer epochs and MLPC iterations (about 3 minutes)")
  boolean quick;

  @Option(names = "--epochs", description = "epochs per DJL system (default: 6, quick: 2)")
  Integer epochs;

  @Option(names = "--mlpc-iterations", description = "MLPC L-BFGS iterations (default: 40, quick: 4)")
  Integer mlpcIterations;

  @Option(names = "--repeats", description = "runs per DJL system, the fastest is reported (default: 2, quick: 1)")
  Integer repeats;

  @Option(names = "--cnn-epochs", description = "epochs of the convnet task (default: 3, quick: 1)")
  Integer cnnEpochs;

  @Option(names = "--output", description = "the report to write (default: docs/benchmarks.md of the project)")
  Path output;

  @Option(names = "--no-report", description = "print the JSON lines only")
  boolean noReport;

  @Option(names = "--score-rows",
      description = "rows of the larger scoring measurement, a multiple of the 10 000 test rows (default: ${DEFAULT-VALUE})")
  int scoreRows = ScoringBenchmark.BIG_ROWS;

  @Option(names = "--only", split = ",",
      description = "run only these systems (spark-dl, djl, mlpc) or the scoring task (score); implies --no-report")
  List<String> only;

  private final List<Map<String, Object>> lines = new ArrayList<>();
  private final List<Map<String, Object>> rounds = new ArrayList<>();
  private float[][] test;
  /** The test images in batches of 1024, sliced once so raw inference times nothing but itself. */
  private List<float[]> testBatches;
  private int runs = 1;

  @Override
  public Integer call() throws Exception {
    int e = epochs != null ? epochs : quick ? 2 : 6;
    int iterations = mlpcIterations != null ? mlpcIterations : quick ? 4 : 40;
    runs = repeats != null ? repeats : quick ? 1 : 2;
    long start = System.currentTimeMillis();
    float[][] train = arrays("train");
    test = arrays("t10k");
    testBatches = new ArrayList<>();
    for (int from = 0; from < test[1].length; from += 1024) {
      int b = Math.min(1024, test[1].length - from);
      testBatches.add(java.util.Arrays.copyOfRange(test[0], from * 784, (from + b) * 784));
    }
    SparkSession spark = Support.spark("local[2]", "spark-dl benchmark");
    try {
      Dataset<Row> trainDf = Mnist.train(spark, data, 2).cache();
      Dataset<Row> testDf = Mnist.test(spark, data, 2).cache();
      progress("caching MNIST as DataFrames: " + trainDf.count() + " + " + testDf.count() + " rows");

      if (only != null) {
        if (only.contains("spark-dl")) {
          warmUp(spark, trainDf, train);
          sparkDl(spark, trainDf, testDf, 1, 1, e);
          sparkDl(spark, trainDf, testDf, 2, 1, e);
        }
        if (only.contains("djl")) {
          plainDjl(train, e);
        }
        if (only.contains("mlpc")) {
          mlpc(trainDf, testDf, iterations);
        }
        if (only.contains("score")) {
          // the scoring task alone: speed does not depend on how well the models are trained
          NeuralNetClassificationModel model = new NeuralNetClassifier().setLayers(MnistExample.courseMlp())
              .setOptimizer("adam").setEpochs(1).setBatchSize(128).setNumWorkers(2).setVerbose(0)
              .fit(trainDf);
          MultilayerPerceptronClassificationModel m = new MultilayerPerceptronClassifier()
              .setLayers(new int[] {784, 500, 50, 10}).setMaxIter(1).setSeed(1).fit(trainDf);
          scoring().score(testDf, model, m);
          Map<String, Object> t = line("targets", "spark-dl");
          BenchmarkTargets.addScoring(lines, test[1].length, t);
          emit(t);
        }
        return 0;
      }
      warmUp(spark, trainDf, train);
      sparkDl(spark, trainDf, testDf, 1, 1, e);
      sparkDl(spark, trainDf, testDf, 1, 2, e);
      NeuralNetClassificationModel two = sparkDl(spark, trainDf, testDf, 2, 1, e);
      plainDjl(train, e);
      MultilayerPerceptronClassificationModel mlpc = mlpc(trainDf, testDf, iterations);
      scoring().score(testDf, two, mlpc);
      int ce = cnnEpochs != null ? cnnEpochs : quick ? 1 : 3;
      cnn(spark, trainDf, train, ce);
      Map<String, Object> targets = BenchmarkTargets.of(lines, rounds, test[1].length);
      emit(targets);
      if (!noReport) {
        Path out = output != null ? output
            : Paths.get(System.getProperty("sparkdl.root", "."), "docs", "benchmarks.md");
        BenchmarkReport.write(out, lines, rounds, targets, e, iterations, quick,
            (System.currentTimeMillis() - start) / 1000.0, blas());
        progress("wrote " + out);
      }
      return 0;
    } finally {
      spark.stop();
    }
  }

  /** Runs a spark-dl configuration {@code runs} times and reports the fastest run. */
  private NeuralNetClassificationModel sparkDl(SparkSession spark, Dataset<Row> train,
      Dataset<Row> testDf, int workers, int threads, int e) {
    Run best = null;
    for (int r = 0; r < runs; r++) {
      Run run = sparkDlOnce(spark, train, testDf, workers, threads, e);
      if (best == null || (Double) run.line().get("train_seconds")
          < (Double) best.line().get("train_seconds")) {
        best = run;
      }
    }
    best.line().put("runs", runs);
    emit(best.line());
    rounds.add(best.rounds());
    emit(best.rounds());
    return best.model();
  }

  /** One spark-dl fit: the model, its result line and its per-round statistics line. */
  private record Run(NeuralNetClassificationModel model, Map<String, Object> line,
      Map<String, Object> rounds) {}

  /** Fits with {@code threads} PyTorch threads per task (Spark's local property), then resets it. */
  private static NeuralNetClassificationModel fitWithThreads(SparkSession spark, int threads,
      NeuralNetClassifier classifier, Dataset<Row> train) {
    spark.sparkContext().setLocalProperty(THREADS, String.valueOf(threads));
    try {
      return classifier.fit(train);
    } finally {
      spark.sparkContext().setLocalProperty(THREADS, null);
    }
  }

  private Run sparkDlOnce(SparkSession spark, Dataset<Row> train,
      Dataset<Row> testDf, int workers, int threads, int e) {
    progress("spark-dl, " + workers + " worker(s) x " + threads + " thread(s), " + e + " epochs");
    Sequential mlp = MnistExample.courseMlp();
    EpochProbe probe = new EpochProbe(mlp, test);
    resetPeaks();
    long t0 = System.nanoTime();
    NeuralNetClassificationModel model = fitWithThreads(spark, threads, new NeuralNetClassifier()
        .setLayers(mlp).setLoss("categorical_crossentropy").setOptimizer("adam")
        .setEpochs(e).setBatchSize(128).setNumWorkers(workers).setSeed(1).setVerbose(0)
        .setCallbacks(probe), train);
    double fitSeconds = (System.nanoTime() - t0) / 1e9 - probe.evalSeconds;
    double peak = peakMb();
    // scored with the library's own thread rule, like the score task
    double scoreRate = ScoringBenchmark.sparkScore(model, testDf, test[1].length);
    Map<String, Object> l = mlpLine("spark-dl", workers, threads, e, probe.trainSeconds(),
        probe.accuracies(), probe.secondsTo97(), scoreRate, peak);
    l.put("fit_seconds", round(fitSeconds));
    l.put("conversion_seconds", round(model.state().conversionSeconds()));
    Map<String, Object> r = roundLine(model.state().rounds(), workers, threads,
        model.state().conversionSeconds());
    return new Run(model, l, r);
  }

  /**
   * Discarded runs of every DJL system, so that class loading, the JIT and the native allocator
   * have settled before anything is measured (the first few hundred steps of a JVM run up to
   * twice as slow).
   */
  private void warmUp(SparkSession spark, Dataset<Row> trainDf, float[][] train) {
    progress("warm-up (not measured)");
    new NeuralNetClassifier().setLayers(MnistExample.courseMlp()).setOptimizer("adam").setEpochs(1)
        .setBatchSize(128).setNumWorkers(2).setVerbose(0).fit(trainDf);
    fitWithThreads(spark, 1, new NeuralNetClassifier().setLayers(MnistExample.courseMlp())
        .setOptimizer("adam").setEpochs(1).setBatchSize(128).setNumWorkers(1).setVerbose(0),
        trainDf.limit(20000));
    int n = 20000;
    PlainDjl.train(java.util.Arrays.copyOf(train[0], n * 784), java.util.Arrays.copyOf(train[1], n),
        n, test[0], test[1], 1000, 1, 128, 2);
  }

  private void plainDjl(float[][] train, int e) {
    progress("plain DJL, one process, 2 threads, " + e + " epochs");
    resetPeaks();
    List<PlainDjl.Epoch> run = null;
    for (int r = 0; r < runs; r++) {
      List<PlainDjl.Epoch> once = PlainDjl.train(train[0], train[1], train[1].length, test[0],
          test[1], test[1].length, e, 128, 2);
      if (run == null || last(once) < last(run)) {
        run = once;
      }
    }
    double peak = peakMb();
    Map<String, Object> l = djlLine(run, e, scoring().rawScore(), peak);
    l.put("runs", runs);
    emit(l);
  }

  /** The result line of a plain-DJL run. */
  private Map<String, Object> djlLine(List<PlainDjl.Epoch> run, int e, double scoreRate,
      double peak) {
    List<Double> acc = new ArrayList<>();
    Double to97 = null;
    for (PlainDjl.Epoch ep : run) {
      acc.add(round(ep.testAccuracy()));
      if (to97 == null && ep.testAccuracy() >= 0.97) {
        to97 = round(ep.trainSeconds());
      }
    }
    return mlpLine("djl", 1, 2, e, last(run), acc, to97, scoreRate, peak);
  }

  private static double last(List<PlainDjl.Epoch> run) {
    return run.get(run.size() - 1).trainSeconds();
  }

  /** Keras' MNIST convnet: spark-dl with 2 workers against plain DJL with 2 threads. */
  private void cnn(SparkSession spark, Dataset<Row> trainDf, float[][] train, int e) {
    progress("cnn: spark-dl, 2 workers x 1 thread, " + e + " epochs");
    Sequential convnet = MnistCnn.convnet();
    EpochProbe probe = new EpochProbe(convnet, test);
    resetPeaks();
    fitWithThreads(spark, 1, new NeuralNetClassifier()
        .setLayers(convnet).setLoss("categorical_crossentropy").setOptimizer("adam")
        .setEpochs(e).setBatchSize(128).setNumWorkers(2).setSeed(1).setVerbose(0)
        .setCallbacks(probe), trainDf);
    double peak = peakMb();
    emit(cnnLine(mlpLine("spark-dl", 2, 1, e, probe.trainSeconds(), probe.accuracies(),
        probe.secondsTo97(), 0, peak)));
    progress("cnn: plain DJL, one process, 2 threads, " + e + " epochs");
    resetPeaks();
    List<PlainDjl.Epoch> run = PlainDjl.train(PlainDjl.convnet(), train[0], train[1],
        train[1].length, test[0], test[1], test[1].length, e, 128, 2);
    emit(cnnLine(djlLine(run, e, 0, peakMb())));
  }

  /** An mlp-shaped result line turned into the cnn task's (which has no scoring figure). */
  private static Map<String, Object> cnnLine(Map<String, Object> l) {
    l.put("task", "cnn");
    l.remove("score_rows_per_second");
    return l;
  }

  private MultilayerPerceptronClassificationModel mlpc(Dataset<Row> train, Dataset<Row> testDf,
      int iterations) {
    progress("Spark MLlib MLPC [784, 500, 50, 10], L-BFGS, " + iterations + " iterations, BLAS "
        + blas());
    resetPeaks();
    long t0 = System.nanoTime();
    MultilayerPerceptronClassificationModel model = new MultilayerPerceptronClassifier()
        .setLayers(new int[] {784, 500, 50, 10}).setBlockSize(128).setMaxIter(iterations)
        .setSeed(1).fit(train);
    double seconds = (System.nanoTime() - t0) / 1e9;
    double peak = peakMb();
    double acc = Support.accuracy(model.transform(testDf));
    double rate = ScoringBenchmark.noopRate(() -> model.transform(testDf), test[1].length);
    Map<String, Object> l = mlpLine("mlpc", 2, 1, 0, seconds, List.of(round(acc)),
        acc >= 0.97 ? round(seconds) : null, rate, peak);
    l.put("iterations", iterations);
    l.put("blas", blas());
    emit(l);
    return model;
  }

  private Map<String, Object> mlpLine(String system, int workers, int threads, int e,
      double trainSeconds, List<Double> accuracies, Double to97, double scoreRate, double peak) {
    Map<String, Object> l = line("mlp", system);
    l.put("workers", workers);
    l.put("threads_per_worker", threads);
    l.put("epochs", e);
    l.put("train_seconds", round(trainSeconds));
    l.put("samples_per_second", e == 0 ? null : Math.round(60000.0 * e / trainSeconds));
    l.put("test_accuracy", accuracies.get(accuracies.size() - 1));
    l.put("accuracy_by_epoch", accuracies);
    l.put("seconds_to_97", to97);
    l.put("score_rows_per_second", Math.round(scoreRate));
    l.put("driver_peak_mb", Math.round(peak));
    return l;
  }

  private static Map<String, Object> roundLine(List<RoundStats> stats, int workers, int threads,
      double conversion) {
    double round = 0;
    double broadcast = 0;
    double train = 0;
    double setup = 0;
    double aggregate = 0;
    double average = 0;
    for (RoundStats r : stats) {
      round += r.broadcastSeconds() + r.roundSeconds() + r.averageSeconds();
      broadcast += r.broadcastSeconds();
      train += r.maxTrainSeconds();
      setup += r.maxSetupSeconds();
      aggregate += r.aggregateSeconds();
      average += r.averageSeconds();
    }
    int n = Math.max(1, stats.size());
    Map<String, Object> l = line("rounds", "spark-dl");
    l.put("workers", workers);
    l.put("threads_per_worker", threads);
    l.put("rounds", stats.size());
    l.put("conversion_seconds", round3(conversion));
    l.put("mean_round_seconds", round3(round / n));
    l.put("mean_broadcast_seconds", round3(broadcast / n));
    l.put("mean_task_setup_seconds", round3(setup / n));
    l.put("mean_partition_train_seconds", round3(train / n));
    l.put("mean_aggregate_seconds", round3(aggregate / n));
    l.put("mean_average_seconds", round3(average / n));
    l.put("overhead_fraction", round3(round <= 0 ? 0 : (round - train) / round));
    return l;
  }

  /** The scoring task, reporting through this run's {@link #emit}. */
  private ScoringBenchmark scoring() {
    return new ScoringBenchmark(test, testBatches, this::emit, scoreRows);
  }

  static Map<String, Object> line(String task, String system) {
    Map<String, Object> l = new LinkedHashMap<>();
    l.put("task", task);
    l.put("system", system);
    return l;
  }

  private void emit(Map<String, Object> l) {
    if (!"targets".equals(l.get("task")) && !"rounds".equals(l.get("task"))) {
      lines.add(l);
    }
    try {
      System.out.println(JSON.writeValueAsString(l));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static void progress(String s) {
    System.err.println("benchmark: " + s);
  }

  private float[][] arrays(String split) throws IOException {
    Path dir = Paths.get(data);
    IdxReader.IdxArray x = IdxReader.read(find(dir, split + "-images-idx3-ubyte"));
    IdxReader.IdxArray y = IdxReader.read(find(dir, split + "-labels-idx1-ubyte"));
    float[] xs = new float[x.data().length];
    for (int i = 0; i < xs.length; i++) {
      xs[i] = (x.data()[i] & 0xff) / 255f;
    }
    float[] ys = new float[y.items()];
    for (int i = 0; i < ys.length; i++) {
      ys[i] = y.get(i, 0);
    }
    return new float[][] {xs, ys};
  }

  private static Path find(Path dir, String base) {
    Path gz = dir.resolve(base + ".gz");
    return gz.toFile().exists() ? gz : dir.resolve(base);
  }

  static String blas() {
    try {
      return dev.ludovic.netlib.blas.BLAS.getInstance().getClass().getSimpleName();
    } catch (RuntimeException | LinkageError e) {
      return "unknown";
    }
  }

  private static void resetPeaks() {
    System.gc();
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP) {
        p.resetPeakUsage();
      }
    }
  }

  private static double peakMb() {
    long sum = 0;
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP) {
        sum += p.getPeakUsage().getUsed();
      }
    }
    return sum / 1048576.0;
  }

  static double round(double v) {
    return Support.round(v, 4);
  }

  static double round3(double v) {
    return Support.round(v, 3);
  }
}
