package dev.sparkdl.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkdl.spec.Metrics;
import dev.sparkdl.spec.SpecException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The whole-epoch metrics against independent plain-Java computations on fixed data (each
 * written from Keras' definitions: thresholds compared row by row, confusion counts by loops,
 * R² from the two-pass variance), and the merge: per-partition sums added equal the sums of the
 * union.
 */
class MetricStatisticsTest {
  private static final int N = 3000;

  /** Binary scores that separate the classes only partly, with a few exact ties. */
  private static float[][] binary(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] p = new float[N];
    float[] y = new float[N];
    for (int i = 0; i < N; i++) {
      y[i] = r.nextDouble() < 0.3 ? 1 : 0;
      double z = (y[i] == 1 ? 0.8 : -0.4) + r.nextGaussian();
      p[i] = (float) (1 / (1 + Math.exp(-z)));
      if (i % 97 == 0) {
        p[i] = 0.5f; // ties on a threshold
      }
    }
    return new float[][] {p, y};
  }

  private static Map<String, Double> logs(List<String> names, int units, String act, float[] p,
      float[] y, float[] w) {
    MetricStatistics m = MetricStatistics.of(Metrics.check(names), units, act);
    double[] s = new double[m.size()];
    m.accumulate(p, y, w, y.length / units, s);
    return m.logs(s, y.length / units, "");
  }

  /** Keras' AUC computed directly: for each threshold, loop over the rows. */
  private static double kerasAuc(float[] p, float[] y, int n, boolean pr) {
    float[] t = new float[n];
    t[0] = -1e-7f;
    for (int i = 1; i < n - 1; i++) {
      t[i] = (float) (i / (double) (n - 1));
    }
    t[n - 1] = 1 + 1e-7f;
    double[] tp = new double[n];
    double[] fp = new double[n];
    double[] fn = new double[n];
    double[] tn = new double[n];
    for (int j = 0; j < n; j++) {
      for (int i = 0; i < p.length; i++) {
        boolean pos = p[i] > t[j];
        if (y[i] == 1) {
          if (pos) {
            tp[j]++;
          } else {
            fn[j]++;
          }
        } else if (pos) {
          fp[j]++;
        } else {
          tn[j]++;
        }
      }
    }
    double a = 0;
    for (int j = 0; j < n - 1; j++) {
      if (!pr) {
        double x0 = fp[j] / (fp[j] + tn[j]);
        double x1 = fp[j + 1] / (fp[j + 1] + tn[j + 1]);
        a += (x0 - x1) * (tp[j] / (tp[j] + fn[j]) + tp[j + 1] / (tp[j + 1] + fn[j + 1])) / 2;
      } else {
        // Davis & Goadrich: precision interpolated linearly in TP between the two points
        double dtp = tp[j] - tp[j + 1];
        double pa = tp[j] + fp[j];
        double pb = tp[j + 1] + fp[j + 1];
        if (pa - pb <= 0 || dtp == 0) {
          continue;
        }
        double slope = dtp / (pa - pb);
        double intercept = tp[j + 1] - slope * pb;
        double ratio = pa > 0 && pb > 0 ? pa / pb : 1;
        a += slope * (dtp + intercept * Math.log(ratio)) / (tp[j + 1] + fn[j + 1]);
      }
    }
    return a;
  }

  /** The exact ROC AUC: the share of (positive, negative) pairs ranked right, ties half. */
  private static double exactAuc(float[] p, float[] y) {
    double good = 0;
    long pairs = 0;
    for (int i = 0; i < p.length; i++) {
      if (y[i] != 1) {
        continue;
      }
      for (int j = 0; j < p.length; j++) {
        if (y[j] == 0) {
          pairs++;
          good += p[i] > p[j] ? 1 : p[i] == p[j] ? 0.5 : 0;
        }
      }
    }
    return good / pairs;
  }

  @Test
  void aucMatchesKerasThresholdsAndTheExactArea() {
    float[][] d = binary(1);
    Map<String, Double> m = logs(List.of("auc",
        "{\"class_name\": \"AUC\", \"config\": {\"curve\": \"PR\", \"num_thresholds\": 200}}",
        "{\"class_name\": \"AUC\", \"config\": {\"name\": \"auc_200\", \"num_thresholds\": 200}}",
        "{\"class_name\": \"AUC\", \"config\": {\"name\": \"auc_50\", \"num_thresholds\": 50}}"),
        1, "sigmoid", d[0], d[1], null);
    assertEquals(kerasAuc(d[0], d[1], 200, false), m.get("auc_200"), 1e-9);
    assertEquals(kerasAuc(d[0], d[1], 200, true), m.get("pr_auc"), 1e-9);
    assertEquals(kerasAuc(d[0], d[1], 50, false), m.get("auc_50"), 1e-9);
    assertEquals(kerasAuc(d[0], d[1], 10_000, false), m.get("auc"), 1e-9);
    double exact = exactAuc(d[0], d[1]);
    assertTrue(exact > 0.7 && exact < 0.9, "a partly separating score: " + exact);
    assertEquals(exact, m.get("auc"), 1e-4, "10,000 thresholds against the exact area");
    assertEquals(exact, m.get("auc_200"), 2e-3, "Keras' 200 thresholds against the exact area");
  }

  @Test
  void twoClassSoftmaxReadsClassOne() {
    float[][] d = binary(2);
    float[] p2 = new float[2 * N];
    float[] y2 = new float[2 * N];
    for (int i = 0; i < N; i++) {
      p2[2 * i] = 1 - d[0][i];
      p2[2 * i + 1] = d[0][i];
      y2[2 * i] = 1 - d[1][i];
      y2[2 * i + 1] = d[1][i];
    }
    List<String> names = List.of("auc", "precision", "recall");
    assertEquals(logs(names, 1, "sigmoid", d[0], d[1], null),
        logs(names, 2, "softmax", p2, y2, null));
  }

  @Test
  void precisionRecallAndF1CountTheConfusion() {
    float[][] d = binary(3);
    double tp = 0;
    double fp = 0;
    double fn = 0;
    double tp7 = 0;
    double fp7 = 0;
    for (int i = 0; i < N; i++) {
      boolean pos = d[0][i] > 0.5f;
      boolean truth = d[1][i] == 1;
      tp += pos && truth ? 1 : 0;
      fp += pos && !truth ? 1 : 0;
      fn += !pos && truth ? 1 : 0;
      tp7 += d[0][i] > 0.7f && truth ? 1 : 0;
      fp7 += d[0][i] > 0.7f && !truth ? 1 : 0;
    }
    Map<String, Double> m = logs(List.of("precision", "recall", "f1_score",
        "{\"class_name\": \"Precision\", \"config\": {\"name\": \"p70\", \"thresholds\": 0.7}}"),
        1, "sigmoid", d[0], d[1], null);
    double precision = tp / (tp + fp);
    double recall = tp / (tp + fn);
    assertEquals(precision, m.get("precision"), 1e-12);
    assertEquals(recall, m.get("recall"), 1e-12);
    assertEquals(tp7 / (tp7 + fp7), m.get("p70"), 1e-12);
    assertEquals(2 * precision * recall / (precision + recall), m.get("f1_score"), 1e-6);
  }

  /** Three classes: scores, one-hot targets. */
  private static float[][] threeClasses(long seed, int rows) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] p = new float[3 * rows];
    float[] y = new float[3 * rows];
    for (int i = 0; i < rows; i++) {
      int c = r.nextInt(3);
      y[3 * i + c] = 1;
      double[] z = {r.nextGaussian(), r.nextGaussian(), r.nextGaussian()};
      z[c] += 1.0;
      double sum = 0;
      for (double v : z) {
        sum += Math.exp(v);
      }
      for (int j = 0; j < 3; j++) {
        p[3 * i + j] = (float) (Math.exp(z[j]) / sum);
      }
    }
    return new float[][] {p, y};
  }

  @Test
  void f1AveragesAndTopK() {
    float[][] d = threeClasses(4, N);
    double[][] c = new double[3][4]; // tp, fp, fn, support
    double top2 = 0;
    for (int i = 0; i < N; i++) {
      int truth = 0;
      int best = 0;
      for (int j = 1; j < 3; j++) {
        truth = d[1][3 * i + j] == 1 ? j : truth;
        best = d[0][3 * i + j] > d[0][3 * i + best] ? j : best;
      }
      for (int j = 0; j < 3; j++) {
        boolean pred = j == best;
        boolean t = j == truth;
        c[j][0] += pred && t ? 1 : 0;
        c[j][1] += pred && !t ? 1 : 0;
        c[j][2] += !pred && t ? 1 : 0;
        c[j][3] += t ? 1 : 0;
      }
      Integer[] order = {0, 1, 2};
      final int row = i;
      Arrays.sort(order, (a, b) -> Float.compare(d[0][3 * row + b], d[0][3 * row + a]));
      top2 += order[0] == truth || order[1] == truth ? 1 : 0;
    }
    double[] f = new double[3];
    double macro = 0;
    double weighted = 0;
    for (int j = 0; j < 3; j++) {
      double p = c[j][0] / (c[j][0] + c[j][1]);
      double r = c[j][0] / (c[j][0] + c[j][2]);
      f[j] = 2 * p * r / (p + r);
      macro += f[j] / 3;
      weighted += f[j] * c[j][3] / N;
    }
    double tp = c[0][0] + c[1][0] + c[2][0];
    double fp = c[0][1] + c[1][1] + c[2][1];
    double fn = c[0][2] + c[1][2] + c[2][2];
    double micro = 2 * (tp / (tp + fp)) * (tp / (tp + fn)) / (tp / (tp + fp) + tp / (tp + fn));
    Map<String, Double> m = logs(List.of("f1_score",
        "{\"class_name\": \"F1Score\", \"config\": {\"name\": \"f1_macro\", \"average\": \"macro\"}}",
        "{\"class_name\": \"F1Score\", \"config\": {\"name\": \"f1_micro\", \"average\": \"micro\"}}",
        "{\"class_name\": \"F1Score\", \"config\": {\"name\": \"f1_w\", \"average\": \"weighted\"}}",
        "{\"class_name\": \"TopKCategoricalAccuracy\", \"config\": {\"k\": 2}}",
        "sparse_top_k_categorical_accuracy"), 3, "softmax", d[0], d[1], null);
    for (int j = 0; j < 3; j++) {
      assertEquals(f[j], m.get("f1_score_" + j), 1e-6, "class " + j);
    }
    assertEquals(macro, m.get("f1_macro"), 1e-6);
    assertEquals(micro, m.get("f1_micro"), 1e-6);
    assertEquals(weighted, m.get("f1_w"), 1e-6);
    assertEquals(top2 / N, m.get("top_k_categorical_accuracy"), 1e-12);
    assertEquals(1.0, m.get("sparse_top_k_categorical_accuracy"), 1e-12, "k = 5 > 3 classes");
  }

  @Test
  void rmseAndR2FromTwoPasses() {
    SplittableRandom r = new SplittableRandom(5);
    float[] p = new float[N];
    float[] y = new float[N];
    float[] w = new float[N];
    for (int i = 0; i < N; i++) {
      y[i] = (float) (3 + 2 * r.nextGaussian());
      p[i] = (float) (y[i] + 0.7 * r.nextGaussian() + 0.2);
      w[i] = (float) (r.nextDouble() * 2);
    }
    double mean = 0;
    for (float v : y) {
      mean += v / (double) N;
    }
    double ss = 0;
    double se = 0;
    for (int i = 0; i < N; i++) {
      ss += (y[i] - mean) * (y[i] - mean);
      se += ((double) p[i] - y[i]) * ((double) p[i] - y[i]);
    }
    Map<String, Double> m = logs(List.of("rmse", "r2_score"), 1, "linear", p, y, null);
    assertEquals(Math.sqrt(se / N), m.get("root_mean_squared_error"), 1e-9);
    assertEquals(1 - se / ss, m.get("r2_score"), 1e-9);
    // weighted: weight w counts as w copies of the row
    double sw = 0;
    double wm = 0;
    for (int i = 0; i < N; i++) {
      sw += w[i];
      wm += w[i] * y[i];
    }
    wm /= sw;
    double wss = 0;
    double wse = 0;
    for (int i = 0; i < N; i++) {
      wss += w[i] * (y[i] - wm) * (y[i] - wm);
      wse += w[i] * ((double) p[i] - y[i]) * ((double) p[i] - y[i]);
    }
    Map<String, Double> mw = logs(List.of("rmse", "r2_score"), 1, "linear", p, y, w);
    assertEquals(Math.sqrt(wse / sw), mw.get("root_mean_squared_error"), 1e-9);
    assertEquals(1 - wse / wss, mw.get("r2_score"), 1e-9);
  }

  @Test
  void perPartitionSumsMergeToTheSumsOfTheUnion() {
    float[][] d = threeClasses(6, N);
    List<String> names = Metrics.check(List.of("f1_score", "top_k_categorical_accuracy",
        "{\"class_name\": \"F1Score\", \"config\": {\"average\": \"macro\", \"threshold\": 0.4,"
            + " \"name\": \"f1m\"}}"));
    MetricStatistics m = MetricStatistics.of(names, 3, "softmax");
    double[] union = new double[m.size()];
    m.accumulate(d[0], d[1], null, N, union);
    // three partitions cut into minibatches of uneven sizes, merged in another order
    BatchStats merged = new BatchStats(0);
    int[] cuts = {0, 700, 701, 1900, N};
    for (int c = cuts.length - 2; c >= 0; c--) {
      BatchStats part = new BatchStats(0);
      for (int from = cuts[c]; from < cuts[c + 1]; from += 128) {
        int n = Math.min(128, cuts[c + 1] - from);
        double[] s = new double[m.size()];
        m.accumulate(Arrays.copyOfRange(d[0], 3 * from, 3 * (from + n)),
            Arrays.copyOfRange(d[1], 3 * from, 3 * (from + n)), null, n, s);
        part.merge(new BatchStats(n, 0, s));
      }
      merged.merge(part);
    }
    double[] s = merged.metricSums();
    for (int i = 0; i < union.length; i++) {
      assertEquals(union[i], s[i], 1e-9, "sum " + i);
    }
    assertEquals(m.logs(union, N, ""), merged.metricLogs(m, ""));

    float[][] b = binary(7);
    MetricStatistics a = MetricStatistics.of(List.of("auc"), 1, "sigmoid");
    double[] whole = new double[a.size()];
    a.accumulate(b[0], b[1], null, N, whole);
    double[] left = new double[a.size()];
    double[] right = new double[a.size()];
    a.accumulate(Arrays.copyOf(b[0], 1234), Arrays.copyOf(b[1], 1234), null, 1234, left);
    a.accumulate(Arrays.copyOfRange(b[0], 1234, N), Arrays.copyOfRange(b[1], 1234, N), null,
        N - 1234, right);
    BatchStats l = new BatchStats(1234, 0, left);
    l.merge(new BatchStats(N - 1234, 0, right));
    assertEquals(a.logs(whole, N, "").get("auc"), l.metricLogs(a, "").get("auc"), 1e-12);
  }

  @Test
  void namesObjectsAndRefusals() {
    assertEquals("auc", Metrics.check("AUC"));
    assertEquals("root_mean_squared_error", Metrics.check("rmse"));
    assertEquals("f1_score", Metrics.check("{\"class_name\": \"F1Score\", \"config\": {}}"));
    String pr = Metrics.check(
        "{\"class_name\": \"AUC\", \"config\": {\"curve\": \"PR\", \"num_thresholds\": 200}}");
    assertEquals("{\"class_name\":\"AUC\",\"config\":{\"curve\":\"PR\",\"num_thresholds\":200}}",
        pr);
    assertEquals("auc", Metrics.check("{\"class_name\": \"AUC\", \"config\": {\"num_thresholds\":"
        + " 10000}}"));
    assertEquals(pr, Metrics.check(pr));
    assertEquals(pr, Metrics.check("AUC(curve='PR', num_thresholds=200)"));
    assertEquals("{\"class_name\":\"Precision\",\"config\":{\"name\":\"p7\",\"thresholds\":0.7}}",
        Metrics.check("Precision(thresholds=0.7, name=\"p7\")"));
    assertEquals("{\"class_name\":\"TopKCategoricalAccuracy\",\"config\":{\"k\":3}}",
        Metrics.check("TopKCategoricalAccuracy(k=3)"));
    assertEquals("{\"class_name\":\"F1Score\",\"config\":{\"threshold\":0.5,\"average\":\"micro\"}}",
        Metrics.check("F1Score(average='micro', threshold=0.5)"));
    assertEquals("f1_score", Metrics.check("F1Score(average=None, threshold=None)"));
    assertEquals("pr_auc", Metrics.historyName(pr));
    assertEquals("top_k_categorical_accuracy",
        Metrics.historyName(Metrics.check("{\"class_name\": \"TopKCategoricalAccuracy\","
            + " \"config\": {\"k\": 3}}")));
    SpecException e = assertThrows(SpecException.class, () -> Metrics.check(
        "{\"class_name\": \"AUC\", \"config\": {\"summation_method\": \"minoring\"}}"));
    assertTrue(e.getMessage().contains("summation_method"), e.getMessage());
    e = assertThrows(SpecException.class, () -> Metrics.check(
        "{\"class_name\": \"F1Score\", \"config\": {\"average\": \"samples\"}}"));
    assertTrue(e.getMessage().contains("Received: average=samples"), e.getMessage());
    e = assertThrows(SpecException.class, () -> Metrics.check(
        "{\"class_name\": \"Precision\", \"config\": {\"top_k\": 2}}"));
    assertTrue(e.getMessage().contains("top_k"), e.getMessage());
    e = assertThrows(SpecException.class, () -> Metrics.check(
        "{\"class_name\": \"AUC\", \"config\": {\"curv\": \"PR\"}}"));
    assertTrue(e.getMessage().contains("no config key 'curv'"), e.getMessage());
    e = assertThrows(SpecException.class, () -> Metrics.check(List.of("precision",
        "{\"class_name\": \"Precision\", \"config\": {\"thresholds\": 0.7}}")));
    assertTrue(e.getMessage().contains("both report as 'precision'"), e.getMessage());
    // what Keras 3's AUC.get_config() writes: its own evenly spaced inner thresholds
    StringBuilder t = new StringBuilder();
    for (int i = 1; i <= 198; i++) {
      t.append(i == 1 ? "" : ", ").append(i / 199.0);
    }
    String keras = "{\"module\": \"keras.metrics\", \"class_name\": \"AUC\", \"config\":"
        + " {\"name\": \"auc\", \"dtype\": \"float32\", \"num_thresholds\": 200, \"curve\": \"ROC\","
        + " \"summation_method\": \"interpolation\", \"multi_label\": false, \"num_labels\": null,"
        + " \"label_weights\": null, \"from_logits\": false, \"thresholds\": [" + t + "]},"
        + " \"registered_name\": null}";
    String auc200 = Metrics.check(keras);
    assertEquals("{\"class_name\":\"AUC\",\"config\":{\"num_thresholds\":200}}", auc200);
    // and back out as Keras' object, settings named, and in again
    for (String x : List.of(auc200, pr, "auc", "{\"class_name\":\"F1Score\","
        + "\"config\":{\"name\":\"f\",\"average\":\"macro\",\"threshold\":0.3}}")) {
      String c = Metrics.check(x);
      String out = dev.sparkdl.spec.MetricSpec.parse(c).kerasJson();
      assertTrue(out.contains("\"module\":\"keras.metrics\""), out);
      assertEquals(c, Metrics.check(out), out);
    }
    e = assertThrows(SpecException.class, () -> Metrics.check(
        "{\"class_name\": \"Hinge\", \"config\": {}}"));
    assertTrue(e.getMessage().contains("Supported class names"), e.getMessage());
  }
}
