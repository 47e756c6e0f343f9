package dev.sparkdl.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A network's weights in Keras' {@code get_weights()} view (order, shapes, layouts), through
 * each layer's {@link WeightConverter}, and Keras-initialised values for them.
 */
final class KerasLayout {
  private KerasLayout() {}

  /** @return every DJL parameter's values from its layer's Keras initializers */
  static float[][] initial(List<LayerWeights> layers, int params, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    float[][] values = new float[params][];
    for (LayerWeights l : layers) {
      List<float[]> keras = new ArrayList<>();
      for (KerasWeight w : l.keras()) {
        keras.add(KerasInitializers.fill(w.initializer(), w.shape(), rnd));
      }
      place(l, l.converter().fromKeras(keras), values);
    }
    return values;
  }

  /** @return the snapshot's arrays in Keras' order, shapes and layout */
  static List<Tensor> toKeras(List<LayerWeights> layers, WeightSnapshot w) {
    List<Tensor> out = new ArrayList<>();
    for (LayerWeights l : layers) {
      List<float[]> djl = new ArrayList<>();
      for (int p = 0; p < l.paramCount(); p++) {
        djl.add(w.values(l.firstParam() + p));
      }
      List<float[]> keras = l.converter().toKeras(djl);
      for (int k = 0; k < keras.size(); k++) {
        out.add(new Tensor(l.keras().get(k).shape(), keras.get(k)));
      }
    }
    return out;
  }

  /**
   * @return DJL values from Keras-layout arrays
   * @throws IllegalArgumentException naming the array whose count or shape is wrong
   */
  static float[][] fromKeras(List<LayerWeights> layers, int params, List<Tensor> weights) {
    int expected = layers.stream().mapToInt(l -> l.keras().size()).sum();
    if (weights.size() != expected) {
      throw new IllegalArgumentException(
          "set_weights received " + weights.size() + " arrays; this network expects " + expected
              + ": " + describe(layers));
    }
    float[][] values = new float[params][];
    int i = 0;
    for (LayerWeights l : layers) {
      List<float[]> keras = new ArrayList<>();
      for (KerasWeight kw : l.keras()) {
        Tensor t = weights.get(i);
        if (!Arrays.equals(t.shape(), kw.shape())) {
          throw new IllegalArgumentException(
              "set_weights: array " + i + " (" + l.prefix() + kw.name() + ") must have shape "
                  + Arrays.toString(kw.shape()) + ", received " + Arrays.toString(t.shape()));
        }
        keras.add(t.raw().clone());
        i++;
      }
      place(l, l.converter().fromKeras(keras), values);
    }
    return values;
  }

  /** @return names and Keras shapes, e.g. {@code [0_dense/kernel [2, 1], ...]} */
  static String describe(List<LayerWeights> layers) {
    List<String> s = new ArrayList<>();
    for (LayerWeights l : layers) {
      for (KerasWeight w : l.keras()) {
        s.add(l.prefix() + w.name() + " " + Arrays.toString(w.shape()));
      }
    }
    return s.toString();
  }

  private static void place(LayerWeights l, List<float[]> djl, float[][] values) {
    for (int p = 0; p < l.paramCount(); p++) {
      values[l.firstParam() + p] = djl.get(p);
    }
  }
}
