package dev.sparkdl.spec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code output = input * scale + offset}, as Keras' {@code Rescaling} (e.g. {@code scale =
 * 1/255} for pixel values).
 *
 * @param scale the factor
 * @param offset added after scaling
 */
public record Rescaling(double scale, double offset) implements LayerSpec {

  /** Validates. */
  public Rescaling {
    if (!Double.isFinite(scale) || !Double.isFinite(offset)) {
      throw new SpecException("Rescaling needs finite scale and offset. Received: scale=" + scale
          + ", offset=" + offset);
    }
  }

  /** @return a rescaling by this factor */
  public static Rescaling scale(double scale) {
    return new Rescaling(scale, 0);
  }

  @Override
  public String className() {
    return "Rescaling";
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("scale", scale);
    c.put("offset", offset);
    return c;
  }

  @Override
  public List<Integer> outputShape(List<Integer> input) {
    return input;
  }

  static Rescaling read(Config c) {
    Rescaling r = new Rescaling(c.optDouble("scale", Double.NaN), c.optDouble("offset", 0));
    c.finish();
    return r;
  }
}
