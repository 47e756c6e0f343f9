package dev.sparkdl.examples;

import dev.sparkdl.callbacks.Callback;
import dev.sparkdl.callbacks.TrainingContext;
import dev.sparkdl.data.Mnist;
import dev.sparkdl.distributed.BatchScorer;
import dev.sparkdl.engine.Engines;
import dev.sparkdl.ml.NeuralNetClassificationModel;
import dev.sparkdl.ml.NeuralNetClassifier;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryType;
import java.lang.management.MemoryPoolMXBean;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A soak test in one JVM: fits the course MLP on MNIST, then scores the 10 000 test rows again
 * and again, and checks that neither the process's resident memory nor DJL's open NDArrays grow.
 * Prints one JSON line per measurement and a RESULT line.
 */
@Command(name = "soak", mixinStandardHelpOptions = true,
    description = "Fit + many transform() calls in one JVM: resident memory and open NDArrays"
        + " must not grow (docs/reliability.md).")
final class Soak implements Callable<Integer> {
  @Option(names = "--data", required = true, description = "folder with the MNIST IDX files")
  String data;

  @Option(names = "--epochs", description = "epochs of the fit (default: ${DEFAULT-VALUE})")
  int epochs = 50;

  @Option(names = "--transforms",
      description = "transform() calls of the test rows (default: ${DEFAULT-VALUE})")
  int transforms = 1000;

  @Option(names = "--warm-up",
      description = "transform() calls before the reference measurement (default: ${DEFAULT-VALUE})")
  int warmUp = 100;

  @Option(names = "--every", description = "measure every N calls (default: ${DEFAULT-VALUE})")
  int every = 100;

  @Option(names = "--workers", description = "training workers (default: ${DEFAULT-VALUE})")
  int workers = 2;

  @Option(names = "--max-growth",
      description = "the RSS growth after warm-up that fails the run, in % (default: ${DEFAULT-VALUE})")
  double maxGrowth = 10;

  @Override
  public Integer call() {
    long start = System.nanoTime();
    SparkSession spark = Support.spark("local[2]", "spark-dl soak");
    try {
      Dataset<Row> train = Mnist.train(spark, data, workers).cache();
      Dataset<Row> test = Mnist.test(spark, data, 2).cache();
      long rows = test.count();
      train.count();
      Map<String, Object> afterEpoch1 = new LinkedHashMap<>();
      Callback probe = new Callback() {
        @Override
        public void onEpochEnd(int epoch, Map<String, Double> logs, double seconds,
            TrainingContext context) {
          if (epoch == 1 || epoch % 10 == 0 || epoch == epochs) {
            Map<String, Object> m = measure("fit", epoch);
            m.put("loss", Support.round(logs.get("loss"), 4));
            Support.json(m);
            if (epoch == 1) {
              afterEpoch1.putAll(m);
            }
          }
        }
      };
      NeuralNetClassificationModel model = new NeuralNetClassifier()
          .setLayers(MnistExample.courseMlp())
          .setOptimizer("adam")
          .setEpochs(epochs).setBatchSize(128).setNumWorkers(workers).setSeed(1).setVerbose(0)
          .setCallbacks(probe)
          .fit(train);
      Support.json(measure("fitted", epochs));

      Map<String, Object> warm = null;
      double slowest = 0;
      double total = 0;
      for (int call = 1; call <= transforms; call++) {
        long t0 = System.nanoTime();
        model.transform(test).write().format("noop").mode("overwrite").save();
        double s = (System.nanoTime() - t0) / 1e9;
        total += s;
        slowest = Math.max(slowest, s);
        if (call == Math.min(warmUp, transforms) || call % every == 0 || call == transforms) {
          Map<String, Object> m = measure("transform", call);
          m.put("mean_call_seconds", Support.round(total / call, 4));
          Support.json(m);
          if (call == Math.min(warmUp, transforms)) {
            warm = m;
          }
        }
      }
      Map<String, Object> end = measure("end", transforms);
      Support.json(end);
      // the scoring networks pooled for the next call are the only arrays left: closing them
      // must bring the count back to what the fit left after its first epoch
      int closed = BatchScorer.closeIdleNetworks();
      Map<String, Object> released = measure("released", transforms);
      released.put("networks_closed", closed);
      Support.json(released);

      long rssWarm = (Long) warm.get("rss_mb");
      long rssEnd = (Long) end.get("rss_mb");
      double growth = 100.0 * (rssEnd - rssWarm) / rssWarm;
      long arrays1 = (Long) afterEpoch1.get("open_ndarrays");
      long arraysEnd = (Long) end.get("open_ndarrays");
      long arraysWarm = (Long) warm.get("open_ndarrays");
      long arraysReleased = (Long) released.get("open_ndarrays");
      boolean ok = growth < maxGrowth && arraysEnd <= arraysWarm && arraysReleased <= arrays1;
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("epochs", epochs);
      r.put("transforms", transforms);
      r.put("rows_per_transform", rows);
      r.put("warm_up_transforms", Math.min(warmUp, transforms));
      r.put("rss_after_warm_up_mb", rssWarm);
      r.put("rss_end_mb", rssEnd);
      r.put("rss_growth_percent", Support.round(growth, 2));
      r.put("heap_used_after_warm_up_mb", warm.get("heap_used_mb"));
      r.put("heap_used_end_mb", end.get("heap_used_mb"));
      r.put("open_ndarrays_after_epoch_1", arrays1);
      r.put("open_ndarrays_after_warm_up", arraysWarm);
      r.put("open_ndarrays_end", arraysEnd);
      r.put("idle_scoring_networks_end", end.get("idle_networks"));
      r.put("open_ndarrays_end_pool_closed", arraysReleased);
      r.put("open_managers_after_epoch_1", afterEpoch1.get("open_managers"));
      r.put("open_managers_end", end.get("open_managers"));
      r.put("mean_transform_seconds", Support.round(total / transforms, 4));
      r.put("slowest_transform_seconds", Support.round(slowest, 4));
      r.put("seconds", Support.round((System.nanoTime() - start) / 1e9, 1));
      r.put("passed", ok);
      Support.result(r);
      return ok ? 0 : 1;
    } finally {
      spark.stop();
    }
  }

