package dev.sparkdl.spec;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Keras 2's {@code ThresholdedReLU(theta=1.0)} layer: {@code f(x) = x} for {@code x > theta},
 * 0 otherwise. Keras 3 has no such class; {@code ReLU(threshold=theta)} computes the same. A
 * {@code .keras} export refuses it, naming that replacement.
 *
 * @param theta the threshold
 */
public record ThresholdedReLU(double theta) implements ActivationLayer {

  /** Validates: theta is a number &gt;= 0, as tf.keras requires. */
  public ThresholdedReLU {
    ActivationLayer.nonNegative("ThresholdedReLU", "theta", theta);
  }

  /** @return {@code ThresholdedReLU()}: theta 1 */
  public static ThresholdedReLU defaults() {
    return new ThresholdedReLU(1.0);
  }

  /** @return a thresholded ReLU with this theta */
  public static ThresholdedReLU theta(double theta) {
    return new ThresholdedReLU(theta);
  }

  @Override
  public String asActivation() {
    return theta == 0 ? "relu" : null;
  }

  @Override
  public String className() {
    return "ThresholdedReLU";
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("theta", theta);
    return c;
  }

  static ThresholdedReLU read(Config c) {
    ThresholdedReLU t = new ThresholdedReLU(c.optDouble("theta", 1.0));
    c.finish();
    return t;
  }
}
