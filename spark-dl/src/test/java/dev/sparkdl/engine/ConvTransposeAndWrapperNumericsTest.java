package dev.sparkdl.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sparkdl.spec.Bidirectional;
import dev.sparkdl.spec.Conv2D;
import dev.sparkdl.spec.Conv2DTranspose;
import dev.sparkdl.spec.Dense;
import dev.sparkdl.spec.DepthwiseConv2D;
import dev.sparkdl.spec.Flatten;
import dev.sparkdl.spec.LayerSpec;
import dev.sparkdl.spec.Recurrent;
import dev.sparkdl.spec.SeparableConv;
import dev.sparkdl.spec.Sequential;
import dev.sparkdl.spec.TimeDistributed;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Conv2DTranspose, DepthwiseConv2D, SeparableConv1D/2D, Bidirectional and TimeDistributed
 * against plain-Java double-precision references of Keras' definitions, weights given in
 * Keras' layout (and read back unchanged).
 */
class ConvTransposeAndWrapperNumericsTest {
  private final SplittableRandom rnd = new SplittableRandom(16);

  private float[] random(int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) rnd.nextDouble(-1, 1);
    }
    return v;
  }

  private static float[] run(LayerSpec layer, List<Integer> inputShape, List<Tensor> weights,
      float[] x, int n) {
    try (Network net = Network.create(Sequential.of(layer, Flatten.of())
        .withInputShape(inputShape), null, 1)) {
      net.setKerasWeights(weights);
      assertEquals(weights, net.kerasWeights(), "Keras weights round-trip");
      assertEquals(layer.paramCount(inputShape),
          weights.stream().mapToLong(t -> t.values().length).sum(), "param count");
      return net.predict(x, n);
    }
  }

  /**
   * TensorFlow's conv2d_transpose is the adjoint (gradient) of conv2d on an input of the output
   * size: out[j] = sum_i y[i] * conv2d(e_j)[i], with Keras' transposed kernel (kh, kw, filters,
   * channels) read as Conv2D's (kh, kw, in=filters, out=channels). The forward convolution is
   * {@link LayerNumericsTest#conv2d}, checked against Keras there.
   */
  private static float[] transposedByAdjoint(float[] y, int h, int w, int c, float[] k, int kh,
      int kw, int f, float[] bias, int s, boolean same, int oh, int ow) {
    float[] zero = new float[c];
    double[] out = new double[oh * ow * f];
    float[] e = new float[oh * ow * f];
    for (int j = 0; j < e.length; j++) {
      e[j] = 1;
      float[] conv = LayerNumericsTest.conv2d(e, oh, ow, f, k, kh, kw, c, zero, s, same);
      assertEquals(y.length, conv.length, "the forward convolution maps the output size back");
      double acc = 0;
      for (int i = 0; i < y.length; i++) {
        acc += (double) y[i] * conv[i];
      }
      out[j] = acc + bias[j % f];
      e[j] = 0;
    }
    float[] r = new float[out.length];
    for (int i = 0; i < r.length; i++) {
      r[i] = (float) out[i];
    }
    return r;
  }

  @Test
  void conv2dTransposeMatchesTheAdjointOfKerasConv2d() {
    int h = 3;
    int w = 4;
    int c = 2;
    int f = 3;
    // kernel, stride, padding, output padding (null: inferred) and the output size Keras gives
    Object[][] cases = {
      {3, 2, "same", null, 6, 8},
      {3, 2, "valid", null, 7, 9},
      {3, 2, "same", new int[] {1, 1}, 6, 8},
      {3, 2, "same", new int[] {0, 1}, 5, 8},
      {3, 2, "valid", new int[] {1, 0}, 8, 9},
      {4, 2, "same", null, 6, 8},
      {2, 2, "same", null, 6, 8},
      {2, 3, "valid", null, 9, 12},
      {4, 3, "same", new int[] {2, 1}, 8, 10},
      {3, 1, "same", null, 3, 4},
      {5, 1, "valid", null, 7, 8},
    };
    for (Object[] cs : cases) {
      int k = (int) cs[0];
      int s = (int) cs[1];
      boolean same = "same".equals(cs[2]);
      int[] op = (int[]) cs[3];
      Conv2DTranspose layer = Conv2DTranspose.filters(f).kernelSize(k, k).strides(s, s)
          .padding((String) cs[2]);
      if (op != null) {
        layer = layer.outputPadding(op[0], op[1]);
      }
      String what = layer.toJson();
      int oh = (int) cs[4];
      int ow = (int) cs[5];
      assertEquals(List.of(oh, ow, f), layer.outputShape(List.of(h, w, c)), what);
      float[] x = random(h * w * c);
      float[] kernel = random(k * k * f * c);
      float[] bias = random(f);
      float[] got = run(layer, List.of(h, w, c),
          List.of(new Tensor(new int[] {k, k, f, c}, kernel), Tensor.of(bias)), x, 1);
      assertArrayEquals(transposedByAdjoint(x, h, w, c, kernel, k, k, f, bias, s, same, oh, ow),
          got, 1e-5f, what);
    }
  }

  @Test
  void conv2dTransposeWithoutBiasAndChannelsFirst() {
    float[] x = random(2 * 3 * 3);
    float[] kernel = random(3 * 3 * 2 * 2);
    float[] want = transposedByAdjoint(x, 3, 3, 2, kernel, 3, 3, 2, new float[2], 2, true, 6, 6);
    assertArrayEquals(want, run(Conv2DTranspose.filters(2).strides(2, 2).padding("same")
        .useBias(false), List.of(3, 3, 2), List.of(new Tensor(new int[] {3, 3, 2, 2}, kernel)), x,
        1), 1e-5f);
    float[] cf = run(Conv2DTranspose.filters(2).strides(2, 2).padding("same").useBias(false)
        .dataFormat("channels_first"), List.of(2, 3, 3),
        List.of(new Tensor(new int[] {3, 3, 2, 2}, kernel)), toChannelsFirst(x,
            3, 3, 2), 1);
    assertArrayEquals(toChannelsFirst(want, 6, 6, 2), cf, 1e-5f);
  }

  /** (h, w, c) to (c, h, w). */
  private static float[] toChannelsFirst(float[] x, int h, int w, int c) {
    float[] y = new float[x.length];
    for (int i = 0; i < h * w; i++) {
      for (int ch = 0; ch < c; ch++) {
        y[ch * h * w + i] = x[i * c + ch];
      }
    }
    return y;
  }

  /** Keras' depthwise convolution: output channel c * m + q from input channel c. */
  private static double[] depthwise(float[] x, int h, int w, int c, float[] k, int kh, int kw,
      int m, float[] bias, int s, int dil, boolean same) {
    int ekh = dil * (kh - 1) + 1;
    int ekw = dil * (kw - 1) + 1;
    int oh = same ? (h + s - 1) / s : (h - ekh) / s + 1;
    int ow = same ? (w + s - 1) / s : (w - ekw) / s + 1;
    int ph = same ? Math.max((oh - 1) * s + ekh - h, 0) / 2 : 0;
    int pw = same ? Math.max((ow - 1) * s + ekw - w, 0) / 2 : 0;
    double[] out = new double[oh * ow * c * m];
    for (int i = 0; i < oh; i++) {
      for (int j = 0; j < ow; j++) {
        for (int ch = 0; ch < c; ch++) {
          for (int q = 0; q < m; q++) {
            double acc = bias == null ? 0 : bias[ch * m + q];
            for (int a = 0; a < kh; a++) {
              for (int b = 0; b < kw; b++) {
                int y = i * s + a * dil - ph;
                int z = j * s + b * dil - pw;
                if (y >= 0 && z >= 0 && y < h && z < w) {
                  acc += (double) x[(y * w + z) * c + ch] * k[((a * kw + b) * c + ch) * m + q];
                }
              }
            }
            out[((i * ow + j) * c + ch) * m + q] = acc;
          }
        }
      }
    }
    return out;
  }

  private static float[] floats(double[] d) {
    float[] f = new float[d.length];
    for (int i = 0; i < d.length; i++) {
      f[i] = (float) d[i];
    }
    return f;
  }

  @Test
  void depthwiseConv2dMatchesKeras() {
    int h = 5;
    int w = 6;
    int c = 3;
    for (String padding : new String[] {"valid", "same"}) {
      for (int[] sdm : new int[][] {{1, 1, 1}, {2, 1, 2}, {1, 2, 3}}) {
        int s = sdm[0];
        int dil = sdm[1];
        int m = sdm[2];
        float[] x = random(h * w * c);
        float[] k = random(3 * 2 * c * m);
        float[] b = random(c * m);
        DepthwiseConv2D layer = DepthwiseConv2D.kernelSize(3, 2).strides(s, s).padding(padding)
            .depthMultiplier(m).dilationRate(dil, dil);
        float[] got = run(layer, List.of(h, w, c),
            List.of(new Tensor(new int[] {3, 2, c, m}, k), Tensor.of(b)), x, 1);
        assertArrayEquals(floats(depthwise(x, h, w, c, k, 3, 2, m, b, s, dil,
            "same".equals(padding))), got, 1e-5f, layer.toJson());
      }
    }
  }

  /** Depthwise (no bias), then a 1x1 convolution with the bias. */
  private static float[] separable(float[] x, int h, int w, int c, float[] dk, int kh, int kw,
      int m, float[] pk, int f, float[] bias, int s, boolean same) {
    float[] mid = floats(depthwise(x, h, w, c, dk, kh, kw, m, null, s, 1, same));
    int positions = mid.length / (c * m);
    double[] out = new double[positions * f];
    for (int p = 0; p < positions; p++) {
      for (int o = 0; o < f; o++) {
        double acc = bias[o];
        for (int i = 0; i < c * m; i++) {
          acc += (double) mid[p * c * m + i] * pk[i * f + o];
        }
        out[p * f + o] = acc;
      }
    }
    return floats(out);
  }

  @Test
  void separableConv2dAnd1dMatchKeras() {
    int h = 6;
    int w = 5;
    int c = 2;
    int m = 2;
    int f = 3;
    for (String padding : new String[] {"valid", "same"}) {
      for (int s : new int[] {1, 2}) {
        float[] x = random(h * w * c);
        float[] dk = random(3 * 3 * c * m);
        float[] pk = random(c * m * f);
        float[] b = random(f);
        SeparableConv layer = SeparableConv.conv2D(f, 3, 3).strides(s, s).padding(padding)
            .depthMultiplier(m);
        float[] got = run(layer, List.of(h, w, c), List.of(new Tensor(new int[] {3, 3, c, m}, dk),
            new Tensor(new int[] {1, 1, c * m, f}, pk), Tensor.of(b)), x, 1);
        assertArrayEquals(separable(x, h, w, c, dk, 3, 3, m, pk, f, b, s, "same".equals(padding)),
            got, 1e-5f, layer.toJson());
        // 1-D: the same over a one-pixel-wide image, (k, c, m) is (k, 1, c, m) row-major
        float[] dk1 = random(3 * c * m);
        SeparableConv one = SeparableConv.conv1D(f, 3).strides(s).padding(padding)
            .depthMultiplier(m);
        float[] x1 = random(h * c);
        float[] got1 = run(one, List.of(h, c), List.of(new Tensor(new int[] {3, c, m}, dk1),
            new Tensor(new int[] {1, c * m, f}, pk), Tensor.of(b)), x1, 1);
        float[] want1 = separable(x1, h, 1, c, dk1, 3, 1, m, pk, f, b, s, "same".equals(padding));
        assertArrayEquals(want1, got1, 1e-5f, one.toJson());
      }
    }
  }

  private static double sigmoid(double v) {
    return 1 / (1 + Math.exp(-v));
  }

  /**
   * Keras' LSTM (gates i, f, c, o) or GRU (reset_after, gates z, r, h) over steps {@code
   * order[0], order[1], ...} of x (t, in): every step's state, in reading order.
   */
  private static double[][] recurrent(String kind, float[] x, int[] order, int in, int u,
      float[] k, float[] rec, float[] b) {
    int g = "LSTM".equals(kind) ? 4 : 3;
    double[] h = new double[u];
    double[] c = new double[u];
    double[][] out = new double[order.length][];
    for (int n = 0; n < order.length; n++) {
      int step = order[n];
      double[] zx = new double[g * u];
      double[] zh = new double[g * u];
      for (int j = 0; j < g * u; j++) {
        for (int i = 0; i < in; i++) {
          zx[j] += x[step * in + i] * (double) k[i * g * u + j];
        }
        for (int i = 0; i < u; i++) {
          zh[j] += h[i] * rec[i * g * u + j];
        }
      }
      double[] nh = new double[u];
      for (int j = 0; j < u; j++) {
        if ("LSTM".equals(kind)) {
          double ig = sigmoid(zx[j] + zh[j] + b[j]);
          double fg = sigmoid(zx[u + j] + zh[u + j] + b[u + j]);
          double cc = Math.tanh(zx[2 * u + j] + zh[2 * u + j] + b[2 * u + j]);
          double og = sigmoid(zx[3 * u + j] + zh[3 * u + j] + b[3 * u + j]);
          c[j] = fg * c[j] + ig * cc;
          nh[j] = og * Math.tanh(c[j]);
        } else {
          double z = sigmoid(zx[j] + b[j] + zh[j] + b[3 * u + j]);
          double r = sigmoid(zx[u + j] + b[u + j] + zh[u + j] + b[4 * u + j]);
          double hh = Math.tanh(zx[2 * u + j] + b[2 * u + j]
              + r * (zh[2 * u + j] + b[5 * u + j]));
          nh[j] = z * h[j] + (1 - z) * hh;
        }
      }
      h = nh;
      out[n] = h;
    }
    return out;
  }

  private List<Tensor> recurrentWeights(String kind, int in, int u, float[][] keep) {
    int g = "LSTM".equals(kind) ? 4 : 3;
    keep[0] = random(in * g * u);
    keep[1] = random(u * g * u);
    keep[2] = random(("GRU".equals(kind) ? 2 : 1) * g * u);
    return List.of(new Tensor(new int[] {in, g * u}, keep[0]),
        new Tensor(new int[] {u, g * u}, keep[1]), "GRU".equals(kind)
            ? new Tensor(new int[] {2, g * u}, keep[2]) : Tensor.of(keep[2]));
  }

  /**
   * Keras' Bidirectional: the forward layer reads steps 0..t-1 (t-1..0 with go_backwards), the
   * backward layer the other way; with return_sequences the backward outputs are flipped back
   * (the forward's are left in their reading order); then the merge.
   */
  @Test
  void bidirectionalLstmAndGruMatchKerasInEveryMergeMode() {
    int t = 5;
    int in = 3;
    int u = 4;
    int[] ahead = {0, 1, 2, 3, 4};
    int[] back = {4, 3, 2, 1, 0};
    for (String kind : new String[] {"LSTM", "GRU"}) {
      for (String mode : Bidirectional.MERGE_MODES) {
        for (boolean sequences : new boolean[] {false, true}) {
          for (boolean backwardsFirst : new boolean[] {false, true}) {
            Recurrent r = ("LSTM".equals(kind) ? Recurrent.lstm(u) : Recurrent.gru(u))
                .returnSequences(sequences).goBackwards(backwardsFirst);
            Bidirectional layer = new Bidirectional(r, mode);
            float[][] fw = new float[3][];
            float[][] bw = new float[3][];
            List<Tensor> weights = new ArrayList<>(recurrentWeights(kind, in, u, fw));
            weights.addAll(recurrentWeights(kind, in, u, bw));
            float[] x = random(2 * t * in);
            float[] got;
            try {
              got = run(layer, List.of(t, in), weights, x, 2);
            } catch (RuntimeException e) {
              throw new AssertionError(layer.toJson(), e);
            }
            List<Float> want = new ArrayList<>();
            for (int n = 0; n < 2; n++) {
              float[] xs = java.util.Arrays.copyOfRange(x, n * t * in, (n + 1) * t * in);
              double[][] y = recurrent(kind, xs, backwardsFirst ? back : ahead, in, u, fw[0],
                  fw[1], fw[2]);
              double[][] yRev = recurrent(kind, xs, backwardsFirst ? ahead : back, in, u, bw[0],
                  bw[1], bw[2]);
              int steps = sequences ? t : 1;
              for (int s = 0; s < steps; s++) {
                double[] a = sequences ? y[s] : y[t - 1];
                double[] b = sequences ? yRev[t - 1 - s] : yRev[t - 1];
                for (int part = 0; part < ("concat".equals(mode) ? 2 : 1); part++) {
                  for (int j = 0; j < u; j++) {
                    double v = switch (mode) {
                      case "sum" -> a[j] + b[j];
                      case "mul" -> a[j] * b[j];
                      case "ave" -> (a[j] + b[j]) / 2;
                      default -> part == 0 ? a[j] : b[j];
                    };
                    want.add((float) v);
                  }
                }
              }
            }
            float[] w = new float[want.size()];
            for (int i = 0; i < w.length; i++) {
              w[i] = want.get(i);
            }
            assertEquals(List.of(sequences ? t : 0, "concat".equals(mode) ? 2 * u : u)
                .stream().filter(d -> d > 0).toList(), layer.outputShape(List.of(t, in)));
            assertArrayEquals(w, got, 1e-5f, layer.toJson());
          }
        }
      }
    }
  }

  @Test
  void timeDistributedAppliesTheInnerLayerToEveryStep() {
    int t = 3;
    int in = 4;
    int units = 2;
    float[] k = random(in * units);
    float[] b = random(units);
    float[] x = random(2 * t * in);
    float[] got = run(TimeDistributed.of(Dense.units(units).activation("tanh")), List.of(t, in),
        List.of(new Tensor(new int[] {in, units}, k), Tensor.of(b)), x, 2);
    float[] want = new float[2 * t * units];
    for (int row = 0; row < 2 * t; row++) {
      for (int o = 0; o < units; o++) {
        double acc = b[o];
        for (int i = 0; i < in; i++) {
          acc += (double) x[row * in + i] * k[i * units + o];
        }
        want[row * units + o] = (float) Math.tanh(acc);
      }
    }
    assertArrayEquals(want, got, 1e-5f);
    // a convolution over (steps, height, width, channels): each frame alone
    int h = 4;
    int w = 4;
    int c = 2;
    int f = 3;
    float[] frames = random(t * h * w * c);
    float[] kc = random(3 * 3 * c * f);
    float[] bc = random(f);
    float[] conv = run(TimeDistributed.of(Conv2D.filters(f).padding("same").strides(2, 2)),
        List.of(t, h, w, c), List.of(new Tensor(new int[] {3, 3, c, f}, kc), Tensor.of(bc)),
        frames, 1);
    int per = 2 * 2 * f;
    for (int s = 0; s < t; s++) {
      float[] frame = java.util.Arrays.copyOfRange(frames, s * h * w * c, (s + 1) * h * w * c);
      assertArrayEquals(LayerNumericsTest.conv2d(frame, h, w, c, kc, 3, 3, f, bc, 2, true),
          java.util.Arrays.copyOfRange(conv, s * per, (s + 1) * per), 1e-5f, "frame " + s);
    }
  }

  @Test
  void timeDistributedWeightlessLayersWorkPerStep() {
    float[] x = new float[3 * 4 * 4 * 1];
    for (int i = 0; i < x.length; i++) {
      x[i] = i;
    }
    // MaxPooling2D(2) on each 4x4 frame: the maxima of its four 2x2 blocks
    float[] pooled = run(TimeDistributed.of(dev.sparkdl.spec.Pooling.max2D(2, 2)),
        List.of(3, 4, 4, 1), List.of(), x, 1);
    float[] want = new float[3 * 4];
    for (int s = 0; s < 3; s++) {
      for (int b = 0; b < 4; b++) {
        int base = s * 16 + (b / 2) * 8 + (b % 2) * 2;
        want[s * 4 + b] = base + 5;
      }
    }
    assertArrayEquals(want, pooled, 0f);
    // Flatten and (at inference) Dropout per step keep the values in order
    assertArrayEquals(x, run(TimeDistributed.of(Flatten.of()), List.of(3, 4, 4, 1), List.of(),
        x, 1), 0f);
    assertArrayEquals(x, run(TimeDistributed.of(dev.sparkdl.spec.Dropout.rate(0.5)),
        List.of(3, 16), List.of(), x, 1), 0f);
  }
}
