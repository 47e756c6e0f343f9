package dev.sparkdl.spec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Flattens each sample to one axis, as Keras' {@code Flatten}: {@code [28, 28, 1] -> [784]}. */
public record Flatten() implements LayerSpec {

  /** @return a flatten layer */
  public static Flatten of() {
    return new Flatten();
  }

  @Override
  public String className() {
    return "Flatten";
  }

  @Override
  public Map<String, Object> config() {
    return new LinkedHashMap<>();
  }

  @Override
  public List<Integer> outputShape(List<Integer> input) {
    long n = 1;
    for (int d : input) {
      n *= d;
    }
    if (n > Integer.MAX_VALUE) {
      throw new SpecException("Flatten: input shape " + input + " has more than 2^31 elements.");
    }
    return List.of((int) n);
  }

  static Flatten read(Config c) {
    c.finish();
    return new Flatten();
  }
}
