package dev.sparkdl.spec;

/**
 * A layer that perturbs its input only while training (Keras' regularization layers: Dropout's
 * relatives) and is the identity at inference. The shape is unchanged.
 */
public sealed interface NoiseLayer extends LayerSpec
    permits SpatialDropout, GaussianNoise, GaussianDropout, AlphaDropout {

  @Override
  default java.util.List<Integer> outputShape(java.util.List<Integer> input) {
    return input;
  }

  /** A rate in [0, 1), as Keras' dropout layers take it. */
  static double rate(String owner, double rate) {
    if (!(rate >= 0 && rate < 1)) {
      throw new SpecException("Received an invalid value for `rate` of " + owner
          + ", expected a float in [0, 1). Received: rate=" + rate);
    }
    return rate;
  }

  /**
   * Reads the rate (Keras 1: {@code p}) and accepts Keras' {@code seed}: the engine draws from the run's seed (as it
   * does for Dropout's masks and initializers' values), so a layer's own seed is ignored.
   */
  static double readRate(Config c) {
    String key = c.has("p") ? "p" : "rate"; // Keras 1 spelled it p
    if (!c.has(key)) {
      throw new SpecException(c.owner() + ": the config lacks `rate` (a float in [0, 1)).");
    }
    c.ignore("seed");
    return c.optDouble(key, 0);
  }
}
