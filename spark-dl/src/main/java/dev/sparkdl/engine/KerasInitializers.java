package dev.sparkdl.engine;

import dev.sparkdl.spec.Initializers;
import java.util.SplittableRandom;

/**
 * Keras' weight initializers, computed in Java from a seed so that initial weights are identical
 * on every machine and thread (PyTorch's global generator is shared by concurrent tasks).
 */
final class KerasInitializers {
  /** Keras' truncated-normal correction: stddev of a unit normal truncated at ±2. */
  private static final double TRUNCATION = 0.87962566103423978;

  private KerasInitializers() {}

  /**
   * @param name a canonical {@link Initializers} form, or {@code unit_forget_bias[:<bias init>]}
   * @param shape the Keras shape
   * @param rnd the random source
   * @return row-major values in Keras' layout
   */
  static float[] fill(String name, int[] shape, SplittableRandom rnd) {
    int n = 1;
    for (int d : shape) {
      n *= d;
    }
    float[] v = new float[n];
    double fanIn;
    double fanOut;
    if (shape.length == 0) {
      fanIn = fanOut = 1;
    } else if (shape.length == 1) {
      fanIn = fanOut = shape[0];
    } else {
      double receptive = 1;
      for (int i = 0; i < shape.length - 2; i++) {
        receptive *= shape[i];
      }
      fanIn = shape[shape.length - 2] * receptive;
      fanOut = shape[shape.length - 1] * receptive;
    }
    if (name.startsWith("unit_forget_bias")) {
      // LSTM: the bias initializer (zeros by default), with the forget gate's block (the second
      // quarter) at 1, as Keras' unit_forget_bias=True
      String base = name.startsWith("unit_forget_bias:") ? name.substring(17) : "zeros";
      float[] b = fill(base, shape, rnd);
      int units = n / 4;
      java.util.Arrays.fill(b, units, 2 * units, 1f);
      return b;
    }
    Initializers.Spec s = Initializers.parse(name);
    switch (s.name()) {
      case "zeros" -> { }
      case "ones" -> java.util.Arrays.fill(v, 1f);
      case "constant" -> java.util.Arrays.fill(v, (float) s.num("value"));
      case "glorot_uniform" -> uniform(v, -Math.sqrt(6.0 / (fanIn + fanOut)), Math.sqrt(6.0 / (fanIn + fanOut)), rnd);
      case "glorot_normal" -> truncated(v, 0, Math.sqrt(2.0 / (fanIn + fanOut)) / TRUNCATION, rnd);
      case "he_uniform" -> uniform(v, -Math.sqrt(6.0 / fanIn), Math.sqrt(6.0 / fanIn), rnd);
      case "he_normal" -> truncated(v, 0, Math.sqrt(2.0 / fanIn) / TRUNCATION, rnd);
      case "lecun_uniform" -> uniform(v, -Math.sqrt(3.0 / fanIn), Math.sqrt(3.0 / fanIn), rnd);
      case "lecun_normal" -> truncated(v, 0, Math.sqrt(1.0 / fanIn) / TRUNCATION, rnd);
      case "random_uniform" -> uniform(v, s.num("minval"), s.num("maxval"), rnd);
      case "random_normal" -> {
        for (int i = 0; i < n; i++) {
          v[i] = (float) (s.num("mean") + s.num("stddev") * gaussian(rnd));
        }
      }
      case "truncated_normal" -> truncated(v, s.num("mean"), s.num("stddev"), rnd);
      case "variance_scaling" -> {
        double fan = switch (s.str("mode")) {
          case "fan_in" -> fanIn;
          case "fan_out" -> fanOut;
          default -> (fanIn + fanOut) / 2;
        };
        double scale = s.num("scale") / Math.max(1.0, fan);
        switch (s.str("distribution")) {
          case "uniform" -> uniform(v, -Math.sqrt(3 * scale), Math.sqrt(3 * scale), rnd);
          case "untruncated_normal" -> {
            for (int i = 0; i < n; i++) {
              v[i] = (float) (Math.sqrt(scale) * gaussian(rnd));
            }
          }
          default -> truncated(v, 0, Math.sqrt(scale) / TRUNCATION, rnd);
        }
      }
      case "orthogonal" -> {
        orthogonal(v, shape, rnd);
        scale(v, s.num("gain"));
      }
      case "identity" -> {
        if (shape.length != 2) {
          throw new IllegalArgumentException("the identity initializer needs a 2-D weight;"
              + " received shape " + java.util.Arrays.toString(shape));
        }
        for (int i = 0; i < Math.min(shape[0], shape[1]); i++) {
          v[i * shape[1] + i] = (float) s.num("gain");
        }
      }
      default -> throw new IllegalArgumentException("unknown initializer " + name);
    }
    return v;
  }

  /**
   * Keras' Orthogonal(gain=1): the Q of a QR decomposition of a normal matrix, with the signs
   * of R's diagonal, shaped (rows = product of all but the last axis, cols = last axis).
   */
  private static void orthogonal(float[] v, int[] shape, SplittableRandom rnd) {
    int cols = shape[shape.length - 1];
    int rows = v.length / cols;
    int m = Math.max(rows, cols);
    int k = Math.min(rows, cols);
    double[][] q = new double[k][m]; // k orthonormal vectors of length m (Gram-Schmidt)
    for (int j = 0; j < k; j++) {
      double[] a = new double[m];
      for (int i = 0; i < m; i++) {
        a[i] = gaussian(rnd);
      }
      for (int p = 0; p < j; p++) {
        double dot = 0;
        for (int i = 0; i < m; i++) {
          dot += a[i] * q[p][i];
        }
        for (int i = 0; i < m; i++) {
          a[i] -= dot * q[p][i];
        }
      }
      double norm = 0;
      for (double x : a) {
        norm += x * x;
      }
      norm = Math.sqrt(norm);
      for (int i = 0; i < m; i++) {
        q[j][i] = a[i] / norm;
      }
    }
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        // rows >= cols: column c is q[c]; rows < cols: row r is q[r]
        v[r * cols + c] = (float) (rows >= cols ? q[c][r] : q[r][c]);
      }
    }
  }

  private static void uniform(float[] v, double min, double max, SplittableRandom rnd) {
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) rnd.nextDouble(min, max);
    }
  }

  /** A normal truncated at two standard deviations around the mean (values beyond redrawn). */
  private static void truncated(float[] v, double mean, double stddev, SplittableRandom rnd) {
    for (int i = 0; i < v.length; i++) {
      double g;
      do {
        g = gaussian(rnd);
      } while (Math.abs(g) > 2);
      v[i] = (float) (mean + g * stddev);
    }
  }

  private static void scale(float[] v, double gain) {
    if (gain != 1.0) {
      for (int i = 0; i < v.length; i++) {
        v[i] = (float) (v[i] * gain);
      }
    }
  }

  private static double gaussian(SplittableRandom rnd) {
    // Box-Muller on the splittable generator (java.util.Random's nextGaussian is not splittable)
    double u1 = rnd.nextDouble();
    double u2 = rnd.nextDouble();
    return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
  }
}
