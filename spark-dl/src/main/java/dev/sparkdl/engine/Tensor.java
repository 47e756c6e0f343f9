package dev.sparkdl.engine;

import java.io.Serializable;
import java.util.Arrays;

/**
 * A weight array in Keras' layout (a Dense kernel is {@code (input_dim, units)}), row-major. This
 * is what {@code Network.kerasWeights()} returns and {@code setKerasWeights} takes, in Keras'
 * {@code get_weights()} order: per layer kernel, bias; BatchNormalization gamma, beta,
 * moving_mean, moving_variance.
 */
public final class Tensor implements Serializable {
  private static final long serialVersionUID = 1L;
  private final int[] shape;
  private final float[] values;

  /**
   * @param shape the dimensions
   * @param values row-major values; length must be the product of the dimensions
   */
  public Tensor(int[] shape, float[] values) {
    long n = 1;
    for (int d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
      }
      n *= d;
    }
    if (n != values.length) {
      throw new IllegalArgumentException(
          "shape " + Arrays.toString(shape) + " holds " + n + " values, received "
              + values.length);
    }
    this.shape = shape.clone();
    this.values = values.clone();
  }

  /** @return a vector */
  public static Tensor of(float... values) {
    return new Tensor(new int[] {values.length}, values);
  }

  /** @return a matrix from rows of equal length */
  public static Tensor of(float[][] rows) {
    int cols = rows.length == 0 ? 0 : rows[0].length;
    float[] v = new float[rows.length * cols];
    for (int i = 0; i < rows.length; i++) {
      if (rows[i].length != cols) {
        throw new IllegalArgumentException(
            "row " + i + " has " + rows[i].length + " values, row 0 has " + cols);
      }
      System.arraycopy(rows[i], 0, v, i * cols, cols);
    }
    return new Tensor(new int[] {rows.length, cols}, v);
  }

  /** @return a copy of the dimensions */
  public int[] shape() {
    return shape.clone();
  }

  /** @return a copy of the values, row-major */
  public float[] values() {
    return values.clone();
  }

  /** @return the number of values */
  public int size() {
    return values.length;
  }

  float[] raw() {
    return values;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Tensor t && Arrays.equals(shape, t.shape) && Arrays.equals(values, t.values);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(shape) + Arrays.hashCode(values);
  }

  @Override
  public String toString() {
    return "Tensor" + Arrays.toString(shape);
  }
}
