package dev.sparkdl.examples;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparkdl.callbacks.Callback;
import dev.sparkdl.callbacks.TrainingContext;
import dev.sparkdl.data.IdxReader;
import dev.sparkdl.data.Mnist;
import dev.sparkdl.distributed.DistributedTrainer;
import dev.sparkdl.distributed.RoundStats;
import dev.sparkdl.engine.Engines;
import dev.sparkdl.engine.Network;
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
import org.apache.spark.api.java.JavaSparkContext;
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
          score(testDf, model, m);
          Map<String, Object> t = line("targets", "spark-dl");
          scoreTargets(t);
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
      score(testDf, two, mlpc);
      int ce = cnnEpochs != null ? cnnEpochs : quick ? 1 : 3;
      cnn(spark, trainDf, train, ce);
      Map<String, Object> targets = targets();
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
    double scoreRate = sparkScore(model, testDf, test[1].length);
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
    Map<String, Object> l = djlLine(run, e, rawScore(), peak);
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
    double rate = noopRate(() -> model.transform(testDf), test[1].length);
    Map<String, Object> l = mlpLine("mlpc", 2, 1, 0, seconds, List.of(round(acc)),
        acc >= 0.97 ? round(seconds) : null, rate, peak);
    l.put("iterations", iterations);
    l.put("blas", blas());
    emit(l);
    return model;
  }

  private void score(Dataset<Row> testDf, NeuralNetClassificationModel model,
      MultilayerPerceptronClassificationModel mlpc) {
    progress("scoring the 10 000 test rows");
    int n = test[1].length;
    // spark-dl and raw inference alternate, after discarded runs of each, so that both see
    // the same state of this noisy machine; the best of 5 is reported
    double[] best = pairedScore(model, testDf, 1);
    double spark = best[0];
    double raw = best[1];
    double scan = bestOf(3, () -> noopRate(() -> testDf, n));
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(testDf.sparkSession().sparkContext());
    double emptyJob = Double.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      long t0 = System.nanoTime();
      jsc.parallelize(List.of(1, 2), 2).count();
      emptyJob = Math.min(emptyJob, (System.nanoTime() - t0) / 1e9);
    }
    Map<String, Object> ej = line("score", "spark-empty-job");
    ej.put("rows", 0);
    ej.put("seconds", round3(emptyJob));
    ej.put("how", "a Spark job of two tasks that do nothing, best of 5: the fixed cost of any job here");
    emit(ej);
    Map<String, Object> sc = line("score", "spark-scan-only");
    sc.put("rows", n);
    sc.put("rows_per_second", Math.round(scan));
    sc.put("how", "reading the cached test DataFrame into a noop sink, no model: Spark's own cost per row");
    emit(sc);
    emitScore("spark-dl", n, spark, "model.transform(cached test DataFrame), noop sink, local[2], best of 5");
    emitScore("djl", n, raw, "the same weights, engine Network.predict on float arrays, batches of 1024, 2 threads, best of 5");
    double mlpcRate = bestOf(3, () -> noopRate(() -> mlpc.transform(testDf), n));
    emitScore("mlpc", n, mlpcRate, "MLPC's transform(), noop sink, best of 3");

    progress("scoring 100 000 rows (the test rows 10 times)");
    Dataset<Row> big = testDf;
    for (int i = 1; i < BIG_COPIES; i++) {
      big = big.union(testDf);
    }
    big = big.coalesce(2);
    double[] bestBig = pairedScore(model, big, BIG_COPIES);
    double sparkBig = bestBig[0];
    double rawBig = bestBig[1];
    emitScore("spark-dl", BIG_COPIES * n, sparkBig,
        "model.transform(the cached test DataFrame 10 times, 2 partitions), noop sink, best of 5");
    emitScore("djl", BIG_COPIES * n, rawBig,
        "the same weights and 10 passes over the test arrays, batches of 1024, 2 threads, best of 5");
  }

  /** Copies of the test set in the larger scoring measurement. */
  private static final int BIG_COPIES = 10;

  private void emitScore(String system, int rows, double rate, String how) {
    Map<String, Object> l = line("score", system);
    l.put("rows", rows);
    l.put("rows_per_second", Math.round(rate));
    l.put("how", how);
    emit(l);
  }

  /**
   * @return the best rows/s of spark-dl's transform() of {@code df} and of raw inference of the
   *     test arrays {@code passes} times over (the same number of rows), measured alternately
   */
  private double[] pairedScore(NeuralNetClassificationModel model, Dataset<Row> df, int passes) {
    long rows = (long) passes * test[1].length;
    try (Network net = Network.create(MnistExample.courseMlp(), null, 0)) {
      net.setWeights(model.weights());
      // discarded: right after other work the JIT and GC threads still run, and raw inference
      // on two OpenMP threads slows down up to 5x while either core is taken (its threads wait
      // for each other at every operation); spark-dl's single-threaded tasks suffer less
      for (int i = 0; i < 3; i++) {
        sparkScore(model, df, rows);
        rawScore(net, passes);
      }
      double spark = 0;
      double raw = 0;
      for (int i = 0; i < 5; i++) {
        spark = Math.max(spark, sparkScore(model, df, rows));
        raw = Math.max(raw, rawScore(net, passes));
      }
      return new double[] {spark, raw};
    }
  }

  private static double sparkScore(NeuralNetClassificationModel model, Dataset<Row> df,
      long rows) {
    return noopRate(() -> model.transform(df), rows);
  }

  /** @return rows/s of making {@code rows} rows (transform() included) and writing them to Spark's noop sink */
  private static double noopRate(java.util.function.Supplier<Dataset<Row>> make, long rows) {
    long t0 = System.nanoTime();
    make.get().write().format("noop").mode("overwrite").save();
    return rows / ((System.nanoTime() - t0) / 1e9);
  }

  /** Raw batch inference of the test arrays, {@code passes} times over, on two threads. */
  private double rawScore(Network net, int passes) {
    Engines.setIntraOpThreads(2);
    long t0 = System.nanoTime();
    for (int p = 0; p < passes; p++) {
      for (float[] batch : testBatches) {
        net.predict(batch, batch.length / 784);
      }
    }
    return (double) passes * test[1].length / ((System.nanoTime() - t0) / 1e9);
  }

  /** Raw inference rate of the test arrays with freshly initialised weights, best of 3. */
  private double rawScore() {
    try (Network net = Network.create(MnistExample.courseMlp(), null, 1)) {
      return bestOf(3, () -> rawScore(net, 1));
    }
  }

  /** @return the largest of {@code n} measured rates */
  private static double bestOf(int n, java.util.function.DoubleSupplier rate) {
    double best = 0;
    for (int i = 0; i < n; i++) {
      best = Math.max(best, rate.getAsDouble());
    }
    return best;
  }

  private Map<String, Object> targets() {
    Map<String, Object> mlp = new LinkedHashMap<>();
    for (Map<String, Object> l : lines) {
      if ("mlp".equals(l.get("task"))) {
        mlp.put(l.get("system") + "/" + l.get("workers") + "x" + l.get("threads_per_worker"), l);
      }
    }
    Map<String, Object> t = line("targets", "spark-dl");
    double two = rate(mlp, "spark-dl/2x1");
    double one = rate(mlp, "spark-dl/1x1");
    double djl = rate(mlp, "djl/1x2");
    t.put("samples_2w_over_djl", round(two / djl));
    t.put("samples_2w_over_1w1t", round(two / one));
    Double s2 = secondsTo97(mlp, "spark-dl/2x1");
    Double sd = secondsTo97(mlp, "djl/1x2");
    t.put("seconds_to_97_2w_over_djl", s2 == null || sd == null ? null : round(s2 / sd));
    scoreTargets(t);
    double overhead = 0;
    for (Map<String, Object> r : rounds) {
      if (Integer.valueOf(2).equals(r.get("workers"))) {
        overhead = ((Number) r.get("overhead_fraction")).doubleValue();
      }
    }
    t.put("round_overhead_fraction_2w", round(overhead));
    Map<String, Object> cnnRates = new LinkedHashMap<>();
    for (Map<String, Object> l : lines) {
      if ("cnn".equals(l.get("task"))) {
        cnnRates.put((String) l.get("system"), l.get("samples_per_second"));
      }
    }
    if (cnnRates.size() == 2) {
      t.put("cnn_samples_2w_over_djl", round(((Number) cnnRates.get("spark-dl")).doubleValue()
          / ((Number) cnnRates.get("djl")).doubleValue()));
    }
    return t;
  }

  /** Adds the scoring task's ratios to {@code t}. */
  private void scoreTargets(Map<String, Object> t) {
    int n = test[1].length;
    double sparkScore = scoreRate("spark-dl", n);
    double rawScore = scoreRate("djl", n);
    t.put("score_over_raw_djl", round(sparkScore / rawScore));
    t.put("score_over_raw_djl_100k", round(scoreRate("spark-dl", BIG_COPIES * n)
        / scoreRate("djl", BIG_COPIES * n)));
    double emptyJob = Double.NaN;
    for (Map<String, Object> l : lines) {
      if ("score".equals(l.get("task")) && "spark-empty-job".equals(l.get("system"))) {
        emptyJob = ((Number) l.get("seconds")).doubleValue();
      }
    }
    // Spark's fixed cost of one job against the raw inference time of the 10 000 rows
    t.put("empty_job_over_raw_inference_10k", round(emptyJob / (n / rawScore)));
    // the fastest any scorer fed by this DataFrame could be: scanning plus raw inference
    double ceiling = 1 / (1 / scoreRate("spark-scan-only", n) + 1 / rawScore);
    t.put("score_over_scan_plus_raw_ceiling", round(sparkScore / ceiling));
    // how close to raw inference that ceiling itself is: what any scorer fed by Spark can reach
    t.put("scan_plus_raw_ceiling_over_raw_djl", round(ceiling / rawScore));
  }

  /** @return the rows/s of a score line of this run (NaN when it is missing) */
  private double scoreRate(String system, int rows) {
    for (Map<String, Object> l : lines) {
      if ("score".equals(l.get("task")) && system.equals(l.get("system"))
          && Integer.valueOf(rows).equals(l.get("rows"))) {
        return ((Number) l.get("rows_per_second")).doubleValue();
      }
    }
    return Double.NaN;
  }

  @SuppressWarnings("unchecked")
  private static double rate(Map<String, Object> mlp, String key) {
    return ((Number) ((Map<String, Object>) mlp.get(key)).get("samples_per_second")).doubleValue();
  }

  @SuppressWarnings("unchecked")
  private static Double secondsTo97(Map<String, Object> mlp, String key) {
    Object v = ((Map<String, Object>) mlp.get(key)).get("seconds_to_97");
    return v == null ? null : ((Number) v).doubleValue();
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

  private static Map<String, Object> line(String task, String system) {
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

  private static void progress(String s) {
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

  /**
   * Scores the test set after every epoch on the driver; its time is kept out of training. The
   * time to read the weights counts as training: it includes recomputing BatchNormalization's
   * statistics for them, without which the weights are not a usable model.
   */
  static final class EpochProbe implements Callback {
    private final Sequential spec;
    private final float[][] test;
    private final List<Double> accuracies = new ArrayList<>();
    private final List<Double> cumulative = new ArrayList<>();
    private double trainSeconds;
    double evalSeconds;

    EpochProbe(Sequential spec, float[][] test) {
      this.spec = spec;
      this.test = test;
    }

    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs, double seconds,
        TrainingContext context) {
      long w0 = System.nanoTime();
      dev.sparkdl.engine.WeightSnapshot weights = context.weights();
      long t0 = System.nanoTime();
      trainSeconds += seconds + (t0 - w0) / 1e9;
      cumulative.add(trainSeconds);
      try (Network net = Network.create(spec, null, 0)) {
        net.setWeights(weights);
        int n = test[1].length;
        int correct = 0;
        for (int from = 0; from < n; from += 1000) {
          int b = Math.min(1000, n - from);
          float[] p = net.predict(java.util.Arrays.copyOfRange(test[0], from * 784, (from + b) * 784), b);
          for (int i = 0; i < b; i++) {
            int best = 0;
            for (int k = 1; k < 10; k++) {
              best = p[i * 10 + k] > p[i * 10 + best] ? k : best;
            }
            correct += best == (int) test[1][from + i] ? 1 : 0;
          }
        }
        accuracies.add(round(correct / (double) n));
      }
      evalSeconds += (System.nanoTime() - t0) / 1e9;
      System.err.printf("benchmark:   epoch %d: %.2f s, test accuracy %.4f%n", epoch, seconds,
          accuracies.get(accuracies.size() - 1));
    }

    double trainSeconds() {
      return trainSeconds;
    }

    List<Double> accuracies() {
      return accuracies;
    }

    Double secondsTo97() {
      for (int i = 0; i < accuracies.size(); i++) {
        if (accuracies.get(i) >= 0.97) {
          return round(cumulative.get(i));
        }
      }
      return null;
    }
  }
}
