package dev.sparkdl.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkdl.callbacks.Callback;
import dev.sparkdl.callbacks.TrainingContext;
import dev.sparkdl.distributed.BatchScorer;
import dev.sparkdl.engine.Engines;
import dev.sparkdl.spec.Activation;
import dev.sparkdl.spec.BatchNormalization;
import dev.sparkdl.spec.Dense;
import dev.sparkdl.spec.Dropout;
import dev.sparkdl.spec.Sequential;
import dev.sparkdl.testing.TestSpark;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.spark.ml.functions;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * Issue 15, point 3 at test size: many transform() calls in one JVM leave no NDArrays, managers
 * or resident memory behind, and concurrent scoring of one model equals sequential scoring.
 * {@code examples/run soak} is the full-size run (docs/reliability.md).
 */
class SoakTest {
  private static final int FEATURES = 256;
  private static final int ROWS = 3000;
  private final SparkSession spark = TestSpark.session();

  /** Synthetic rows: 256 uniform features, the label is which quarter holds the largest sum. */
  private Dataset<Row> synthetic(int rows, long seed) {
    Column[] xs = new Column[FEATURES];
    for (int i = 0; i < FEATURES; i++) {
      xs[i] = org.apache.spark.sql.functions.rand(seed * 1000 + i);
    }
    Dataset<Row> d = spark.range(rows).repartition(2)
        .withColumn("x", org.apache.spark.sql.functions.array(xs));
    String q = "aggregate(slice(x, %d, 64), 0D, (a, b) -> a + b)";
    return d.withColumn("s0", org.apache.spark.sql.functions.expr(String.format(q, 1)))
        .withColumn("s1", org.apache.spark.sql.functions.expr(String.format(q, 65)))
        .withColumn("s2", org.apache.spark.sql.functions.expr(String.format(q, 129)))
        .withColumn("s3", org.apache.spark.sql.functions.expr(String.format(q, 193)))
        .withColumn("label", org.apache.spark.sql.functions.expr(
            "CASE greatest(s0, s1, s2, s3) WHEN s0 THEN 0D WHEN s1 THEN 1D WHEN s2 THEN 2D"
                + " ELSE 3D END"))
        .withColumn("features", functions.array_to_vector(new Column("x")))
        .select("id", "features", "label");
  }

  private static Sequential mlp() {
    return Sequential.of(Dense.units(64), BatchNormalization.defaults(), Dropout.rate(0.2),
        Activation.of("relu"), Dense.units(4).activation("softmax"));
  }

  @Test
  void repeatedTransformsLeaveNoArraysAndResidentMemoryLevels() {
    // the pool is per JVM: networks other test classes' models left idle are not this test's
    BatchScorer.closeIdleNetworks();
    Dataset<Row> data = synthetic(ROWS, 1).cache();
    assertEquals(ROWS, data.count());
    long[] afterEpoch1 = new long[1];
    NeuralNetClassificationModel model = new NeuralNetClassifier()
        .setLayers(mlp()).setOptimizer("adam").setEpochs(3).setBatchSize(64)
        .setNumWorkers(2).setSeed(3).setVerbose(0)
        .setCallbacks(new Callback() {
          @Override
          public void onEpochEnd(int epoch, Map<String, Double> logs, double seconds,
              TrainingContext context) {
            if (epoch == 1) {
              afterEpoch1[0] = Engines.openArrays();
            }
          }
        })
        .fit(data);

    int calls = 120;
    int warmUp = 30;
    long[] warm = null;
    for (int call = 1; call <= calls; call++) {
      model.transform(data).write().format("noop").mode("overwrite").save();
      if (call == warmUp) {
        warm = measure();
      }
    }
    long[] end = measure();
    String report = "after warm-up {rss kB, heap B, arrays, managers, idle networks} "
        + java.util.Arrays.toString(warm) + ", after " + calls + " calls "
        + java.util.Arrays.toString(end) + ", arrays after epoch 1: " + afterEpoch1[0];
    System.out.println("SoakTest: " + report);

    assertEquals(warm[2], end[2], "open NDArrays grew over the calls: " + report);
    assertEquals(warm[3], end[3], "open NDManagers grew over the calls: " + report);
    assertTrue(end[4] <= Math.max(4, warm[4]), "idle scoring networks: " + report);
    // resident memory levels off after the warm-up: a per-call leak of the 4 MB of inputs (what
    // DJL's per-batch direct buffers held before they were reused) would add 360 MB here
    assertTrue(end[0] < warm[0] * 1.10, "resident memory grew more than 10 %: " + report);
    assertTrue(end[1] - warm[1] < 64L << 20, "heap after GC grew by 64 MB or more: " + report);

    // the pooled scoring networks hold the only arrays left: closing them restores the count
    int closed = BatchScorer.closeIdleNetworks();
    assertTrue(closed >= 1, "no idle scoring network was pooled");
    assertTrue(Engines.openArrays() <= afterEpoch1[0],
        "open NDArrays " + Engines.openArrays() + " after closing the idle networks, "
            + afterEpoch1[0] + " after epoch 1");
    data.unpersist();
  }

