package dev.sparkdl.spec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reshapes each sample, as Keras' {@code Reshape}: {@code Reshape.to(28, 28, 1)} turns a {@code
 * [784]} vector into a channels-last image.
 *
 * @param targetShape the per-sample shape
 */
public record Reshape(List<Integer> targetShape) implements LayerSpec {

  /** Validates. */
  public Reshape {
    if (targetShape == null || targetShape.isEmpty()
        || targetShape.stream().anyMatch(d -> d == null || d <= 0)) {
      throw new SpecException("Received an invalid value for `target_shape` of Reshape, expected"
          + " positive integers. Received: target_shape=" + targetShape);
    }
    targetShape = List.copyOf(targetShape);
  }

  /** @return a reshape to these dimensions */
  public static Reshape to(Integer... dims) {
    return new Reshape(List.of(dims));
  }

  @Override
  public String className() {
    return "Reshape";
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("target_shape", targetShape);
    return c;
  }

  @Override
  public List<Integer> outputShape(List<Integer> input) {
    if (Shapes.product(input) != Shapes.product(targetShape)) {
      throw new SpecException("Reshape" + targetShape + " needs " + Shapes.product(targetShape)
          + " values per sample, but its input " + input + " has " + Shapes.product(input) + ".");
    }
    return targetShape;
  }

  static Reshape read(Config c) {
    Reshape r = new Reshape(c.optShape("target_shape", false));
    c.finish();
    return r;
  }
}
