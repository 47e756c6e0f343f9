package dev.sparkdl.examples;

import static dev.sparkdl.examples.Benchmark.line;
import static dev.sparkdl.examples.Benchmark.progress;
import static dev.sparkdl.examples.Benchmark.round3;

import dev.sparkdl.engine.Engines;
import dev.sparkdl.engine.Network;
import dev.sparkdl.ml.NeuralNetClassificationModel;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.classification.MultilayerPerceptronClassificationModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The benchmark's scoring task: spark-dl's {@code transform()} against raw DJL batch inference
 * of the same weights and MLPC's {@code transform()}, on the 10 000 test rows and on 100 000,
 * with Spark's own fixed costs (an empty job, a scan into the noop sink) for context.
 */
final class ScoringBenchmark {
  private final float[][] test;
  private final List<float[]> testBatches;
  private final Consumer<Map<String, Object>> emit;

  /**
   * @param test the test arrays (features, labels)
   * @param testBatches the test features cut into batches of 1024 rows
   * @param emit where result lines go
   */
  ScoringBenchmark(float[][] test, List<float[]> testBatches, Consumer<Map<String, Object>> emit) {
    this.test = test;
    this.testBatches = testBatches;
    this.emit = emit;
  }

  private void emit(Map<String, Object> l) {
    emit.accept(l);
  }

  void score(Dataset<Row> testDf, NeuralNetClassificationModel model,
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
  static final int BIG_COPIES = 10;

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

  static double sparkScore(NeuralNetClassificationModel model, Dataset<Row> df,
      long rows) {
    return noopRate(() -> model.transform(df), rows);
  }

  /** @return rows/s of making {@code rows} rows (transform() included) and writing them to Spark's noop sink */
  static double noopRate(java.util.function.Supplier<Dataset<Row>> make, long rows) {
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
  double rawScore() {
    try (Network net = Network.create(MnistExample.courseMlp(), null, 1)) {
      return bestOf(3, () -> rawScore(net, 1));
    }
  }

  /** @return the largest of {@code n} measured rates */
  static double bestOf(int n, java.util.function.DoubleSupplier rate) {
    double best = 0;
    for (int i = 0; i < n; i++) {
      best = Math.max(best, rate.getAsDouble());
    }
    return best;
  }
}
