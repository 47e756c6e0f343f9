package dev.sparkdl.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sparkdl.spec.Bidirectional;
import dev.sparkdl.spec.Dense;
import dev.sparkdl.spec.Dropout;
import dev.sparkdl.spec.Embedding;
import dev.sparkdl.spec.GlobalPooling;
import dev.sparkdl.spec.LayerSpec;
import dev.sparkdl.spec.Recurrent;
import dev.sparkdl.spec.Sequential;
import dev.sparkdl.spec.SpatialDropout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Embedding(mask_zero=True) and the layers after it against a plain-Java double-precision
 * implementation of Keras 3's masked RNN loop (backend {@code rnn} with a mask): at a masked
 * step the states are carried over, the output is the previous output (zeros with {@code
 * zero_output_for_mask}, which Bidirectional sets when returning sequences), and go_backwards
 * reads the steps and the mask backwards. Weights in Keras' layout via {@code setKerasWeights}.
 */
class MaskingNumericsTest {
  private static final int V = 9;
  private static final int E = 3;
  private static final int T = 6;
  private static final int U = 4;
  private final SplittableRandom rnd = new SplittableRandom(7);

  /** Index rows: post-padded, pre-padded, padded in the middle, unpadded, all padding. */
  private static final float[][] ROWS = {
    {3, 5, 1, 0, 0, 0},
    {0, 0, 0, 3, 5, 1},
    {2, 0, 7, 7, 0, 4},
    {8, 1, 2, 6, 4, 3},
    {0, 0, 0, 0, 0, 0},
  };

