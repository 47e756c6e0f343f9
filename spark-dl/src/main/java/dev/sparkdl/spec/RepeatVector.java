package dev.sparkdl.spec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keras' {@code RepeatVector(n)}: a {@code (features)} sample becomes {@code (n, features)},
 * the vector repeated n times.
 *
 * @param n the number of repetitions, &gt;= 1
 */
public record RepeatVector(int n) implements LayerSpec {

  /** Validates. */
  public RepeatVector {
    if (n < 1) {
      throw new SpecException("Received an invalid value for `n` of RepeatVector, expected a"
          + " positive integer. Received: n=" + n);
    }
  }

  /** @return {@code RepeatVector(n)} */
  public static RepeatVector of(int n) {
    return new RepeatVector(n);
  }

  @Override
  public String className() {
    return "RepeatVector";
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("n", n);
    return c;
  }

  @Override
  public List<Integer> outputShape(List<Integer> input) {
    Shapes.requireRank("RepeatVector", input, 1, "(features)");
    return List.of(n, input.get(0));
  }

  static RepeatVector read(Config c) {
    RepeatVector r = new RepeatVector(c.requiredInt("n"));
    c.finish();
    return r;
  }
}