  /** Collects garbage, then reads resident memory, the heap and DJL's open arrays. */
  static Map<String, Object> measure(String phase, int n) {
    gc();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("phase", phase);
    m.put(phase.startsWith("fit") ? "epoch" : "calls", n);
    m.put("rss_mb", status("VmRSS") / 1024);
    m.put("rss_anon_mb", status("RssAnon") / 1024);
    m.put("rss_file_mb", status("RssFile") / 1024);
    m.put("heap_used_mb", heapUsed() / 1048576);
    m.put("heap_committed_mb", Runtime.getRuntime().totalMemory() / 1048576);
    m.put("open_ndarrays", Engines.openArrays());
    m.put("open_managers", Engines.openManagers());
    m.put("idle_networks", BatchScorer.idleNetworks());
    m.put("threads", Thread.activeCount());
    if (Boolean.getBoolean("soak.smaps")) {
      Map<String, Long> now = smaps();
      if (lastSmaps != null) {
        java.util.List<Map.Entry<String, Long>> deltas = new java.util.ArrayList<>();
        for (Map.Entry<String, Long> e : now.entrySet()) {
          long d = e.getValue() - lastSmaps.getOrDefault(e.getKey(), 0L);
          if (Math.abs(d) >= 2048) {
            deltas.add(Map.entry(e.getKey(), d / 1024));
          }
        }
        for (Map.Entry<String, Long> e : lastSmaps.entrySet()) {
          if (!now.containsKey(e.getKey()) && e.getValue() >= 2048) {
            deltas.add(Map.entry(e.getKey(), -e.getValue() / 1024));
          }
        }
        deltas.sort((a, b) -> Long.compare(Math.abs(b.getValue()), Math.abs(a.getValue())));
        Map<String, Long> top = new LinkedHashMap<>();
        deltas.stream().limit(25).forEach(e -> top.put(e.getKey(), e.getValue()));
        m.put("smaps_rss_delta_mb", top);
      }
      lastSmaps = now;
    }
    if (Boolean.getBoolean("soak.nmt")) {
      m.put("nmt_committed_mb", nmt());
    }
    return m;
  }

  /** Native memory tracking's committed MB per category (run with -XX:NativeMemoryTracking=summary). */
  private static Map<String, Long> nmt() {
    Map<String, Long> out = new LinkedHashMap<>();
    try {
      Object text = ManagementFactory.getPlatformMBeanServer().invoke(
          new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"),
          "vmNativeMemory", new Object[] {new String[] {"summary", "scale=MB"}},
          new String[] {String[].class.getName()});
      java.util.regex.Matcher m = java.util.regex.Pattern.compile(
          "(?m)^[-\\s]*(Total|[A-Z][A-Za-z ]+?) \\(reserved=\\d+MB, committed=(\\d+)MB\\)|^Total: reserved=\\d+MB, committed=(\\d+)MB")
          .matcher(String.valueOf(text));
      while (m.find()) {
        if (m.group(3) != null) {
          out.put("Total", Long.parseLong(m.group(3)));
        } else {
          out.put(m.group(1).trim(), Long.parseLong(m.group(2)));
        }
      }
    } catch (Exception e) {
      out.put("error", -1L);
    }
    return out;
  }

  private static Map<String, Long> lastSmaps;

  /** Resident kB per mapping ("start size name"), from /proc/self/smaps. */
  private static Map<String, Long> smaps() {
    Map<String, Long> out = new LinkedHashMap<>();
    try {
      String key = null;
      for (String line : Files.readAllLines(Paths.get("/proc/self/smaps"))) {
        if (!line.isEmpty() && Character.isLetterOrDigit(line.charAt(0)) && line.contains("-")
            && !line.contains(":  ") && line.split("\\s+")[0].contains("-")) {
          String[] f = line.trim().split("\\s+");
          String[] r = f[0].split("-");
          long size = (Long.parseUnsignedLong(r[1], 16) - Long.parseUnsignedLong(r[0], 16)) >> 20;
          key = r[0] + " " + size + "MB " + (f.length > 5 ? f[f.length - 1] : "anon");
        } else if (line.startsWith("Rss:") && key != null) {
          out.merge(key, Long.parseLong(line.replaceAll("[^0-9]", "")), Long::sum);
        }
      }
    } catch (IOException | RuntimeException e) {
      out.put("error", 0L);
    }
    return out;
  }

  static void gc() {
    for (int i = 0; i < 2; i++) {
      System.gc();
      try {
        Thread.sleep(200); // lets Spark's ContextCleaner handle what the collection freed
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static long heapUsed() {
    long sum = 0;
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP) {
        sum += p.getUsage().getUsed();
      }
    }
    return sum;
  }

  /** @return VmRSS of this process in kB, from /proc/self/status (0 where there is none) */
  static long rssKb() {
    return status("VmRSS");
  }

  /** @return a field of /proc/self/status in kB (VmRSS, RssAnon, ...), 0 where there is none */
  static long status(String field) {
    try {
      for (String line : Files.readAllLines(Paths.get("/proc/self/status"))) {
        if (line.startsWith(field + ":")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | RuntimeException e) {
      return 0;
    }
    return 0;
  }
}
