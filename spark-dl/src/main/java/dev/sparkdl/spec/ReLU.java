package dev.sparkdl.spec;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Keras' {@code ReLU(max_value=None, negative_slope=0.0, threshold=0.0)} layer:
 *
 * <pre>
 * f(x) = min(x, max_value)                if x &gt; threshold
 * f(x) = negative_slope * (x - threshold) otherwise
 * </pre>
 *
 * (at {@code x == threshold} the value is 0, as Keras computes it: {@code x * (x > threshold)}).
 *
 * @param maxValue the largest value, or null for none
 * @param negativeSlope the slope below the threshold
 * @param threshold where the function starts passing x
 */
public record ReLU(Double maxValue, double negativeSlope, double threshold)
    implements ActivationLayer {

  /** Validates: every argument is a number &gt;= 0, as in Keras. */
  public ReLU {
    if (maxValue != null) {
      ActivationLayer.nonNegative("ReLU", "max_value", maxValue);
    }
    ActivationLayer.nonNegative("ReLU", "negative_slope", negativeSlope);
    ActivationLayer.nonNegative("ReLU", "threshold", threshold);
  }

  /** @return {@code ReLU()}: max(x, 0) */
  public static ReLU defaults() {
    return new ReLU(null, 0, 0);
  }

  /** @return this layer with a largest value */
  public ReLU maxValue(double max) {
    return new ReLU(max, negativeSlope, threshold);
  }

  /** @return this layer with a slope below the threshold */
  public ReLU negativeSlope(double slope) {
    return new ReLU(maxValue, slope, threshold);
  }

  /** @return this layer with a threshold */
  public ReLU threshold(double t) {
    return new ReLU(maxValue, negativeSlope, t);
  }

  @Override
  public String asActivation() {
    if (negativeSlope != 0 || threshold != 0) {
      return null;
    }
    return maxValue == null ? "relu" : maxValue == 6 ? "relu6" : null;
  }

  @Override
  public String className() {
    return "ReLU";
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("max_value", maxValue);
    c.put("negative_slope", negativeSlope);
    c.put("threshold", threshold);
    return c;
  }

  static ReLU read(Config c) {
    double max = c.optDouble("max_value", Double.NaN);
    ReLU r = new ReLU(Double.isNaN(max) ? null : max, c.optDouble("negative_slope", 0),
        c.optDouble("threshold", 0));
    c.finish();
    return r;
  }
}
