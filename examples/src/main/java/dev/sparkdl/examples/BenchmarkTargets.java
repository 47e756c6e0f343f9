package dev.sparkdl.examples;

import static dev.sparkdl.examples.Benchmark.line;
import static dev.sparkdl.examples.Benchmark.round;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The ratios the benchmark is judged by, computed from one run's result lines. */
final class BenchmarkTargets {
  private BenchmarkTargets() {}

  /**
   * @param lines the run's result lines
   * @param rounds the run's per-round statistics lines
   * @param testRows rows of the test set
   * @return the targets line: the ratios the benchmark is judged by
   */
  static Map<String, Object> of(List<Map<String, Object>> lines,
      List<Map<String, Object>> rounds, int testRows) {
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
    addScoring(lines, testRows, t);
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
  static void addScoring(List<Map<String, Object>> lines, int n, Map<String, Object> t) {
    double sparkScore = scoreRate(lines, "spark-dl", n);
    double rawScore = scoreRate(lines, "djl", n);
    t.put("score_over_raw_djl", round(sparkScore / rawScore));
    int big = 0;
    for (Map<String, Object> l : lines) {
      if ("score".equals(l.get("task")) && "spark-dl".equals(l.get("system"))
          && l.get("rows") instanceof Integer r && r > n) {
        big = Math.max(big, r);
      }
    }
    t.put("score_big_rows", big);
    t.put("score_over_raw_djl_big", round(scoreRate(lines, "spark-dl", big)
        / scoreRate(lines, "djl", big)));
    double emptyJob = Double.NaN;
    for (Map<String, Object> l : lines) {
      if ("score".equals(l.get("task")) && "spark-empty-job".equals(l.get("system"))) {
        emptyJob = ((Number) l.get("seconds")).doubleValue();
      }
    }
    // Spark's fixed cost of one job against the raw inference time of the 10 000 rows
    t.put("empty_job_over_raw_inference_10k", round(emptyJob / (n / rawScore)));
    // the fastest any scorer fed by this DataFrame could be: scanning plus raw inference
    double ceiling = 1 / (1 / scoreRate(lines, "spark-scan-only", n) + 1 / rawScore);
    t.put("score_over_scan_plus_raw_ceiling", round(sparkScore / ceiling));
    // how close to raw inference that ceiling itself is: what any scorer fed by Spark can reach
    t.put("scan_plus_raw_ceiling_over_raw_djl", round(ceiling / rawScore));
  }

  /** @return the rows/s of a score line of this run (NaN when it is missing) */
  private static double scoreRate(List<Map<String, Object>> lines, String system, int rows) {
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
}
