package dev.sparkdl.spec;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Keras' {@code ELU(alpha=1.0)} layer: {@code f(x) = x} for {@code x > 0}, {@code alpha *
 * (exp(x) - 1)} otherwise.
 *
 * @param alpha the scale of the negative part
 */
public record ELU(double alpha) implements ActivationLayer {

  /** Validates: alpha is finite. */
  public ELU {
    if (!Double.isFinite(alpha)) {
      throw new SpecException("ELU needs a finite alpha. Received: alpha=" + alpha);
    }
  }

  /** @return {@code ELU()}: alpha 1 */
  public static ELU defaults() {
    return new ELU(1.0);
  }

  /** @return an ELU with this alpha */
  public static ELU alpha(double alpha) {
    return new ELU(alpha);
  }

  @Override
  public String asActivation() {
    return alpha == 1.0 ? "elu" : null;
  }

  @Override
  public String className() {
    return "ELU";
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("alpha", alpha);
    return c;
  }

  static ELU read(Config c) {
    ELU e = new ELU(c.optDouble("alpha", 1.0));
    c.finish();
    return e;
  }
}
