package dev.sparkdl.spec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keras' {@code LayerNormalization}: each sample is normalised over the {@code axis} axes with
 * its own mean and biased variance, {@code y = (x - mean) / sqrt(var + epsilon) * gamma + beta}
 * (Keras 3's formula), the same in training and inference. {@code gamma} and {@code beta} span the
 * normalised axes. Axes are Keras' (0 is the batch, 1 the sample's first axis, -1 the last); they
 * must be sample axes given in increasing order.
 *
 * @param axis the normalised axes, e.g. {@code [-1]} (Keras' default)
 * @param epsilon added to the variance, &gt; 0, Keras' default 0.001
 * @param center whether {@code beta} is learned (added)
 * @param scale whether {@code gamma} is learned (multiplied)
 * @param betaInitializer an {@link Initializers} name, Keras' default zeros
 * @param gammaInitializer an {@link Initializers} name, Keras' default ones
 */
public record LayerNormalization(List<Integer> axis, double epsilon, boolean center,
    boolean scale, String betaInitializer, String gammaInitializer) implements LayerSpec {

  /** Validates. */
  public LayerNormalization {
    if (axis == null || axis.isEmpty() || axis.stream().anyMatch(a -> a == null || a == 0)
        || axis.stream().distinct().count() != axis.size()) {
      throw new SpecException("Received an invalid value for `axis` of LayerNormalization,"
          + " expected distinct sample axes (1, 2, ... or -1, -2, ...; 0 is the batch)."
          + " Received: axis=" + axis);
    }
    axis = List.copyOf(axis);
    if (!(epsilon > 0)) {
      throw new SpecException("Received an invalid value for `epsilon` of LayerNormalization,"
          + " expected a positive float. Received: epsilon=" + epsilon);
    }
    betaInitializer = Initializers.check(betaInitializer);
    gammaInitializer = Initializers.check(gammaInitializer);
  }

  /** @return {@code LayerNormalization()}: the last axis, epsilon 0.001, gamma and beta */
  public static LayerNormalization defaults() {
    return new LayerNormalization(List.of(-1), 1e-3, true, true, "zeros", "ones");
  }

  /** @return a copy normalising over these axes (Keras' numbering, e.g. {@code (1, 2)}) */
  public LayerNormalization axis(Integer... axes) {
    return new LayerNormalization(List.of(axes), epsilon, center, scale, betaInitializer,
        gammaInitializer);
  }

  /** @return a copy with another epsilon */
  public LayerNormalization epsilon(double epsilon) {
    return new LayerNormalization(axis, epsilon, center, scale, betaInitializer,
        gammaInitializer);
  }

  /** @return a copy with or without beta and gamma */
  public LayerNormalization centerAndScale(boolean center, boolean scale) {
    return new LayerNormalization(axis, epsilon, center, scale, betaInitializer,
        gammaInitializer);
  }

  @Override
  public String className() {
    return "LayerNormalization";
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("axis", axis.size() == 1 ? axis.get(0) : axis);
    c.put("epsilon", epsilon);
    c.put("center", center);
    c.put("scale", scale);
    c.put("beta_initializer", Initializers.toKeras(betaInitializer));
    c.put("gamma_initializer", Initializers.toKeras(gammaInitializer));
    return c;
  }

  /**
   * @param input the sample's shape
   * @return the normalised axes of the sample, from 0 (the sample's first axis), increasing
   * @throws SpecException for axes outside the sample or not in increasing order
   */
  public int[] sampleAxes(List<Integer> input) {
    int rank = input.size() + 1; // Keras counts the batch axis
    int[] out = new int[axis.size()];
    for (int i = 0; i < out.length; i++) {
      int a = axis.get(i) < 0 ? axis.get(i) + rank : axis.get(i);
      if (a < 1 || a >= rank) {
        throw new SpecException("LayerNormalization: axis=" + axis + " is outside its input"
            + " of shape " + input + "; the sample's axes are 1 to " + (rank - 1) + " (or -1 to -"
            + (rank - 1) + ").");
      }
      out[i] = a - 1;
      if (i > 0 && out[i] <= out[i - 1]) {
        throw new SpecException("LayerNormalization: axis=" + axis + " is not supported: give"
            + " the axes in increasing order (Keras reshapes gamma and beta in the order given),"
            + " e.g. axis=[1, 2].");
      }
    }
    return out;
  }

  /** @return Keras' shape of gamma and beta: the input's sizes along the normalised axes */
  public List<Integer> weightShape(List<Integer> input) {
    List<Integer> shape = new ArrayList<>();
    for (int a : sampleAxes(input)) {
      shape.add(input.get(a));
    }
    return List.copyOf(shape);
  }

  @Override
  public List<Integer> outputShape(List<Integer> input) {
    sampleAxes(input);
    return input;
  }

  @Override
  public long paramCount(List<Integer> input) {
    return ((center ? 1 : 0) + (scale ? 1 : 0)) * Shapes.product(weightShape(input));
  }

  static LayerNormalization read(Config c) {
    Object a = c.optRaw("axis");
    List<Integer> axes = new ArrayList<>();
    if (a == null) {
      axes.add(-1);
    } else if (a instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
      axes.add(n.intValue());
    } else if (a instanceof List<?> list) {
      for (Object o : list) {
        if (!(o instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
          throw new SpecException("Received an invalid value for `axis` of LayerNormalization,"
              + " expected an integer or a list of integers. Received: axis=" + a);
        }
        axes.add(n.intValue());
      }
    } else {
      throw new SpecException("Received an invalid value for `axis` of LayerNormalization,"
          + " expected an integer or a list of integers. Received: axis=" + a);
    }
    if (Boolean.TRUE.equals(c.optRaw("rms_scaling"))) {
      throw new SpecException("LayerNormalization: rms_scaling=true is not supported; only"
          + " rms_scaling=false (the Keras default).");
    }
    LayerNormalization l = new LayerNormalization(axes, c.optDouble("epsilon", 1e-3),
        c.optBoolean("center", true), c.optBoolean("scale", true),
        Initializers.read(c, "beta_initializer", "zeros"),
        Initializers.read(c, "gamma_initializer", "ones"));
    c.finish();
    return l;
  }
}
