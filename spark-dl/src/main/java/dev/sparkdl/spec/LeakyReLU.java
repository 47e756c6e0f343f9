package dev.sparkdl.spec;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Keras' {@code LeakyReLU} layer: {@code f(x) = x} for {@code x >= 0}, {@code negative_slope *
 * x} otherwise. Keras 3 names the argument {@code negative_slope} (default 0.3) and still reads
 * Keras 2's {@code alpha}; both are read, {@code negative_slope} is written.
 *
 * @param negativeSlope the slope below 0
 */
public record LeakyReLU(double negativeSlope) implements ActivationLayer {

  /** Keras' default slope. */
  public static final double DEFAULT_SLOPE = 0.3;

  /** Validates: the slope is a number &gt;= 0, as Keras 3 requires. */
  public LeakyReLU {
    ActivationLayer.nonNegative("LeakyReLU", "negative_slope", negativeSlope);
  }

  /** @return {@code LeakyReLU()}: slope 0.3 */
  public static LeakyReLU defaults() {
    return new LeakyReLU(DEFAULT_SLOPE);
  }

  /** @return a leaky ReLU with this slope */
  public static LeakyReLU slope(double negativeSlope) {
    return new LeakyReLU(negativeSlope);
  }

  @Override
  public String asActivation() {
    return negativeSlope == 0.2 ? "leaky_relu" : negativeSlope == 0 ? "relu" : null;
  }

  @Override
  public String className() {
    return "LeakyReLU";
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("negative_slope", negativeSlope);
    return c;
  }

  static LeakyReLU read(Config c) {
    if (c.has("alpha") && c.has("negative_slope")) {
      throw new SpecException("LeakyReLU: both `alpha` (Keras 2) and `negative_slope` (Keras 3)"
          + " are given; give one.");
    }
    double slope = c.has("alpha") ? c.optDouble("alpha", DEFAULT_SLOPE)
        : c.optDouble("negative_slope", DEFAULT_SLOPE);
    c.finish();
    return new LeakyReLU(slope);
  }
}
