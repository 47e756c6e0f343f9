package dev.sparkdl.engine;

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
   * @param name the initializer
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
    switch (name) {
      case "zeros" -> { }
      case "ones" -> java.util.Arrays.fill(v, 1f);
      case "glorot_uniform" -> uniform(v, Math.sqrt(6.0 / (fanIn + fanOut)), rnd);
      case "glorot_normal" -> truncated(v, Math.sqrt(2.0 / (fanIn + fanOut)) / TRUNCATION, rnd);
      case "he_uniform" -> uniform(v, Math.sqrt(6.0 / fanIn), rnd);
      case "he_normal" -> truncated(v, Math.sqrt(2.0 / fanIn) / TRUNCATION, rnd);
      case "lecun_uniform" -> uniform(v, Math.sqrt(3.0 / fanIn), rnd);
      case "lecun_normal" -> truncated(v, Math.sqrt(1.0 / fanIn) / TRUNCATION, rnd);
      case "random_uniform" -> uniform(v, 0.05, rnd);
      case "random_normal" -> {
        for (int i = 0; i < n; i++) {
          v[i] = (float) (0.05 * gaussian(rnd));
        }
      }
      default -> throw new IllegalArgumentException("unknown initializer " + name);
    }
    return v;
  }

  private static void uniform(float[] v, double limit, SplittableRandom rnd) {
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) rnd.nextDouble(-limit, limit);
    }
  }

  private static void truncated(float[] v, double stddev, SplittableRandom rnd) {
    for (int i = 0; i < v.length; i++) {
      double g;
      do {
        g = gaussian(rnd);
      } while (Math.abs(g) > 2);
      v[i] = (float) (g * stddev);
    }
  }

  private static double gaussian(SplittableRandom rnd) {
    // Box-Muller on the splittable generator (java.util.Random's nextGaussian is not splittable)
    double u1 = rnd.nextDouble();
    double u2 = rnd.nextDouble();
    return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
  }
}
