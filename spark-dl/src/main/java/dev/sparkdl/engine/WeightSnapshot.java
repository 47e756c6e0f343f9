package dev.sparkdl.engine;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Every parameter and every running statistic of a network (BatchNorm moving mean and variance
 * included) as flat float arrays in the network's parameter order and DJL's layout. This is what
 * is broadcast to and averaged from the Spark partitions, and what a model saves.
 */
public final class WeightSnapshot implements Serializable {
  private static final long serialVersionUID = 1L;
  private final String[] names;
  private final long[][] shapes;
  private final float[][] values;

  /**
   * @param names parameter names, in order
   * @param shapes DJL shapes
   * @param values flat values, one array per parameter
   */
  public WeightSnapshot(String[] names, long[][] shapes, float[][] values) {
    if (names.length != shapes.length || names.length != values.length) {
      throw new IllegalArgumentException("names, shapes and values differ in length");
    }
    for (int i = 0; i < names.length; i++) {
      long n = 1;
      for (long d : shapes[i]) {
        n *= d;
      }
      if (n != values[i].length) {
        throw new IllegalArgumentException(
            "parameter " + names[i] + " of shape " + Arrays.toString(shapes[i]) + " needs " + n
                + " values, received " + values[i].length);
      }
    }
    this.names = names;
    this.shapes = shapes;
    this.values = values;
  }

  /** @return the number of parameter arrays */
  public int size() {
    return names.length;
  }

  /** @return the name of parameter {@code index} */
  public String name(int index) {
    return names[index];
  }

  /** @return the DJL shape of parameter {@code index} (a copy) */
  public long[] shape(int index) {
    return shapes[index].clone();
  }

  /** @return the values of parameter {@code index} (the array itself, not a copy) */
  public float[] values(int index) {
    return values[index];
  }

  /** @return all value arrays (not copies) */
  public float[][] arrays() {
    return values;
  }

  /** @return the total number of floats */
  public long totalValues() {
    long n = 0;
    for (float[] v : values) {
      n += v.length;
    }
    return n;
  }

  /** @return a snapshot with the same names and shapes and these values */
  public WeightSnapshot withValues(float[][] newValues) {
    return new WeightSnapshot(names, shapes, newValues);
  }

  /** @return the first parameter name holding a NaN or infinite value, or null */
  public String firstNonFinite() {
    for (int i = 0; i < values.length; i++) {
      for (float f : values[i]) {
        if (!Float.isFinite(f)) {
          return names[i];
        }
      }
    }
    return null;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof WeightSnapshot w
        && Arrays.equals(names, w.names)
        && Arrays.deepEquals(shapes, w.shapes)
        && Arrays.deepEquals(values, w.values);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(names) * 31 + Arrays.deepHashCode(values);
  }

  @Override
  public String toString() {
    return "WeightSnapshot(" + names.length + " arrays, " + totalValues() + " values)";
  }
}
