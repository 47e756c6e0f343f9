package dev.sparkdl.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sparkdl.spec.CompileOptions;
import dev.sparkdl.spec.Dense;
import dev.sparkdl.spec.Loss;
import dev.sparkdl.spec.Optimizer;
import dev.sparkdl.spec.Sequential;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Sample weights in the loss, Keras 3's {@code sum_over_batch_size}: the per-sample losses times
 * the weights, summed and divided by the batch size. Checked against the per-row losses the same
 * network computes one row at a time, and against duplicating a row (weight 2).
 */
class SampleWeightLossTest {
  private static final int N = 9;

  private static void check(Sequential spec, String loss, float[] x, float[] y, int inputs,
      int targets) {
    CompileOptions c = new CompileOptions(Loss.of(loss), new Optimizer.SGD(0.1, 0, false),
        List.of());
    try (Network net = Network.create(spec, c, 3)) {
      float[] w = new float[N];
      SplittableRandom r = new SplittableRandom(4);
      for (int i = 0; i < N; i++) {
        w[i] = (float) (r.nextDouble() * 3);
      }
      w[2] = 0;
      double expected = 0;
      for (int i = 0; i < N; i++) {
        float[] xi = java.util.Arrays.copyOfRange(x, i * inputs, (i + 1) * inputs);
        float[] yi = java.util.Arrays.copyOfRange(y, i * targets, (i + 1) * targets);
        expected += w[i] * net.evaluate(xi, yi, 1).meanLoss();
      }
      expected /= N; // divided by the batch size, not by the weights' sum
      BatchStats weighted = net.evaluate(x, y, w, N);
      assertEquals(expected, weighted.meanLoss(), 1e-5 * Math.max(1, Math.abs(expected)), loss);

      // weight 2 on row 0 sums to the same loss as row 0 twice
      float[] two = new float[N];
      java.util.Arrays.fill(two, 1f);
      two[0] = 2;
      float[] xd = new float[(N + 1) * inputs];
      float[] yd = new float[(N + 1) * targets];
      System.arraycopy(x, 0, xd, 0, N * inputs);
      System.arraycopy(y, 0, yd, 0, N * targets);
      System.arraycopy(x, 0, xd, N * inputs, inputs);
      System.arraycopy(y, 0, yd, N * targets, targets);
      double sumWeighted = net.evaluate(x, y, two, N).meanLoss() * N;
      double sumDuplicated = net.evaluate(xd, yd, N + 1).meanLoss() * (N + 1);
      assertEquals(sumDuplicated, sumWeighted, 1e-5 * Math.abs(sumDuplicated), loss);
      // weights of 1 are no weights
      assertEquals(net.evaluate(x, y, N).meanLoss(),
          net.evaluate(x, y, ones(), N).meanLoss(), 1e-7, loss);
    }
  }

  private static float[] ones() {
    float[] o = new float[N];
    java.util.Arrays.fill(o, 1f);
    return o;
  }

