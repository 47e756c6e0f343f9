package dev.sparkdl.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sparkdl.spec.Conv1D;
import dev.sparkdl.spec.Conv2D;
import dev.sparkdl.spec.Embedding;
import dev.sparkdl.spec.Flatten;
import dev.sparkdl.spec.GlobalPooling;
import dev.sparkdl.spec.LayerSpec;
import dev.sparkdl.spec.Pooling;
import dev.sparkdl.spec.Recurrent;
import dev.sparkdl.spec.Sequential;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Every new layer's forward pass against a plain-Java reference of Keras' definition, with
 * weights given in Keras' layout: proves the channels-last mapping, 'same' padding, pooling and
 * the recurrent gate orders.
 */
class LayerNumericsTest {
  private final SplittableRandom rnd = new SplittableRandom(3);

  private float[] random(int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) rnd.nextDouble(-1, 1);
    }
    return v;
  }

  private float[] run(LayerSpec layer, List<Integer> inputShape, List<Tensor> weights, float[] x, int n) {
    try (Network net = Network.create(Sequential.of(layer, Flatten.of()).withInputShape(inputShape), null, 1)) {
      if (weights != null) {
        net.setKerasWeights(weights);
        assertEquals(weights, net.kerasWeights(), "Keras weights round-trip");
      }
      return net.predict(x, n);
    }
  }

  /** Keras' Conv2D on channels-last input, with TF's 'same' padding. */
  static float[] conv2d(float[] x, int h, int w, int c, float[] k, int kh, int kw, int f,
      float[] b, int s, boolean same) {
    int oh = same ? (h + s - 1) / s : (h - kh) / s + 1;
    int ow = same ? (w + s - 1) / s : (w - kw) / s + 1;
    int ph = same ? Math.max((oh - 1) * s + kh - h, 0) / 2 : 0;
    int pw = same ? Math.max((ow - 1) * s + kw - w, 0) / 2 : 0;
    float[] out = new float[oh * ow * f];
    for (int i = 0; i < oh; i++) {
      for (int j = 0; j < ow; j++) {
        for (int o = 0; o < f; o++) {
          double acc = b[o];
          for (int di = 0; di < kh; di++) {
            for (int dj = 0; dj < kw; dj++) {
              int y = i * s + di - ph;
              int z = j * s + dj - pw;
              if (y < 0 || z < 0 || y >= h || z >= w) {
                continue;
              }
              for (int ch = 0; ch < c; ch++) {
                acc += x[(y * w + z) * c + ch] * k[((di * kw + dj) * c + ch) * f + o];
              }
            }
          }
          out[(i * ow + j) * f + o] = (float) acc;
        }
      }
    }
    return out;
  }

  @Test
  void conv2dValidAndSameMatchKeras() {
    for (boolean same : new boolean[] {false, true}) {
      for (int stride : new int[] {1, 2}) {
        int h = 6;
        int w = 5;
        int c = 2;
        int f = 3;
        float[] x = random(h * w * c);
        float[] k = random(4 * 3 * c * f);
        float[] b = random(f);
        Conv2D layer = Conv2D.filters(f).kernelSize(4, 3).strides(stride, stride)
            .padding(same ? "same" : "valid");
        float[] got = run(layer, List.of(h, w, c), List.of(new Tensor(new int[] {4, 3, c, f}, k),
            Tensor.of(b)), x, 1);
        assertArrayEquals(conv2d(x, h, w, c, k, 4, 3, f, b, stride, same), got, 1e-5f,
            "same=" + same + " stride=" + stride);
      }
    }
  }

  @Test
  void conv1dMatchesKeras() {
    int t = 7;
    int c = 2;
    int f = 2;
    float[] x = random(t * c);
    float[] k = random(3 * c * f);
    float[] b = random(f);
    float[] got = run(Conv1D.filters(f, 3).padding("same"), List.of(t, c),
        List.of(new Tensor(new int[] {3, c, f}, k), Tensor.of(b)), x, 1);
    // a 1-D convolution is a 2-D one over a 1-pixel-wide image
    // (k, c, f) is (k, 1, c, f) in row-major order
    float[] want = conv2d(x, t, 1, c, k, 3, 1, f, b, 1, true);
    assertArrayEquals(want, got, 1e-5f);
  }

  @Test
  void poolingMatchesKeras() {
    float[] x = new float[5 * 5];
    for (int i = 0; i < x.length; i++) {
      x[i] = i;
    }
    // MaxPooling2D(2) valid on 5x5: windows at 0 and 2 -> maxima of rows/cols 1 and 3
    assertArrayEquals(new float[] {6, 8, 16, 18},
        run(Pooling.max2D(2, 2), List.of(5, 5, 1), null, x, 1), 0f);
    // 'same' keeps ceil(5/2) = 3 positions; the last window holds only real values
    assertArrayEquals(new float[] {6, 8, 9, 16, 18, 19, 21, 23, 24},
        run(Pooling.max2D(2, 2).padding("same"), List.of(5, 5, 1), null, x, 1), 0f);
    // AveragePooling2D 'same' averages the real values only (Keras)
    assertArrayEquals(new float[] {3, 5, 6.5f, 13, 15, 16.5f, 20.5f, 22.5f, 24},
        run(Pooling.average2D(2, 2).padding("same"), List.of(5, 5, 1), null, x, 1), 1e-6f);
    assertArrayEquals(new float[] {12},
        run(GlobalPooling.average2D(), List.of(5, 5, 1), null, x, 1), 1e-6f);
    assertArrayEquals(new float[] {20, 21, 22, 23, 24},
        run(GlobalPooling.max1D(), List.of(5, 5), null, x, 1), 0f);
  }

  /**
   * 'same' pooling whose padding is uneven (pool 2, stride 1: none before, one after): Keras'
   * shape ceil(n / stride); max ignores the padded position, average divides by the real values.
   */
  @Test
  void samePoolingWithUnevenPaddingMatchesKeras() {
    float[] line = {0, 1, 2, 3, 4};
    assertArrayEquals(new float[] {1, 2, 3, 4, 4},
        run(Pooling.max1D(2).strides(1).padding("same"), List.of(5, 1), null, line, 1), 0f);
    assertArrayEquals(new float[] {0.5f, 1.5f, 2.5f, 3.5f, 4},
        run(Pooling.average1D(2).strides(1).padding("same"), List.of(5, 1), null, line, 1),
        1e-6f);
    float[] grid = {0, 1, 2, 3, 4, 5, 6, 7, 8};
    assertArrayEquals(new float[] {4, 5, 5, 7, 8, 8, 7, 8, 8},
        run(Pooling.max2D(2, 2).strides(1, 1).padding("same"), List.of(3, 3, 1), null, grid, 1),
        0f);
    assertArrayEquals(new float[] {2, 3, 3.5f, 5, 6, 6.5f, 6.5f, 7.5f, 8},
        run(Pooling.average2D(2, 2).strides(1, 1).padding("same"), List.of(3, 3, 1), null, grid,
            1), 1e-6f);
    // negative inputs: a padded position must not win a max (it is -inf, not 0)
    float[] negative = {-5, -4, -3};
    assertArrayEquals(new float[] {-4, -3, -3},
        run(Pooling.max1D(2).strides(1).padding("same"), List.of(3, 1), null, negative, 1), 0f);
    // pool 3, stride 1 on 4: padding 1 before and 1 after (even), averages over real values
    assertArrayEquals(new float[] {0.5f, 1, 2, 2.5f},
        run(Pooling.average1D(3).strides(1).padding("same"), List.of(4, 1), null,
            new float[] {0, 1, 2, 3}, 1), 1e-6f);
  }

  /**
   * Conv2D 'same' with an even 2x2 kernel pads one row and column after only (Keras/TF), worked
   * out by hand on a 3x3 grid of 0..8 with kernel [[1, 2], [3, 4]] and bias 0.5.
   */
  @Test
  void conv2dSameEvenKernelPadsAfter() {
    float[] grid = {0, 1, 2, 3, 4, 5, 6, 7, 8};
    // out(i,j) = x(i,j) + 2 x(i,j+1) + 3 x(i+1,j) + 4 x(i+1,j+1), zero outside, + 0.5
    float[] want = {27.5f, 37.5f, 17.5f, 57.5f, 67.5f, 29.5f, 20.5f, 23.5f, 8.5f};
    assertArrayEquals(want, run(Conv2D.filters(1).kernelSize(2, 2).padding("same"),
        List.of(3, 3, 1), List.of(new Tensor(new int[] {2, 2, 1, 1}, new float[] {1, 2, 3, 4}),
            Tensor.of(new float[] {0.5f})), grid, 1), 1e-5f);
  }

  /**
   * Conv1D padding='causal': (kernel - 1) * dilation zeros before the sequence, then 'valid';
   * on 0..4 with kernel [1, 2] (1 for the earlier step), out(t) = x(t - d) + 2 x(t).
   */
  @Test
  void causalConv1dLeftPads() {
    float[] x = {0, 1, 2, 3, 4};
    List<Tensor> w = List.of(new Tensor(new int[] {2, 1, 1}, new float[] {1, 2}),
        Tensor.of(new float[] {0}));
    assertArrayEquals(new float[] {0, 2, 5, 8, 11},
        run(Conv1D.filters(1, 2).padding("causal"), List.of(5, 1), w, x, 1), 1e-6f);
    assertArrayEquals(new float[] {0, 2, 4, 7, 10},
        run(new Conv1D(1, 2, 1, "causal", "linear", 2, true, "glorot_uniform", "zeros"),
            List.of(5, 1), w, x, 1), 1e-6f);
    assertArrayEquals(new float[] {0, 5, 11},
        run(new Conv1D(1, 2, 2, "causal", "linear", 1, true, "glorot_uniform", "zeros"),
            List.of(5, 1), w, x, 1), 1e-6f);
  }

  /** (h, w, c) row-major to (c, h, w). */
  private static float[] toChannelsFirst(float[] x, int h, int w, int c) {
    float[] y = new float[x.length];
    for (int i = 0; i < h * w; i++) {
      for (int ch = 0; ch < c; ch++) {
        y[ch * h * w + i] = x[i * c + ch];
      }
    }
    return y;
  }

  /**
   * data_format='channels_first': the same kernel (Keras stores it alike for both formats) on
   * the input given as (channels, height, width) gives the channels-last result transposed.
   */
  @Test
  void channelsFirstMatchesChannelsLastTransposed() {
    int h = 5;
    int w = 4;
    int c = 2;
    int f = 3;
    float[] x = random(h * w * c);
    float[] k = random(2 * 3 * c * f);
    float[] b = random(f);
    List<Tensor> weights = List.of(new Tensor(new int[] {2, 3, c, f}, k), Tensor.of(b));
    for (int stride : new int[] {1, 2}) {
      float[] want = conv2d(x, h, w, c, k, 2, 3, f, b, stride, true);
      int oh = (h + stride - 1) / stride;
      int ow = (w + stride - 1) / stride;
      Conv2D layer = Conv2D.filters(f).kernelSize(2, 3).strides(stride, stride).padding("same")
          .dataFormat("channels_first");
      assertArrayEquals(toChannelsFirst(want, oh, ow, f),
          run(layer, List.of(c, h, w), weights, toChannelsFirst(x, h, w, c), 1), 1e-5f);
    }
    // pooling and global pooling over (channels, height, width)
    float[] grid = new float[18];
    for (int i = 0; i < grid.length; i++) {
      grid[i] = i; // channel 0: 0..8, channel 1: 9..17
    }
    assertArrayEquals(new float[] {4, 5, 5, 7, 8, 8, 7, 8, 8, 13, 14, 14, 16, 17, 17, 16, 17, 17},
        run(Pooling.max2D(2, 2).strides(1, 1).padding("same").dataFormat("channels_first"),
            List.of(2, 3, 3), null, grid, 1), 0f);
    assertArrayEquals(new float[] {4, 13},
        run(GlobalPooling.average2D().dataFormat("channels_first"), List.of(2, 3, 3), null, grid,
            1), 1e-6f);
    assertArrayEquals(new float[] {8, 17},
        run(GlobalPooling.max1D().dataFormat("channels_first"), List.of(2, 9), null, grid, 1),
        0f);
  }

  private static float sigmoid(double v) {
    return (float) (1 / (1 + Math.exp(-v)));
  }

  /** x (t, in) · W (in, g*u) + h (u) · U (u, g*u): one row of g*u pre-activations. */
  private static double[] gatesOf(float[] x, int step, int in, float[] kernel, float[] h, float[] rec,
      int cols) {
    double[] z = new double[cols];
    for (int j = 0; j < cols; j++) {
      for (int i = 0; i < in; i++) {
        z[j] += x[step * in + i] * kernel[i * cols + j];
      }
    }
    double[] r = new double[cols];
    for (int j = 0; j < cols; j++) {
      for (int i = 0; i < h.length; i++) {
        r[j] += h[i] * rec[i * cols + j];
      }
    }
    double[] both = new double[2 * cols];
    System.arraycopy(z, 0, both, 0, cols);
    System.arraycopy(r, 0, both, cols, cols);
    return both;
  }

  @Test
  void lstmMatchesKerasEquations() {
    int t = 4;
    int in = 3;
    int u = 5;
    float[] x = random(t * in);
    float[] k = random(in * 4 * u);
    float[] rec = random(u * 4 * u);
    float[] b = random(4 * u);
    float[] h = new float[u];
    float[] c = new float[u];
    for (int s = 0; s < t; s++) {
      double[] g = gatesOf(x, s, in, k, h, rec, 4 * u);
      float[] nh = new float[u];
      for (int j = 0; j < u; j++) {
        float ig = sigmoid(g[j] + g[4 * u + j] + b[j]);
        float fg = sigmoid(g[u + j] + g[5 * u + j] + b[u + j]);
        float cc = (float) Math.tanh(g[2 * u + j] + g[6 * u + j] + b[2 * u + j]);
        float og = sigmoid(g[3 * u + j] + g[7 * u + j] + b[3 * u + j]);
        c[j] = fg * c[j] + ig * cc;
        nh[j] = og * (float) Math.tanh(c[j]);
      }
      h = nh;
    }
    float[] got = run(Recurrent.lstm(u), List.of(t, in), List.of(
        new Tensor(new int[] {in, 4 * u}, k), new Tensor(new int[] {u, 4 * u}, rec), Tensor.of(b)), x, 1);
    assertArrayEquals(h, got, 1e-5f);
  }

  @Test
  void gruMatchesKerasResetAfterEquations() {
    int t = 3;
    int in = 2;
    int u = 4;
    float[] x = random(t * in);
    float[] k = random(in * 3 * u);
    float[] rec = random(u * 3 * u);
    float[] b = random(2 * 3 * u); // row 0: input bias, row 1: recurrent bias
    float[] h = new float[u];
    List<float[]> steps = new ArrayList<>();
    for (int s = 0; s < t; s++) {
      double[] g = gatesOf(x, s, in, k, h, rec, 3 * u);
      float[] nh = new float[u];
      for (int j = 0; j < u; j++) {
        float z = sigmoid(g[j] + b[j] + g[3 * u + j] + b[3 * u + j]);
        float r = sigmoid(g[u + j] + b[u + j] + g[4 * u + j] + b[4 * u + j]);
        float hh = (float) Math.tanh(g[2 * u + j] + b[2 * u + j] + r * (g[5 * u + j] + b[5 * u + j]));
        nh[j] = z * h[j] + (1 - z) * hh;
      }
      h = nh;
      steps.add(h);
    }
    float[] got = run(Recurrent.gru(u).returnSequences(true), List.of(t, in), List.of(
        new Tensor(new int[] {in, 3 * u}, k), new Tensor(new int[] {u, 3 * u}, rec),
        new Tensor(new int[] {2, 3 * u}, b)), x, 1);
    float[] want = new float[t * u];
    for (int s = 0; s < t; s++) {
      System.arraycopy(steps.get(s), 0, want, s * u, u);
    }
    assertArrayEquals(want, got, 1e-5f);
  }

  @Test
  void simpleRnnAndEmbedding() {
    int t = 3;
    int in = 2;
    int u = 3;
    float[] x = random(t * in);
    float[] k = random(in * u);
    float[] rec = random(u * u);
    float[] b = random(u);
    float[] h = new float[u];
    for (int s = 0; s < t; s++) {
      double[] g = gatesOf(x, s, in, k, h, rec, u);
      float[] nh = new float[u];
      for (int j = 0; j < u; j++) {
        nh[j] = (float) Math.tanh(g[j] + g[u + j] + b[j]);
      }
      h = nh;
    }
    assertArrayEquals(h, run(Recurrent.simpleRnn(u), List.of(t, in), List.of(
        new Tensor(new int[] {in, u}, k), new Tensor(new int[] {u, u}, rec), Tensor.of(b)), x, 1), 1e-5f);

    float[] table = random(5 * 2);
    float[] got = run(Embedding.of(5, 2), List.of(3), List.of(new Tensor(new int[] {5, 2}, table)),
        new float[] {4, 0, 2}, 1);
    assertArrayEquals(new float[] {table[8], table[9], table[0], table[1], table[4], table[5]}, got, 0f);
  }

  @Test
  void recurrentKernelStartsOrthogonalAndForgetBiasAtOne() {
    try (Network net = Network.create(Sequential.of(Recurrent.lstm(6)).inputShape(4, 2), null, 9)) {
      List<Tensor> w = net.kerasWeights();
      float[] rec = w.get(1).values(); // (6, 24): rows orthonormal
      for (int a = 0; a < 6; a++) {
        for (int c = 0; c < 6; c++) {
          double dot = 0;
          for (int j = 0; j < 24; j++) {
            dot += rec[a * 24 + j] * rec[c * 24 + j];
          }
          assertEquals(a == c ? 1.0 : 0.0, dot, 1e-5, "rows " + a + "," + c);
        }
      }
      float[] bias = w.get(2).values();
      for (int j = 0; j < 24; j++) {
        assertEquals(j >= 6 && j < 12 ? 1f : 0f, bias[j], 0f);
      }
    }
  }
}
