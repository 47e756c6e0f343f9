package dev.sparkdl.examples;

import com.sun.management.GarbageCollectionNotificationInfo;
import dev.sparkdl.ml.NeuralNetClassificationModel;
import dev.sparkdl.ml.NeuralNetClassifier;
import dev.sparkdl.spec.Dense;
import dev.sparkdl.spec.Sequential;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;
import org.apache.spark.SparkEnv;
import org.apache.spark.ml.functions;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Trains on synthetic data of growing size and measures the driver's heap: it must not grow with
 * the rows. In local mode the executors share the driver's JVM, so the training blocks that Spark
 * caches (on executors, in a cluster) are in the same heap: the driver's own part is the live
 * heap after each collection minus Spark's storage memory in use at that moment.
 */
@Command(name = "scale", mixinStandardHelpOptions = true,
    description = "Fits on N synthetic rows for each N and prints the driver's heap peak"
        + " (docs/reliability.md).")
final class Scale implements Callable<Integer> {
  @Option(names = "--rows", split = ",",
      description = "row counts, in order (default: ${DEFAULT-VALUE})")
  List<Long> rows = List.of(200_000L, 2_000_000L);

  @Option(names = "--features", description = "features per row (default: ${DEFAULT-VALUE})")
  int features = 32;

  @Option(names = "--epochs", description = "epochs per fit (default: ${DEFAULT-VALUE})")
  int epochs = 1;

  @Option(names = "--workers", description = "training partitions (default: ${DEFAULT-VALUE})")
  int workers = 2;

  @Option(names = "--max-growth",
      description = "driver heap peak growth from the first to the last row count that fails the"
          + " run, in % (default: ${DEFAULT-VALUE})")
  double maxGrowth = 10;

  @Option(names = "--master",
      description = "Spark master (default: ${DEFAULT-VALUE}: executors in their own JVMs, so that"
          + " the driver's heap is the driver's alone; examples/run sets SPARK_HOME to a folder of the class path's jars;"
          + " local[2] shares one JVM)")
  String master = "local-cluster[2,1,2048]";

  private final AtomicLong driverPeak = new AtomicLong();
  private final AtomicLong afterGcPeak = new AtomicLong();
  private final AtomicLong storagePeak = new AtomicLong();

