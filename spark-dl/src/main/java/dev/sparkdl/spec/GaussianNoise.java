package dev.sparkdl.spec;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Keras' {@code GaussianNoise(stddev)}: while training, adds {@code N(0, stddev²)} noise to
 * every value; the identity at inference. The noise comes from the run's seed.
 *
 * @param stddev the noise's standard deviation, &gt;= 0
 */
public record GaussianNoise(double stddev) implements NoiseLayer {

  /** Validates. */
  public GaussianNoise {
    if (!(stddev >= 0) || Double.isInfinite(stddev)) {
      throw new SpecException("Received an invalid value for `stddev` of GaussianNoise, expected"
          + " a finite float >= 0. Received: stddev=" + stddev);
    }
  }

  /** @return {@code GaussianNoise(stddev)} */
  public static GaussianNoise stddev(double stddev) {
    return new GaussianNoise(stddev);
  }

  @Override
  public String className() {
    return "GaussianNoise";
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("stddev", stddev);
    return c;
  }

  static GaussianNoise read(Config c) {
    c.ignore("seed");
    // Keras 1 spelled it sigma
    GaussianNoise g = new GaussianNoise(c.requiredDouble(c.has("sigma") ? "sigma" : "stddev"));
    c.finish();
    return g;
  }
}
