package dev.sparkdl.spec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Inverted dropout as in Keras: while training, each input is zeroed with probability {@code
 * rate} and the survivors are scaled by {@code 1 / (1 - rate)}; at inference it is the identity.
 *
 * @param rate the fraction of inputs to drop, in [0, 1)
 */
public record Dropout(double rate) implements LayerSpec {

  /** Validates the rate. */
  public Dropout {
    if (!(rate >= 0 && rate < 1)) {
      throw new SpecException(
          "Received an invalid value for `rate` of Dropout, expected a float in [0, 1). Received:"
              + " rate=" + rate);
    }
  }

  /** @return a dropout layer, e.g. {@code Dropout.rate(0.3)} */
  public static Dropout rate(double rate) {
    return new Dropout(rate);
  }

  @Override
  public String className() {
    return "Dropout";
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("rate", rate);
    return c;
  }

  @Override
  public List<Integer> outputShape(List<Integer> input) {
    return input;
  }

  static Dropout read(Config c) {
    String key = c.has("p") ? "p" : "rate"; // Keras 1 spelled it p
    if (!c.has(key)) {
      throw new SpecException("Dropout: the config lacks `rate` (a float in [0, 1)).");
    }
    Dropout d = new Dropout(c.optDouble(key, 0));
    c.finish();
    return d;
  }
}