  @Override
  public Integer call() throws Exception {
    SparkSession.Builder builder = SparkSession.builder().master(master).appName("spark-dl scale")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1");
    if (master.startsWith("local-cluster")) {
      // the executors get this program's classes and the JVM flags Spark needs on Java 17
      String root = System.getProperty("sparkdl.root", ".");
      builder.config("spark.executor.extraClassPath", root + "/examples/target/classes")
          .config("spark.executor.extraJavaOptions", java.nio.file.Files.readString(
              java.nio.file.Paths.get(root, "examples/target/launcher/jvm-flags.txt")).trim())
          .config("spark.executor.memory", "1536m");
    }
    SparkSession spark = builder.getOrCreate();
    List<NotificationEmitter> emitters = new ArrayList<>();
    NotificationListener listener = (n, handback) -> {
      if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
        return;
      }
      GarbageCollectionNotificationInfo info =
          GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
      long after = 0;
      for (Map.Entry<String, MemoryUsage> e : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
        if (heapPool(e.getKey())) {
          after += e.getValue().getUsed();
        }
      }
      long storage = storageUsed();
      afterGcPeak.accumulateAndGet(after, Math::max);
      storagePeak.accumulateAndGet(storage, Math::max);
      driverPeak.accumulateAndGet(after - storage, Math::max);
    };
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (gc instanceof NotificationEmitter e) {
        e.addNotificationListener(listener, null, null);
        emitters.add(e);
      }
    }
    List<Map<String, Object>> lines = new ArrayList<>();
    try {
      for (long n : rows) {
        lines.add(fit(spark, n));
        Support.json(lines.get(lines.size() - 1));
      }
    } finally {
      for (NotificationEmitter e : emitters) {
        e.removeNotificationListener(listener);
      }
      spark.stop();
    }
    long first = (Long) lines.get(0).get("driver_heap_peak_mb");
    long last = (Long) lines.get(lines.size() - 1).get("driver_heap_peak_mb");
    double growth = 100.0 * (last - first) / first;
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("master", master);
    r.put("rows", rows);
    r.put("driver_heap_peak_mb", lines.stream().map(l -> l.get("driver_heap_peak_mb")).toList());
    r.put("heap_after_gc_peak_mb", lines.stream().map(l -> l.get("heap_after_gc_peak_mb")).toList());
    r.put("storage_peak_mb", lines.stream().map(l -> l.get("storage_peak_mb")).toList());
    r.put("driver_heap_growth_percent", Support.round(growth, 2));
    r.put("passed", growth < maxGrowth);
    Support.result(r);
    return growth < maxGrowth ? 0 : 1;
  }

  private Map<String, Object> fit(SparkSession spark, long n) {
    Column[] xs = new Column[features];
    for (int i = 0; i < features; i++) {
      xs[i] = org.apache.spark.sql.functions.rand(1000L + i);
    }
    // generated in the training partitions (no shuffle); the label says which half of the
    // features has the larger sum
    Column first = org.apache.spark.sql.functions.lit(0.0);
    Column second = org.apache.spark.sql.functions.lit(0.0);
    Dataset<Row> data = spark.range(0, n, 1, workers)
        .withColumn("x", org.apache.spark.sql.functions.array(xs));
    for (int i = 0; i < features; i++) {
      Column v = data.col("x").getItem(i);
      if (i < features / 2) {
        first = first.plus(v);
      } else {
        second = second.plus(v);
      }
    }
    data = data.withColumn("label", org.apache.spark.sql.functions.when(first.gt(second), 1.0)
            .otherwise(0.0))
        .withColumn("features", functions.array_to_vector(data.col("x")))
        .select("features", "label");

    Soak.gc();
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP) {
        p.resetPeakUsage();
      }
    }
    long baseline = liveHeap() - storageUsed();
    driverPeak.set(0);
    afterGcPeak.set(0);
    storagePeak.set(0);
    long t0 = System.nanoTime();
    NeuralNetClassificationModel model = new NeuralNetClassifier()
        .setLayers(Sequential.of(Dense.units(64).activation("relu"),
            Dense.units(2).activation("softmax")))
        .setOptimizer("adam").setEpochs(epochs).setBatchSize(256).setNumWorkers(workers)
        .setSeed(1).setVerbose(0)
        .fit(data);
    double seconds = (System.nanoTime() - t0) / 1e9;
    long rawPeak = 0;
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP) {
        rawPeak += p.getPeakUsage().getUsed();
      }
    }
    // the end of the fit counts too (a collection now, while the model is referenced)
    Soak.gc();
    long end = liveHeap() - storageUsed();
    driverPeak.accumulateAndGet(end, Math::max);
    Map<String, Object> l = new LinkedHashMap<>();
    l.put("master", master);
    l.put("rows", n);
    l.put("features", features);
    l.put("epochs", epochs);
    l.put("workers", workers);
    l.put("fit_seconds", Support.round(seconds, 1));
    l.put("loss", Support.round(model.history().get("loss")[epochs - 1], 4));
    l.put("driver_heap_before_mb", baseline >> 20);
    l.put("driver_heap_peak_mb", driverPeak.get() >> 20);
    l.put("heap_after_gc_peak_mb", afterGcPeak.get() >> 20);
    l.put("storage_peak_mb", storagePeak.get() >> 20);
    l.put("heap_peak_with_garbage_mb", rawPeak >> 20);
    l.put("how", "driver heap = the driver JVM's heap used after each GC minus Spark's storage"
        + " memory in use in it (in local mode the cached training blocks, which live on"
        + " executors in a cluster); peak over the fit");
    spark.sparkContext().getPersistentRDDs().values().foreach(rdd -> rdd.unpersist(true));
    return l;
  }

  private static boolean heapPool(String name) {
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getName().equals(name)) {
        return p.getType() == MemoryType.HEAP;
      }
    }
    return false;
  }

  private static long liveHeap() {
    long sum = 0;
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP) {
        sum += p.getUsage().getUsed();
      }
    }
    return sum;
  }

  private static long storageUsed() {
    SparkEnv env = SparkEnv.get();
    return env == null ? 0 : env.memoryManager().storageMemoryUsed();
  }
}
