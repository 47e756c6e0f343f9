package dev.sparkdl.spec;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Keras' {@code GaussianDropout(rate)}: while training, multiplies every value by {@code N(1,
 * rate / (1 - rate))} noise (standard deviation {@code sqrt(rate / (1 - rate))}); the identity
 * at inference. The noise comes from the run's seed.
 *
 * @param rate the equivalent drop probability, in [0, 1)
 */
public record GaussianDropout(double rate) implements NoiseLayer {

  /** Validates. */
  public GaussianDropout {
    NoiseLayer.rate("GaussianDropout", rate);
  }

  /** @return {@code GaussianDropout(rate)} */
  public static GaussianDropout rate(double rate) {
    return new GaussianDropout(rate);
  }

  @Override
  public String className() {
    return "GaussianDropout";
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("rate", rate);
    return c;
  }

  static GaussianDropout read(Config c) {
    GaussianDropout g = new GaussianDropout(NoiseLayer.readRate(c));
    c.finish();
    return g;
  }
}
