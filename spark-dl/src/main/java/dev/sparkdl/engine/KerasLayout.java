package dev.sparkdl.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Conversions between DJL's parameter layout and Keras' {@code get_weights()} view (a Dense
 * kernel is stored {@code (units, input_dim)} by DJL and {@code (input_dim, units)} by Keras),
 * and Keras-initialised values for a network's parameters.
 */
final class KerasLayout {
  private KerasLayout() {}

  /** @return values for every parameter from its Keras initializer, DJL layout */
  static float[][] initial(List<ParamInfo> infos, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    float[][] values = new float[infos.size()][];
    for (int i = 0; i < values.length; i++) {
      ParamInfo info = infos.get(i);
      float[] keras = KerasInitializers.fill(info.initializer(), info.kerasShape(), rnd);
      values[i] = toDjl(info, keras);
    }
    return values;
  }

  /** @return the snapshot's arrays in Keras' order, shapes and layout */
  static List<Tensor> toKeras(List<ParamInfo> infos, WeightSnapshot w) {
    List<Tensor> out = new ArrayList<>();
    for (int i = 0; i < infos.size(); i++) {
      ParamInfo info = infos.get(i);
      float[] v = w.values(i);
      if (info.transposed()) {
        v = transpose(v, info.kerasShape()[1], info.kerasShape()[0]);
      }
      out.add(new Tensor(info.kerasShape(), v));
    }
    return out;
  }

  /**
   * @return Keras-layout arrays as DJL-layout values
   * @throws IllegalArgumentException naming the array whose count or shape is wrong
   */
  static float[][] fromKeras(List<ParamInfo> infos, List<Tensor> weights) {
    if (weights.size() != infos.size()) {
      throw new IllegalArgumentException(
          "set_weights received " + weights.size() + " arrays; this network expects "
              + infos.size() + ": " + describe(infos));
    }
    float[][] values = new float[infos.size()][];
    for (int i = 0; i < values.length; i++) {
      ParamInfo info = infos.get(i);
      Tensor t = weights.get(i);
      if (!Arrays.equals(t.shape(), info.kerasShape())) {
        throw new IllegalArgumentException(
            "set_weights: array " + i + " (" + info.name() + ") must have shape "
                + Arrays.toString(info.kerasShape()) + ", received "
                + Arrays.toString(t.shape()));
      }
      values[i] = toDjl(info, t.raw().clone());
    }
    return values;
  }

  /** @return names and Keras shapes, e.g. {@code [0_dense/kernel [2, 1], ...]} */
  static String describe(List<ParamInfo> infos) {
    List<String> s = new ArrayList<>();
    for (ParamInfo info : infos) {
      s.add(info.name() + " " + Arrays.toString(info.kerasShape()));
    }
    return s.toString();
  }

  private static float[] toDjl(ParamInfo info, float[] keras) {
    return info.transposed()
        ? transpose(keras, info.kerasShape()[0], info.kerasShape()[1])
        : keras;
  }

  private static float[] transpose(float[] v, int rows, int cols) {
    float[] t = new float[v.length];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        t[c * rows + r] = v[r * cols + c];
      }
    }
    return t;
  }
}
