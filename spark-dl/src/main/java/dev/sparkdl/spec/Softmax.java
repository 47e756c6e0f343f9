package dev.sparkdl.spec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keras' {@code Softmax(axis=-1)} layer: {@code exp(x) / sum(exp(x))} along one axis of the
 * batched tensor (-1: the last; 1: the first per-sample axis; 0, the batch axis, is refused).
 *
 * @param axis the axis, negative counting from the end
 */
public record Softmax(int axis) implements ActivationLayer {

  /** Validates: not the batch axis. */
  public Softmax {
    if (axis == 0) {
      throw new SpecException("Softmax(axis=0) would normalise across the batch; use an axis of"
          + " the samples (-1, the default, is the last).");
    }
  }

  /** @return {@code Softmax()}: over the last axis */
  public static Softmax defaults() {
    return new Softmax(-1);
  }

  /** @return a softmax over this axis */
  public static Softmax axis(int axis) {
    return new Softmax(axis);
  }

  @Override
  public String asActivation() {
    return axis == -1 ? "softmax" : null;
  }

  @Override
  public String className() {
    return "Softmax";
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("axis", axis);
    return c;
  }

  @Override
  public List<Integer> outputShape(List<Integer> input) {
    int rank = input.size() + 1;
    if (axis < -rank || axis >= rank || axis == -rank) {
      throw new SpecException("Softmax(axis=" + axis + ") needs an axis of the samples; its"
          + " input " + input + " has axes 1.." + input.size() + " (or -1.." + -input.size()
          + ").");
    }
    return input;
  }

  static Softmax read(Config c) {
    Object raw = c.optRaw("axis");
    Softmax s;
    if (raw == null) {
      s = defaults();
    } else if (raw instanceof Number n && n.doubleValue() == n.intValue()) {
      s = new Softmax(n.intValue());
    } else if (raw instanceof List<?> l && l.size() == 1 && l.get(0) instanceof Number n) {
      s = new Softmax(n.intValue());
    } else {
      throw new SpecException("Softmax: `axis` must be one integer; received " + raw
          + " (a softmax over several axes is not supported).");
    }
    c.finish();
    return s;
  }
}