  private float[] random(int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) rnd.nextDouble(-0.8, 0.8);
    }
    return v;
  }

  private static float[] inputs(float[][] rows) {
    float[] x = new float[rows.length * T];
    for (int n = 0; n < rows.length; n++) {
      System.arraycopy(rows[n], 0, x, n * T, T);
    }
    return x;
  }

  /** Keras arrays of one recurrent layer: kernel, recurrent kernel, bias. */
  private List<Tensor> recurrentWeights(String kind, int in) {
    int g = "LSTM".equals(kind) ? 4 : "GRU".equals(kind) ? 3 : 1;
    return List.of(new Tensor(new int[] {in, g * U}, random(in * g * U)),
        new Tensor(new int[] {U, g * U}, random(U * g * U)),
        "GRU".equals(kind) ? new Tensor(new int[] {2, g * U}, random(2 * g * U))
            : Tensor.of(random(g * U)));
  }

  private static double sigmoid(double v) {
    return 1 / (1 + Math.exp(-v));
  }

  /** x·W[:, col0 .. col0+U) for a row-major (rows, cols) Keras kernel. */
  private static double[] dot(double[] x, float[] w, int cols, int col0) {
    double[] y = new double[U];
    for (int j = 0; j < U; j++) {
      for (int i = 0; i < x.length; i++) {
        y[j] += x[i] * w[i * cols + col0 + j];
      }
    }
    return y;
  }

  /**
   * Keras' masked RNN loop over {@code x} (steps × features), outputs in processing order.
   *
   * @param w kernel, recurrent kernel, bias in Keras' layout and gate order (LSTM i f c o, GRU
   *     z r h with reset_after, bias (2, 3u))
   */
  static double[][] kerasRnn(String kind, double[][] x, boolean[] mask, boolean backwards,
      boolean zeroOutput, List<Tensor> w) {
    int steps = x.length;
    int g = "LSTM".equals(kind) ? 4 : "GRU".equals(kind) ? 3 : 1;
    int cols = g * U;
    float[] k = w.get(0).values();
    float[] rk = w.get(1).values();
    float[] b = w.get(2).values();
    double[] h = new double[U];
    double[] c = new double[U];
    double[] prevOut = new double[U];
    double[][] out = new double[steps][];
    for (int s = 0; s < steps; s++) {
      int t = backwards ? steps - 1 - s : s;
      double[] nh = new double[U];
      double[] nc = new double[U];
      if ("LSTM".equals(kind)) {
        double[][] gate = new double[4][];
        for (int q = 0; q < 4; q++) {
          double[] a = dot(x[t], k, cols, q * U);
          double[] r = dot(h, rk, cols, q * U);
          gate[q] = new double[U];
          for (int j = 0; j < U; j++) {
            gate[q][j] = a[j] + r[j] + b[q * U + j];
          }
        }
        for (int j = 0; j < U; j++) {
          nc[j] = sigmoid(gate[1][j]) * c[j] + sigmoid(gate[0][j]) * Math.tanh(gate[2][j]);
          nh[j] = sigmoid(gate[3][j]) * Math.tanh(nc[j]);
        }
      } else if ("GRU".equals(kind)) {
        double[][] xin = new double[3][];
        double[][] rec = new double[3][];
        for (int q = 0; q < 3; q++) {
          xin[q] = dot(x[t], k, cols, q * U);
          rec[q] = dot(h, rk, cols, q * U);
          for (int j = 0; j < U; j++) {
            xin[q][j] += b[q * U + j];
            rec[q][j] += b[cols + q * U + j];
          }
        }
        for (int j = 0; j < U; j++) {
          double z = sigmoid(xin[0][j] + rec[0][j]);
          double r = sigmoid(xin[1][j] + rec[1][j]);
          double hh = Math.tanh(xin[2][j] + r * rec[2][j]);
          nh[j] = z * h[j] + (1 - z) * hh;
        }
      } else {
        double[] a = dot(x[t], k, cols, 0);
        double[] r = dot(h, rk, cols, 0);
        for (int j = 0; j < U; j++) {
          nh[j] = Math.tanh(a[j] + r[j] + b[j]);
        }
      }
      if (mask[t]) {
        h = nh;
        c = nc;
        prevOut = nh;
        out[s] = nh;
      } else {
        out[s] = zeroOutput ? new double[U] : prevOut;
      }
    }
    return out;
  }

  private static double[][] embed(float[] row, float[] table) {
    double[][] x = new double[row.length][E];
    for (int t = 0; t < row.length; t++) {
      for (int e = 0; e < E; e++) {
        x[t][e] = table[(int) row[t] * E + e];
      }
    }
    return x;
  }

  private static boolean[] maskOf(float[] row) {
    boolean[] m = new boolean[row.length];
    for (int t = 0; t < row.length; t++) {
      m[t] = row[t] != 0;
    }
    return m;
  }

  private static float[] predict(List<LayerSpec> layers, List<Tensor> weights, float[][] rows) {
    try (Network net = Network.create(new Sequential(layers, List.of(T)), null, 3)) {
      net.setKerasWeights(weights);
      return net.predict(inputs(rows), rows.length);
    }
  }

  private static float[] flat(List<double[]> rows) {
    int n = rows.stream().mapToInt(r -> r.length).sum();
    float[] f = new float[n];
    int i = 0;
    for (double[] r : rows) {
      for (double v : r) {
        f[i++] = (float) v;
      }
    }
    return f;
  }

  private static Embedding masking() {
    return Embedding.of(V, E).maskZero(true);
  }

  @Test
  void recurrentLayersSkipPaddedStepsAsKeras() {
    for (String kind : Recurrent.KINDS) {
      for (boolean backwards : new boolean[] {false, true}) {
        Recurrent r = new Recurrent(kind, U, "tanh", false).goBackwards(backwards);
        float[] table = random(V * E);
        List<Tensor> rw = recurrentWeights(kind, E);
        List<Tensor> weights = new ArrayList<>(List.of(new Tensor(new int[] {V, E}, table)));
        weights.addAll(rw);
        float[] got = predict(List.of(masking(), r), weights, ROWS);
        List<double[]> want = new ArrayList<>();
        for (float[] row : ROWS) {
          double[][] y = kerasRnn(kind, embed(row, table), maskOf(row), backwards, false, rw);
          want.add(y[T - 1]);
        }
        assertArrayEquals(flat(want), got, 1e-5f, kind + " go_backwards=" + backwards);
        if (!backwards) {
          // the same tokens pre- and post-padded give the same last state
          assertArrayEquals(Arrays.copyOfRange(got, 0, U), Arrays.copyOfRange(got, U, 2 * U),
              1e-5f, kind + ": pre- and post-padding");
        }
        for (int j = 4 * U; j < 5 * U; j++) {
          assertEquals(0f, got[j], kind + ": a row of padding only keeps the zero state");
        }
      }
    }
  }

  /**
   * Stacked: the first layer returns sequences (its masked steps repeat the previous output)
   * and the mask continues to the second; Dropout and SpatialDropout1D between carry it.
   */
  @Test
  void stackedLayersPassTheMaskOn() {
    for (String kind : new String[] {"LSTM", "GRU"}) {
      float[] table = random(V * E);
      List<Tensor> w1 = recurrentWeights(kind, E);
      List<Tensor> w2 = recurrentWeights("SimpleRNN", U);
      List<Tensor> weights = new ArrayList<>(List.of(new Tensor(new int[] {V, E}, table)));
      weights.addAll(w1);
      weights.addAll(w2);
      float[] got = predict(List.of(masking(), new SpatialDropout(1, 0.3, null),
          new Recurrent(kind, U, "tanh", true), Dropout.rate(0.2), Recurrent.simpleRnn(U)),
          weights, ROWS);
      List<double[]> want = new ArrayList<>();
      for (float[] row : ROWS) {
        double[][] y1 = kerasRnn(kind, embed(row, table), maskOf(row), false, false, w1);
        want.add(kerasRnn("SimpleRNN", y1, maskOf(row), false, false, w2)[T - 1]);
      }
      assertArrayEquals(flat(want), got, 1e-5f, kind + " then SimpleRNN");
    }
  }

  /**
   * Returned sequences seen through GlobalMaxPooling1D (which Keras 3 lets take every step):
   * a layer of its own repeats the previous output at masked steps, Bidirectional's layers
   * output zeros there (zero_output_for_mask), the backward one reading the mask backwards.
   */
  @Test
  void returnedSequencesAndBidirectionalMatchKeras() {
    GlobalPooling max = new GlobalPooling("Max", 1, null, false);
    float[] table = random(V * E);
    float[][] rows = Arrays.copyOf(ROWS, 4);
    // LSTM(return_sequences=True) on its own
    List<Tensor> w = recurrentWeights("LSTM", E);
    List<Tensor> weights = new ArrayList<>(List.of(new Tensor(new int[] {V, E}, table)));
    weights.addAll(w);
    float[] got = predict(List.of(masking(), new Recurrent("LSTM", U, "tanh", true), max),
        weights, rows);
    List<double[]> want = new ArrayList<>();
    for (float[] row : rows) {
      want.add(maxOver(kerasRnn("LSTM", embed(row, table), maskOf(row), false, false, w)));
    }
    assertArrayEquals(flat(want), got, 1e-5f, "LSTM(return_sequences=True) + max");

    for (String kind : new String[] {"LSTM", "GRU"}) {
      for (boolean sequences : new boolean[] {false, true}) {
        List<Tensor> fw = recurrentWeights(kind, E);
        List<Tensor> bw = recurrentWeights(kind, E);
        weights = new ArrayList<>(List.of(new Tensor(new int[] {V, E}, table)));
        weights.addAll(fw);
        weights.addAll(bw);
        Bidirectional b = Bidirectional.of(new Recurrent(kind, U, "tanh", sequences));
        got = predict(sequences ? List.of(masking(), b, max) : List.of(masking(), b), weights,
            rows);
        want = new ArrayList<>();
        for (float[] row : rows) {
          double[][] x = embed(row, table);
          double[][] y = kerasRnn(kind, x, maskOf(row), false, sequences, fw);
          double[][] yRev = kerasRnn(kind, x, maskOf(row), true, sequences, bw);
          if (!sequences) {
            want.add(concat(y[T - 1], yRev[T - 1]));
          } else {
            double[][] merged = new double[T][];
            for (int t = 0; t < T; t++) {
              merged[t] = concat(y[t], yRev[T - 1 - t]);
            }
            want.add(maxOver(merged));
          }
        }
        assertArrayEquals(flat(want), got, 1e-5f, "Bidirectional(" + kind
            + ", return_sequences=" + sequences + ")");
      }
    }
  }

  /** The text-classification tutorial's model, numerically. */
  @Test
  void tutorialModelMatchesKeras() {
    float[] table = random(V * E);
    List<Tensor> fw = recurrentWeights("LSTM", E);
    List<Tensor> bw = recurrentWeights("LSTM", E);
    float[] k1 = random(2 * U * 5);
    float[] b1 = random(5);
    float[] k2 = random(5);
    float[] b2 = random(1);
    List<Tensor> weights = new ArrayList<>(List.of(new Tensor(new int[] {V, E}, table)));
    weights.addAll(fw);
    weights.addAll(bw);
    weights.addAll(List.of(new Tensor(new int[] {2 * U, 5}, k1), Tensor.of(b1),
        new Tensor(new int[] {5, 1}, k2), Tensor.of(b2)));
    float[] got = predict(List.of(masking(), Bidirectional.of(Recurrent.lstm(U)),
        Dense.units(5).activation("relu"), Dense.units(1)), weights, ROWS);
    for (int n = 0; n < ROWS.length; n++) {
      double[][] x = embed(ROWS[n], table);
      double[] h = concat(kerasRnn("LSTM", x, maskOf(ROWS[n]), false, false, fw)[T - 1],
          kerasRnn("LSTM", x, maskOf(ROWS[n]), true, false, bw)[T - 1]);
      double out = b2[0];
      for (int j = 0; j < 5; j++) {
        double a = b1[j];
        for (int i = 0; i < 2 * U; i++) {
          a += h[i] * k1[i * 5 + j];
        }
        out += Math.max(0, a) * k2[j];
      }
      assertEquals(out, got[n], 1e-5, "row " + n);
    }
  }

  /** GlobalAveragePooling1D after a masked sequence averages the unmasked steps only. */
  @Test
  void globalAveragePoolingAveragesUnmaskedSteps() {
    float[] table = random(V * E);
    float[] k = random(E * 2);
    float[] b = random(2);
    List<Tensor> weights = List.of(new Tensor(new int[] {V, E}, table),
        new Tensor(new int[] {E, 2}, k), Tensor.of(b));
    for (boolean keepdims : new boolean[] {false, true}) {
      float[] got = predict(List.of(masking(), Dense.units(2).activation("tanh"),
          new GlobalPooling("Average", 1, null, keepdims)), weights, ROWS);
      for (int n = 0; n < 4; n++) {
        double[] sum = new double[2];
        int count = 0;
        for (int t = 0; t < T; t++) {
          if (ROWS[n][t] == 0) {
            continue;
          }
          count++;
          for (int j = 0; j < 2; j++) {
            double a = b[j];
            for (int e = 0; e < E; e++) {
              a += table[(int) ROWS[n][t] * E + e] * k[e * 2 + j];
            }
            sum[j] += Math.tanh(a);
          }
        }
        for (int j = 0; j < 2; j++) {
          assertEquals(sum[j] / count, got[n * 2 + j], 1e-5, "row " + n);
        }
      }
      // a row of padding only averages to 0 (Keras divides 0 by 0: NaN, never handed out here)
      assertEquals(0f, got[8], 0f, "all-padding row");
      assertEquals(0f, got[9], 0f, "all-padding row");
    }
  }

  private static double[] maxOver(double[][] y) {
    double[] m = new double[y[0].length];
    Arrays.fill(m, Double.NEGATIVE_INFINITY);
    for (double[] step : y) {
      for (int j = 0; j < m.length; j++) {
        m[j] = Math.max(m[j], step[j]);
      }
    }
    return m;
  }

  private static double[] concat(double[] a, double[] b) {
    double[] c = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }
}
