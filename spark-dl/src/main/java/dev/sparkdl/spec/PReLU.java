package dev.sparkdl.spec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keras' {@code PReLU}: {@code f(x) = x} for {@code x >= 0}, {@code alpha * x} otherwise, with
 * {@code alpha} a learned weight of shape {@code input_shape[1:]}, one slope per value of the
 * sample, except along the {@code shared_axes}, where one slope is shared (size 1). Axes count
 * from 1, the first axis of the sample, as in Keras: {@code shared_axes=[1, 2]} on {@code
 * (height, width, channels)} learns one slope per channel.
 *
 * @param alphaInitializer an {@link Initializers} name, Keras' default {@code zeros}
 * @param sharedAxes the axes (from 1) that share one slope, in increasing order; empty for none
 */
public record PReLU(String alphaInitializer, List<Integer> sharedAxes) implements LayerSpec {

  /** Validates: a known initializer and distinct positive axes. */
  public PReLU {
    alphaInitializer = Initializers.check(alphaInitializer);
    sharedAxes = sharedAxes == null ? List.of() : List.copyOf(sharedAxes);
    List<Integer> sorted = new ArrayList<>(sharedAxes);
    java.util.Collections.sort(sorted);
    for (int i = 0; i < sorted.size(); i++) {
      if (sorted.get(i) < 1 || i > 0 && sorted.get(i).equals(sorted.get(i - 1))) {
        throw new SpecException("Received an invalid value for `shared_axes` of PReLU, expected"
            + " distinct axes of the sample, counted from 1. Received: shared_axes=" + sharedAxes);
      }
    }
    sharedAxes = List.copyOf(sorted);
  }

  /** @return {@code PReLU()}: one slope per input value, starting at 0 */
  public static PReLU defaults() {
    return new PReLU("zeros", List.of());
  }

  /** @return a copy whose slopes are shared along these axes (from 1), e.g. {@code (1, 2)} */
  public PReLU sharedAxes(Integer... axes) {
    return new PReLU(alphaInitializer, List.of(axes));
  }

  /** @return a copy whose slopes start from another initializer */
  public PReLU alphaInitializer(String name) {
    return new PReLU(name, sharedAxes);
  }

  @Override
  public String className() {
    return "PReLU";
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("alpha_initializer", Initializers.toKeras(alphaInitializer));
    c.put("shared_axes", sharedAxes.isEmpty() ? null : sharedAxes);
    return c;
  }

  @Override
  public List<Integer> outputShape(List<Integer> input) {
    alphaShape(input);
    return input;
  }

  /**
   * @param input the sample's shape
   * @return Keras' shape of {@code alpha}: the input's, with 1 along the shared axes
   */
  public List<Integer> alphaShape(List<Integer> input) {
    List<Integer> shape = new ArrayList<>(input);
    for (int a : sharedAxes) {
      if (a > input.size()) {
        throw new SpecException("PReLU: shared_axes=" + sharedAxes + " names axis " + a
            + ", but its input has shape " + input + " (axes 1 to " + input.size() + ").");
      }
      shape.set(a - 1, 1);
    }
    return List.copyOf(shape);
  }

  @Override
  public long paramCount(List<Integer> input) {
    return Shapes.product(alphaShape(input));
  }

  static PReLU read(Config c) {
    String init = Initializers.read(c, "alpha_initializer", "zeros");
    Object shared = c.optRaw("shared_axes");
    List<Integer> axes = new ArrayList<>();
    if (shared instanceof Number n) {
      axes.add(n.intValue());
    } else if (shared instanceof List<?> list) {
      for (Object o : list) {
        if (!(o instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
          throw new SpecException("Received an invalid value for `shared_axes` of PReLU,"
              + " expected a list of axes. Received: shared_axes=" + shared);
        }
        axes.add(n.intValue());
      }
    } else if (shared != null) {
      throw new SpecException("Received an invalid value for `shared_axes` of PReLU, expected a"
          + " list of axes. Received: shared_axes=" + shared);
    }
    c.only("alpha_regularizer", null);
    c.only("alpha_constraint", null);
    c.finish();
    return new PReLU(init, axes);
  }
}
