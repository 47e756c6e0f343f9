package dev.sparkdl.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkdl.spec.AlphaDropout;
import dev.sparkdl.spec.CompileOptions;
import dev.sparkdl.spec.Cropping;
import dev.sparkdl.spec.Dense;
import dev.sparkdl.spec.Flatten;
import dev.sparkdl.spec.GaussianDropout;
import dev.sparkdl.spec.GaussianNoise;
import dev.sparkdl.spec.GlobalPooling;
import dev.sparkdl.spec.LayerNormalization;
import dev.sparkdl.spec.LayerSpec;
import dev.sparkdl.spec.PReLU;
import dev.sparkdl.spec.Permute;
import dev.sparkdl.spec.RepeatVector;
import dev.sparkdl.spec.Sequential;
import dev.sparkdl.spec.SpatialDropout;
import dev.sparkdl.spec.UpSampling;
import dev.sparkdl.spec.ZeroPadding;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * PReLU, LayerNormalization, padding, cropping, upsampling (nearest and bilinear), RepeatVector,
 * Permute and global pooling's keepdims against plain-Java double-precision implementations of
 * Keras' equations, index by index; the noise layers' training-time statistics and their identity
 * at inference.
 */
class ShapeLayerNumericsTest {
  private final SplittableRandom rnd = new SplittableRandom(5);

