package dev.sparkdl.spec;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Keras' {@code AlphaDropout(rate)}, for SELU networks: while training, each value is kept with
 * probability {@code 1 - rate} or set to SELU's saturation {@code α' = -scale·alpha}, then
 * {@code a·x + b} restores the mean and variance, with {@code a = ((1 - rate)(1 + rate·α'²))^-½}
 * and {@code b = -a·α'·rate} (SELU's {@code alpha = 1.6732632423543772}, {@code scale =
 * 1.0507009873554805}). The identity at inference. Masks come from the run's seed.
 *
 * @param rate the drop probability, in [0, 1)
 */
public record AlphaDropout(double rate) implements NoiseLayer {

  /** Validates. */
  public AlphaDropout {
    NoiseLayer.rate("AlphaDropout", rate);
  }

  /** @return {@code AlphaDropout(rate)} */
  public static AlphaDropout rate(double rate) {
    return new AlphaDropout(rate);
  }

  @Override
  public String className() {
    return "AlphaDropout";
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("rate", rate);
    return c;
  }

  static AlphaDropout read(Config c) {
    AlphaDropout a = new AlphaDropout(NoiseLayer.readRate(c));
    c.finish();
    return a;
  }
}