  private static float[] gaussian(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) r.nextGaussian();
    }
    return v;
  }

  @Test
  void crossEntropiesAndRegressionLosses() {
    float[] x = gaussian(N * 2, 1);
    float[] oneHot = new float[N * 3];
    float[] binary = new float[N];
    for (int i = 0; i < N; i++) {
      oneHot[i * 3 + i % 3] = 1;
      binary[i] = i % 2;
    }
    check(Sequential.of(Dense.units(3).activation("softmax")).inputShape(2),
        "categorical_crossentropy", x, oneHot, 2, 3);
    check(Sequential.of(Dense.units(1).activation("sigmoid")).inputShape(2),
        "binary_crossentropy", x, binary, 2, 1);
    check(Sequential.of(Dense.units(1)).inputShape(2), "mse", x, gaussian(N, 2), 2, 1);
    check(Sequential.of(Dense.units(1)).inputShape(2), "huber", x, gaussian(N, 3), 2, 1);
  }

  /**
   * The metrics are weighted as Spark's evaluators with a weightCol (Keras' weighted_metrics):
   * accuracy and mse are Σ w·value / Σ w of the per-row values, precision and AUC count each
   * row's weight — equal to repeating a row of weight 2.
   */
  @Test
  void metricsCountEachRowsWeight() {
    Sequential spec = Sequential.of(Dense.units(1).activation("sigmoid")).inputShape(2);
    CompileOptions c = new CompileOptions(Loss.of("binary_crossentropy"),
        new Optimizer.SGD(0.1, 0, false), List.of("accuracy", "mse", "precision", "auc"));
    float[] x = gaussian(N * 2, 7);
    float[] y = new float[N];
    for (int i = 0; i < N; i++) {
      y[i] = i % 3 == 0 ? 1 : 0;
    }
    float[] w = {2, 1, 0.5f, 3, 1, 1, 2, 0.25f, 1};
    MetricStatistics layout = MetricStatistics.of(c.metrics(), 1, "sigmoid");
    try (Network net = Network.create(spec, c, 3)) {
      float[] p = net.predict(x, N);
      double acc = 0;
      double mse = 0;
      double sw = 0;
      for (int i = 0; i < N; i++) {
        acc += w[i] * ((p[i] > 0.5f) == (y[i] > 0.5f) ? 1 : 0);
        mse += w[i] * (p[i] - y[i]) * (p[i] - y[i]);
        sw += w[i];
      }
      var logs = net.evaluate(x, y, w, N).metricLogs(layout, "");
      assertEquals(acc / sw, logs.get("accuracy"), 1e-6);
      assertEquals(mse / sw, logs.get("mse"), 1e-6);
      // integer weights: the same as each row repeated w times
      float[] wi = {2, 1, 3, 1, 2, 1, 1, 2, 1};
      int total = 0;
      for (float v : wi) {
        total += (int) v;
      }
      float[] xr = new float[total * 2];
      float[] yr = new float[total];
      for (int i = 0, k = 0; i < N; i++) {
        for (int rep = 0; rep < wi[i]; rep++, k++) {
          xr[2 * k] = x[2 * i];
          xr[2 * k + 1] = x[2 * i + 1];
          yr[k] = y[i];
        }
      }
      var weighted = net.evaluate(x, y, wi, N).metricLogs(layout, "");
      var repeated = net.evaluate(xr, yr, total).metricLogs(layout, "");
      for (String m : List.of("accuracy", "mse", "precision", "auc")) {
        assertEquals(repeated.get(m), weighted.get(m), 1e-6, m);
      }
    }
  }

  @Test
  void aZeroWeightRowDoesNotMoveTheWeights() {
    Sequential spec = Sequential.of(Dense.units(1).activation("sigmoid")).inputShape(2);
    CompileOptions c = new CompileOptions(Loss.of("binary_crossentropy"),
        new Optimizer.SGD(0.5, 0, false), List.of());
    float[] x = gaussian(N * 2, 5);
    float[] y = new float[N];
    for (int i = 0; i < N; i++) {
      y[i] = i % 2;
    }
    try (Network a = Network.create(spec, c, 3); Network b = Network.create(spec, c, 3)) {
      float[] w = ones();
      w[4] = 0;
      // Keras: row 4 adds nothing; the sum is still divided by all N rows
      float[] scaled = ones();
      for (int step = 0; step < 3; step++) {
        a.trainBatch(x, y, w, N);
        float[] xb = new float[(N - 1) * 2];
        float[] yb = new float[N - 1];
        for (int i = 0, k = 0; i < N; i++) {
          if (i != 4) {
            xb[2 * k] = x[2 * i];
            xb[2 * k + 1] = x[2 * i + 1];
            yb[k++] = y[i];
          }
        }
        float[] s = java.util.Arrays.copyOf(scaled, N - 1);
        java.util.Arrays.fill(s, (float) (N - 1) / N);
        b.trainBatch(xb, yb, s, N - 1);
      }
      float[][] wa = a.weights().arrays();
      float[][] wb = b.weights().arrays();
      for (int i = 0; i < wa.length; i++) {
        for (int j = 0; j < wa[i].length; j++) {
          assertEquals(wb[i][j], wa[i][j], 1e-6, "weight " + i + "/" + j);
        }
      }
    }
  }
}
