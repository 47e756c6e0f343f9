package dev.sparkdl.distributed;

import dev.sparkdl.engine.WeightLayout;
import dev.sparkdl.engine.WeightSnapshot;

/**
 * The driver's update after a round: the change the partitions made on average, {@code d =
 * average - previous}, is applied as a step of SGD with Nesterov momentum, {@code v = m v + d;
 * w = previous + m v + d}, as the outer optimizers of SlowMo and DiLoCo do. Without momentum the
 * result is the plain average. Running statistics (BatchNorm's moving mean and variance) always
 * take the plain average.
 */
final class OuterOptimizer {
  private final WeightLayout layout;
  private final float momentum;
  private float[][] velocity;

  /**
   * @param layout which arrays are trained
   * @param momentum the outer momentum (0: the plain average)
   * @param velocity the velocity to continue from (a warm start), or null
   */
  OuterOptimizer(WeightLayout layout, double momentum, float[][] velocity) {
    this.layout = layout;
    this.momentum = (float) momentum;
    this.velocity = momentum == 0 || velocity == null ? null : copy(velocity);
  }

  private static float[][] copy(float[][] arrays) { // the initial model's own stays as it is
    float[][] c = new float[arrays.length][];
    for (int i = 0; i < c.length; i++) {
      c[i] = arrays[i] == null ? null : arrays[i].clone();
    }
    return c;
  }

  /** @return a copy of the velocity (null before the first step, or without momentum) */
  float[][] velocity() {
    return velocity == null ? null : copy(velocity);
  }

  /**
   * @param previous the weights the round started from
   * @param averaged the partitions' sample-weighted average (its arrays are overwritten)
   * @return the next round's weights
   */
  WeightSnapshot step(WeightSnapshot previous, float[][] averaged) {
    if (momentum == 0f) {
      return previous.withValues(averaged);
    }
    if (velocity == null) {
      velocity = new float[averaged.length][];
    }
    for (int i = 0; i < averaged.length; i++) {
      if (!layout.trainable(i)) {
        continue;
      }
      float[] w0 = previous.values(i);
      float[] a = averaged[i];
      if (velocity[i] == null) {
        velocity[i] = new float[a.length];
      }
      float[] v = velocity[i];
      for (int j = 0; j < a.length; j++) {
        float d = a[j] - w0[j];
        v[j] = momentum * v[j] + d;
        a[j] = w0[j] + momentum * v[j] + d;
      }
    }
    return previous.withValues(averaged);
  }
}
