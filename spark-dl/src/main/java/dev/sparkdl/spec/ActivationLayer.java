package dev.sparkdl.spec;

import java.util.List;

/**
 * A layer that applies a fixed element-wise (Softmax: per-axis) function and holds no weights:
 * Keras' advanced-activation layers {@link ReLU}, {@link LeakyReLU}, {@link ELU}, {@link
 * Softmax} and {@link ThresholdedReLU}. The output shape is the input shape.
 */
public sealed interface ActivationLayer extends LayerSpec
    permits ReLU, LeakyReLU, ELU, Softmax, ThresholdedReLU {

  /**
   * @return the {@link Activations} name this layer computes exactly, e.g. {@code relu} for
   *     {@code ReLU()} or {@code softmax} for {@code Softmax(axis=-1)}; null if its arguments
   *     make it a function of its own. A named one can serve as a network's output head.
   */
  String asActivation();

  @Override
  default List<Integer> outputShape(List<Integer> input) {
    return input;
  }

  /** Refuses a negative or non-finite argument, as Keras does ("Float >= 0"). */
  static double nonNegative(String layer, String key, double v) {
    if (!Double.isFinite(v) || v < 0) {
      throw new SpecException(layer + " needs " + key + " >= 0 (a finite number), as Keras"
          + " does. Received: " + key + "=" + v);
    }
    return v;
  }
}