  private float[] random(int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) rnd.nextDouble(-2, 2);
    }
    return v;
  }

  private static float[] run(LayerSpec layer, List<Integer> in, List<Tensor> weights, float[] x,
      int n) {
    try (Network net = Network.create(Sequential.of(layer, Flatten.of()).withInputShape(in), null,
        1)) {
      if (weights != null) {
        net.setKerasWeights(weights);
        assertEquals(weights, net.kerasWeights(), "Keras weights round-trip");
      }
      return net.predict(x, n);
    }
  }

  /** Row-major index of (i, j, k) in a (a, b, c) array. */
  private static int at(int[] dims, int... idx) {
    int flat = 0;
    for (int d = 0; d < dims.length; d++) {
      flat = flat * dims[d] + idx[d];
    }
    return flat;
  }

  @Test
  void preluLearnsSlopesInKerasLayout() {
    int n = 2;
    int[] d = {3, 4, 2};
    float[] x = random(n * 24);
    float[] alpha = random(4 * 2); // shared_axes=[1]: alpha (1, 4, 2)
    float[] got = run(PReLU.defaults().sharedAxes(1), List.of(3, 4, 2),
        List.of(new Tensor(new int[] {1, 4, 2}, alpha)), x, n);
    float[] want = new float[x.length];
    for (int s = 0; s < n; s++) {
      for (int i = 0; i < 3; i++) {
        for (int j = 0; j < 4; j++) {
          for (int c = 0; c < 2; c++) {
            int k = s * 24 + at(d, i, j, c);
            double v = x[k];
            want[k] = (float) (v >= 0 ? v : alpha[j * 2 + c] * v);
          }
        }
      }
    }
    assertArrayEquals(want, got, 1e-6f);
    // starts at alpha = 0 (Keras' zeros): a ReLU
    try (Network net = Network.create(Sequential.of(PReLU.defaults()).withInputShape(List.of(5)),
        null, 3)) {
      assertArrayEquals(new float[5], net.kerasWeights().get(0).values());
      assertEquals("[0_pre_lu/alpha [5]]", net.kerasDescription());
    }
  }

  /** Keras 3: mean and biased variance over the axes, (x - mean)/sqrt(var + eps)·gamma + beta. */
  @Test
  void layerNormalizationMatchesKeras() {
    int n = 3;
    int[] d = {3, 4, 5};
    float[] x = random(n * 60);
    for (int v = 0; v < x.length; v++) {
      x[v] = x[v] * 3 + 1; // an offset and scale the normalisation must remove
    }
    // axis=-1: gamma, beta (5)
    float[] g = random(5);
    float[] b = random(5);
    float[] got = run(LayerNormalization.defaults(), List.of(3, 4, 5),
        List.of(Tensor.of(g), Tensor.of(b)), x, n);
    float[] want = new float[x.length];
    for (int s = 0; s < n; s++) {
      for (int i = 0; i < 3; i++) {
        for (int j = 0; j < 4; j++) {
          double mean = 0;
          double sq = 0;
          for (int c = 0; c < 5; c++) {
            mean += x[s * 60 + at(d, i, j, c)] / 5.0;
          }
          for (int c = 0; c < 5; c++) {
            sq += Math.pow(x[s * 60 + at(d, i, j, c)] - mean, 2) / 5.0;
          }
          for (int c = 0; c < 5; c++) {
            int k = s * 60 + at(d, i, j, c);
            want[k] = (float) ((x[k] - mean) / Math.sqrt(sq + 1e-3) * g[c] + b[c]);
          }
        }
      }
    }
    assertArrayEquals(want, got, 2e-5f);
    // axis=[1, 2], epsilon 1e-5, scale only: gamma (3, 4), one mean per sample and channel
    float[] g2 = random(12);
    got = run(LayerNormalization.defaults().axis(1, 2).epsilon(1e-5).centerAndScale(false, true),
        List.of(3, 4, 5), List.of(new Tensor(new int[] {3, 4}, g2)), x, n);
    for (int s = 0; s < n; s++) {
      for (int c = 0; c < 5; c++) {
        double mean = 0;
        double sq = 0;
        for (int i = 0; i < 12; i++) {
          mean += x[s * 60 + i * 5 + c] / 12.0;
        }
        for (int i = 0; i < 12; i++) {
          sq += Math.pow(x[s * 60 + i * 5 + c] - mean, 2) / 12.0;
        }
        for (int i = 0; i < 12; i++) {
          int k = s * 60 + i * 5 + c;
          want[k] = (float) ((x[k] - mean) / Math.sqrt(sq + 1e-5) * g2[i]);
        }
      }
    }
    assertArrayEquals(want, got, 2e-5f);
  }

  /** Reference for padding (negative amounts crop) over (h, w, c) or (c, h, w). */
  private static float[] padOrCrop(float[] x, int n, int h, int w, int c, int top, int bottom,
      int left, int right, boolean channelsFirst) {
    int oh = h + top + bottom;
    int ow = w + left + right;
    float[] out = new float[n * oh * ow * c];
    for (int s = 0; s < n; s++) {
      for (int i = 0; i < oh; i++) {
        for (int j = 0; j < ow; j++) {
          for (int k = 0; k < c; k++) {
            int si = i - top;
            int sj = j - left;
            float v = si < 0 || sj < 0 || si >= h || sj >= w ? 0f
                : x[s * h * w * c + (channelsFirst ? at(new int[] {c, h, w}, k, si, sj)
                    : at(new int[] {h, w, c}, si, sj, k))];
            out[s * oh * ow * c + (channelsFirst ? at(new int[] {c, oh, ow}, k, i, j)
                : at(new int[] {oh, ow, c}, i, j, k))] = v;
          }
        }
      }
    }
    return out;
  }

  @Test
  void paddingAndCroppingMoveValuesAsKeras() {
    int n = 2;
    float[] x = random(n * 4 * 5 * 3);
    assertArrayEquals(padOrCrop(x, n, 4, 5, 3, 0, 1, 2, 3, false),
        run(ZeroPadding.of2D(0, 1, 2, 3), List.of(4, 5, 3), null, x, n));
    assertArrayEquals(padOrCrop(x, n, 4, 5, 3, 1, 2, 1, 0, true),
        run(ZeroPadding.of2D(1, 2, 1, 0).dataFormat("channels_first"), List.of(3, 4, 5), null,
            x, n));
    assertArrayEquals(padOrCrop(x, n, 4, 5, 3, -1, -1, 0, -2, false),
        run(Cropping.of2D(1, 1, 0, 2), List.of(4, 5, 3), null, x, n));
    assertArrayEquals(padOrCrop(x, n, 4, 5, 3, 0, -1, -2, -1, true),
        run(Cropping.of2D(0, 1, 2, 1).dataFormat("channels_first"), List.of(3, 4, 5), null, x,
            n));
    // 1D: (steps, channels) is (steps, 1, channels)
    assertArrayEquals(padOrCrop(x, n, 20, 1, 3, 2, 1, 0, 0, false),
        run(ZeroPadding.of1D(2, 1), List.of(20, 3), null, x, n));
    assertArrayEquals(padOrCrop(x, n, 20, 1, 3, -3, 0, 0, 0, false),
        run(Cropping.of1D(3, 0), List.of(20, 3), null, x, n));
  }

  /** TensorFlow's resize_bilinear with half-pixel centres, as Keras 3's ops.image.resize. */
  private static double[] source(int o, int factor, int n) {
    double in = (o + 0.5) / factor - 0.5;
    double lower = Math.max(Math.floor(in), 0);
    double upper = Math.min(Math.ceil(in), n - 1);
    return new double[] {lower, upper, in - Math.floor(in)};
  }

  private static float[] upsample(float[] x, int n, int h, int w, int c, int fh, int fw,
      boolean bilinear, boolean channelsFirst) {
    int oh = h * fh;
    int ow = w * fw;
    int[] in = channelsFirst ? new int[] {c, h, w} : new int[] {h, w, c};
    int[] out = channelsFirst ? new int[] {c, oh, ow} : new int[] {oh, ow, c};
    float[] y = new float[n * oh * ow * c];
    for (int s = 0; s < n; s++) {
      for (int i = 0; i < oh; i++) {
        for (int j = 0; j < ow; j++) {
          for (int k = 0; k < c; k++) {
            double v;
            if (!bilinear) {
              v = x[s * h * w * c + (channelsFirst ? at(in, k, i / fh, j / fw)
                  : at(in, i / fh, j / fw, k))];
            } else {
              double[] a = source(i, fh, h);
              double[] b = source(j, fw, w);
              double[][] corner = new double[2][2];
              for (int p = 0; p < 2; p++) {
                for (int q = 0; q < 2; q++) {
                  int r = (int) a[p];
                  int col = (int) b[q];
                  corner[p][q] = x[s * h * w * c + (channelsFirst ? at(in, k, r, col)
                      : at(in, r, col, k))];
                }
              }
              double top = corner[0][0] + (corner[0][1] - corner[0][0]) * b[2];
              double bottom = corner[1][0] + (corner[1][1] - corner[1][0]) * b[2];
              v = top + (bottom - top) * a[2];
            }
            y[s * oh * ow * c + (channelsFirst ? at(out, k, i, j) : at(out, i, j, k))] =
                (float) v;
          }
        }
      }
    }
    return y;
  }

  @Test
  void upSamplingNearestAndBilinearMatchKeras() {
    int n = 2;
    float[] x = random(n * 3 * 4 * 2);
    assertArrayEquals(upsample(x, n, 3, 4, 2, 2, 3, false, false),
        run(UpSampling.of2D(2, 3), List.of(3, 4, 2), null, x, n));
    assertArrayEquals(upsample(x, n, 3, 4, 2, 2, 2, false, true),
        run(UpSampling.of2D(2, 2).dataFormat("channels_first"), List.of(2, 3, 4), null, x, n));
    assertArrayEquals(upsample(x, n, 3, 4, 2, 2, 3, true, false),
        run(UpSampling.of2D(2, 3).interpolation("bilinear"), List.of(3, 4, 2), null, x, n),
        1e-5f);
    assertArrayEquals(upsample(x, n, 3, 4, 2, 3, 2, true, true),
        run(UpSampling.of2D(3, 2).interpolation("bilinear").dataFormat("channels_first"),
            List.of(2, 3, 4), null, x, n), 1e-5f);
    assertArrayEquals(upsample(x, n, 12, 1, 2, 3, 1, false, false),
        run(UpSampling.of1D(3), List.of(12, 2), null, x, n));
    // tf.image.resize([[0, 1]], (1, 4), 'bilinear') is [0, 0.25, 0.75, 1]
    assertArrayEquals(new float[] {0, 0.25f, 0.75f, 1},
        run(UpSampling.of2D(1, 2).interpolation("bilinear"), List.of(1, 2, 1), null,
            new float[] {0, 1}, 1), 1e-6f);
  }

  @Test
  void repeatPermuteAndKeepdims() {
    int n = 2;
    float[] x = random(n * 3);
    float[] want = new float[n * 4 * 3];
    for (int s = 0; s < n; s++) {
      for (int r = 0; r < 4; r++) {
        System.arraycopy(x, s * 3, want, s * 12 + r * 3, 3);
      }
    }
    assertArrayEquals(want, run(RepeatVector.of(4), List.of(3), null, x, n));
    float[] y = random(n * 24);
    float[] permuted = new float[y.length];
    for (int s = 0; s < n; s++) {
      for (int i = 0; i < 2; i++) {
        for (int j = 0; j < 3; j++) {
          for (int k = 0; k < 4; k++) {
            // Permute((3, 1, 2)): output (k, i, j) = input (i, j, k)
            permuted[s * 24 + at(new int[] {4, 2, 3}, k, i, j)] =
                y[s * 24 + at(new int[] {2, 3, 4}, i, j, k)];
          }
        }
      }
    }
    assertArrayEquals(permuted, run(Permute.of(3, 1, 2), List.of(2, 3, 4), null, y, n));
    assertArrayEquals(run(GlobalPooling.average2D(), List.of(2, 3, 4), null, y, n),
        run(GlobalPooling.average2D().keepdims(true), List.of(2, 3, 4), null, y, n));
    assertArrayEquals(run(GlobalPooling.max1D().dataFormat("channels_first"), List.of(6, 4),
        null, y, n),
        run(GlobalPooling.max1D().keepdims(true).dataFormat("channels_first"), List.of(6, 4),
            null, y, n));
    try (Network net = Network.create(Sequential.of(GlobalPooling.max2D().keepdims(true))
        .withInputShape(List.of(2, 3, 4)), null, 1)) {
      assertEquals(4, net.outputSize());
    }
  }

  /** One training-mode pass (Monte Carlo sampling: the layers draw as in training). */
  private static float[] sampled(LayerSpec layer, List<Integer> in, float[] x, int n, long seed) {
    try (Network net = Network.create(Sequential.of(layer, Flatten.of()).withInputShape(in), null,
        1)) {
      assertArrayEquals(x, net.predict(x, n), "the identity at inference");
      float[][] raw = new float[1][x.length];
      net.predictWithDropout(x, n, 1, seed, raw);
      return raw[0];
    }
  }

  private static double[] meanAndVariance(double[] v) {
    double m = 0;
    for (double d : v) {
      m += d / v.length;
    }
    double s = 0;
    for (double d : v) {
      s += (d - m) * (d - m) / v.length;
    }
    return new double[] {m, s};
  }

  @Test
  void gaussianNoiseAndDropoutHaveKerasMoments() {
    int n = 2000;
    float[] x = new float[n * 10];
    java.util.Arrays.fill(x, 2f);
    float[] y = sampled(GaussianNoise.stddev(0.5), List.of(10), x, n, 11);
    double[] diff = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      diff[i] = y[i] - x[i];
    }
    double[] mv = meanAndVariance(diff);
    assertEquals(0, mv[0], 0.02, "noise mean");
    assertEquals(0.25, mv[1], 0.015, "noise variance stddev²");
    // GaussianDropout(0.2): x · N(1, 0.2 / 0.8)
    y = sampled(GaussianDropout.rate(0.2), List.of(10), x, n, 12);
    double[] ratio = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      ratio[i] = y[i] / x[i];
    }
    mv = meanAndVariance(ratio);
    assertEquals(1, mv[0], 0.02, "factor mean");
    assertEquals(0.25, mv[1], 0.015, "factor variance rate / (1 - rate)");
    // reproducible from the seed, different for another
    assertArrayEquals(y, sampled(GaussianDropout.rate(0.2), List.of(10), x, n, 12));
    assertFalse(java.util.Arrays.equals(y, sampled(GaussianDropout.rate(0.2), List.of(10), x, n,
        13)));
  }

  @Test
  void alphaDropoutKeepsMeanAndVarianceWithSeluConstants() {
    int n = 2000;
    float[] x = new float[n * 10];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) gaussian(rnd);
    }
    double rate = 0.2;
    double alphaP = -1.6732632423543772 * 1.0507009873554805;
    double a = 1 / Math.sqrt((1 - rate) * (1 + rate * alphaP * alphaP));
    double b = -a * alphaP * rate;
    float[] y = sampled(AlphaDropout.rate(rate), List.of(10), x, n, 21);
    int dropped = 0;
    double[] yd = new double[y.length];
    for (int i = 0; i < y.length; i++) {
      yd[i] = y[i];
      boolean kept = Math.abs(y[i] - (a * x[i] + b)) < 1e-5;
      boolean drop = Math.abs(y[i] - (a * alphaP + b)) < 1e-5;
      assertTrue(kept || drop, "value " + i + ": " + y[i] + " from " + x[i]);
      dropped += kept ? 0 : 1;
    }
    assertEquals(rate, dropped / (double) y.length, 0.015, "dropped fraction");
    double[] mv = meanAndVariance(yd);
    assertEquals(0, mv[0], 0.03, "mean kept at 0");
    assertEquals(1, mv[1], 0.05, "variance kept at 1");
  }

  private static double gaussian(SplittableRandom r) {
    return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
  }

  @Test
  void spatialDropoutDropsWholeChannels() {
    int n = 500;
    for (boolean first : new boolean[] {false, true}) {
      int h = 3;
      int w = 4;
      int c = 8;
      float[] x = new float[n * h * w * c];
      for (int i = 0; i < x.length; i++) {
        x[i] = 1 + (float) rnd.nextDouble(); // never 0
      }
      SpatialDropout layer = SpatialDropout.of2D(0.3).dataFormat(first ? "channels_first"
          : "channels_last");
      List<Integer> in = first ? List.of(c, h, w) : List.of(h, w, c);
      float[] y = sampled(layer, in, x, n, 31);
      int[] dims = first ? new int[] {c, h, w} : new int[] {h, w, c};
      int droppedChannels = 0;
      for (int s = 0; s < n; s++) {
        for (int k = 0; k < c; k++) {
          int zeros = 0;
          for (int i = 0; i < h; i++) {
            for (int j = 0; j < w; j++) {
              int idx = s * h * w * c + (first ? at(dims, k, i, j) : at(dims, i, j, k));
              if (y[idx] == 0) {
                zeros++;
              } else {
                assertEquals(x[idx] / 0.7, y[idx], 1e-5, "kept values scaled by 1/(1-rate)");
              }
            }
          }
          assertTrue(zeros == 0 || zeros == h * w, "a channel is dropped whole: " + zeros);
          droppedChannels += zeros == 0 ? 0 : 1;
        }
      }
      assertEquals(0.3, droppedChannels / (double) (n * c), 0.03, "dropped channel fraction");
    }
    // 1D: (steps, channels), whole channels over the steps
    float[] x = new float[200 * 5 * 6];
    java.util.Arrays.fill(x, 1f);
    float[] y = sampled(SpatialDropout.of1D(0.5), List.of(5, 6), x, 200, 41);
    for (int s = 0; s < 200; s++) {
      for (int k = 0; k < 6; k++) {
        for (int t = 1; t < 5; t++) {
          assertEquals(y[s * 30 + k], y[s * 30 + t * 6 + k], "steps of one channel alike");
        }
      }
    }
  }

  /** All of them train: gradients pass through, and PReLU's and LayerNormalization's move. */
  @Test
  void everyLayerTrainsInANetwork() {
    Sequential spec = Sequential.of(ZeroPadding.of2D(1, 1), Cropping.of2D(0, 1, 1, 0),
        UpSampling.of2D(2, 2).interpolation("bilinear"), SpatialDropout.of2D(0.1),
        GaussianNoise.stddev(0.1), PReLU.defaults().sharedAxes(1, 2),
        LayerNormalization.defaults(), GlobalPooling.average2D().keepdims(true), Flatten.of(),
        RepeatVector.of(2), Permute.of(2, 1), GaussianDropout.rate(0.1), AlphaDropout.rate(0.1),
        Flatten.of(), Dense.units(1)).withInputShape(List.of(3, 3, 2));
    try (Network net = Network.create(spec, CompileOptions.of("mse", "adam"), 1)) {
      List<Tensor> before = net.kerasWeights();
      float[] x = random(8 * 18);
      float[] t = random(8);
      for (int i = 0; i < 5; i++) {
        assertTrue(Double.isFinite(net.trainBatch(x, t, 8).meanLoss()));
      }
      List<Tensor> after = net.kerasWeights();
      for (int w = 0; w < 3; w++) { // alpha, gamma, beta
        assertFalse(java.util.Arrays.equals(before.get(w).values(), after.get(w).values()),
            "weight " + w + " trained");
      }
    }
  }
}