  @Test
  void eightThreadsScoringOneModelEqualSequentialScoring() throws Exception {
    Dataset<Row> data = synthetic(1200, 2).repartition(8).cache();
    assertEquals(1200, data.count());
    NeuralNetClassificationModel model = new NeuralNetClassifier()
        .setLayers(mlp()).setOptimizer("adam").setEpochs(2).setBatchSize(64)
        .setNumWorkers(2).setSeed(4).setVerbose(0).fit(data);
    model.setInferenceBatchSize(37);
    Map<Long, double[]> sequential = scores(model, data);
    assertEquals(1200, sequential.size());
    Map<Long, double[]> driverSequential = new HashMap<>();
    List<Row> rows = data.select("id", "features").collectAsList();
    for (Row r : rows) {
      driverSequential.put(r.getLong(0), model.predictProbability(r.getAs(1)).toArray());
    }

    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Map<Long, double[]>>> transforms = new ArrayList<>();
      List<Future<Map<Long, double[]>>> driver = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int first = t;
        transforms.add(pool.submit(() -> {
          start.await();
          return scores(model, data);
        }));
        driver.add(pool.submit(() -> {
          start.await();
          Map<Long, double[]> m = new HashMap<>();
          for (int i = first; i < rows.size(); i += threads) {
            Row r = rows.get(i);
            m.put(r.getLong(0), model.predictProbability(r.getAs(1)).toArray());
          }
          return m;
        }));
      }
      start.countDown();
      for (Future<Map<Long, double[]>> f : transforms) {
        Map<Long, double[]> concurrent = f.get();
        assertEquals(sequential.size(), concurrent.size());
        for (Map.Entry<Long, double[]> e : sequential.entrySet()) {
          assertArrayEquals(e.getValue(), concurrent.get(e.getKey()), 0.0, "row " + e.getKey());
        }
      }
      int seen = 0;
      for (Future<Map<Long, double[]>> f : driver) {
        for (Map.Entry<Long, double[]> e : f.get().entrySet()) {
          assertArrayEquals(driverSequential.get(e.getKey()), e.getValue(), 0.0,
              "predictProbability, row " + e.getKey());
          seen++;
        }
      }
      assertEquals(rows.size(), seen);
    } finally {
      pool.shutdownNow();
      data.unpersist();
    }
  }

  /** @return id → probability, rawPrediction and prediction of every row */
  private static Map<Long, double[]> scores(NeuralNetClassificationModel model,
      Dataset<Row> data) {
    Map<Long, double[]> out = new HashMap<>();
    for (Row r : model.transform(data).select("id", "probability", "rawPrediction", "prediction")
        .collectAsList()) {
      double[] p = r.<Vector>getAs(1).toArray();
      double[] raw = r.<Vector>getAs(2).toArray();
      double[] all = new double[p.length + raw.length + 1];
      System.arraycopy(p, 0, all, 0, p.length);
      System.arraycopy(raw, 0, all, p.length, raw.length);
      all[all.length - 1] = r.getDouble(3);
      out.put(r.getLong(0), all);
    }
    return out;
  }

  /** @return {RSS kB, heap used B, open NDArrays, open NDManagers, idle scoring networks} */
  private static long[] measure() {
    for (int i = 0; i < 2; i++) {
      System.gc();
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    long heap = 0;
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP) {
        heap += p.getUsage().getUsed();
      }
    }
    return new long[] {rssKb(), heap, Engines.openArrays(), Engines.openManagers(),
        BatchScorer.idleNetworks()};
  }

  private static long rssKb() {
    try {
      for (String line : Files.readAllLines(Paths.get("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    throw new IllegalStateException("no VmRSS in /proc/self/status");
  }
}
