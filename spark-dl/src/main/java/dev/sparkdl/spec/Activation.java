package dev.sparkdl.spec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Applies an activation function element-wise (softmax: over the last axis), as Keras' {@code
 * Activation} layer.
 *
 * @param activation an {@link Activations} name
 */
public record Activation(String activation) implements LayerSpec {

  /** Validates the name. */
  public Activation {
    activation = Activations.check(activation);
  }

  /** @return an activation layer, e.g. {@code Activation.of("relu")} */
  public static Activation of(String activation) {
    return new Activation(activation);
  }

  @Override
  public String className() {
    return "Activation";
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("activation", activation);
    return c;
  }

  @Override
  public List<Integer> outputShape(List<Integer> input) {
    return input;
  }

  static Activation read(Config c) {
    Activation a = new Activation(c.optIdentifier("activation", null));
    c.finish();
    return a;
  }
}
