package dev.sparkdl.spec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A fully connected layer, {@code output = activation(input · kernel + bias)}, as Keras' {@code
 * Dense}: it applies to the last axis of its input, so a {@code [784]} input becomes {@code
 * [units]}. The kernel has Keras' shape {@code (input_dim, units)}.
 *
 * <pre>{@code Dense.units(500).activation("relu")}</pre>
 *
 * @param units the output width, &gt; 0
 * @param activation an {@link Activations} name; {@code linear} for none
 * @param useBias whether to add a bias vector
 * @param kernelInitializer an {@link Initializers} name, Keras' default {@code glorot_uniform}
 * @param biasInitializer an {@link Initializers} name, Keras' default {@code zeros}
 * @param rules the {@link WeightRules}: kernel, bias and activity regularizers, kernel and bias constraints; {@link
 *     WeightRules#NONE} for none
 */
public record Dense(
    int units,
    String activation,
    boolean useBias,
    String kernelInitializer,
    String biasInitializer,
    WeightRules rules)
    implements LayerSpec {

  /** Validates the arguments and canonicalises names. */
  public Dense {
    if (units <= 0) {
      throw new SpecException(
          "Received an invalid value for `units` of Dense, expected a positive integer. Received:"
              + " units=" + units);
    }
    activation = Activations.check(activation);
    kernelInitializer = Initializers.check(kernelInitializer);
    biasInitializer = Initializers.check(biasInitializer);
    rules = (rules == null ? WeightRules.NONE : rules)
        .check("Dense", WeightRules.KERNEL_BIAS.keySet());
  }

  /** The constructor without regularizers or constraints. */
  public Dense(int units, String activation, boolean useBias, String kernelInitializer,
      String biasInitializer) {
    this(units, activation, useBias, kernelInitializer, biasInitializer, WeightRules.NONE);
  }

  /** @return a copy with these regularizers and constraints (see {@link WeightRules}) */
  public Dense rules(WeightRules rules) {
    return new Dense(units, activation, useBias, kernelInitializer, biasInitializer, rules);
  }

  /**
   * @param units the output width
   * @return a Dense layer with Keras' defaults (linear, bias, glorot_uniform, zeros)
   */
  public static Dense units(int units) {
    return new Dense(units, "linear", true, "glorot_uniform", "zeros");
  }

  /** @return a copy with another activation */
  public Dense activation(String name) {
    return new Dense(units, name, useBias, kernelInitializer, biasInitializer, rules);
  }

  /** @return a copy with or without a bias */
  public Dense useBias(boolean use) {
    return new Dense(units, activation, use, kernelInitializer, biasInitializer, rules);
  }

  /** @return a copy with another kernel initializer */
  public Dense kernelInitializer(String name) {
    return new Dense(units, activation, useBias, name, biasInitializer, rules);
  }

  /** @return a copy with another bias initializer */
  public Dense biasInitializer(String name) {
    return new Dense(units, activation, useBias, kernelInitializer, name, rules);
  }

  @Override
  public String className() {
    return "Dense";
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("units", units);
    c.put("activation", activation);
    c.put("use_bias", useBias);
    c.put("kernel_initializer", Initializers.toKeras(kernelInitializer));
    c.put("bias_initializer", Initializers.toKeras(biasInitializer));
    rules.writeTo(c, WeightRules.KERNEL_BIAS);
    return c;
  }

  @Override
  public List<Integer> outputShape(List<Integer> input) {
    if (input.isEmpty()) {
      throw new SpecException("Dense(" + units + ") needs an input with at least one axis, got a scalar.");
    }
    List<Integer> out = new ArrayList<>(input);
    out.set(out.size() - 1, units);
    return List.copyOf(out);
  }

  @Override
  public long paramCount(List<Integer> input) {
    return (long) input.get(input.size() - 1) * units + (useBias ? units : 0);
  }

  static Dense read(Config c) {
    // Keras 1 spelled units output_dim, the initializer init, use_bias bias
    int units = c.has("output_dim") ? c.requiredInt("output_dim") : c.requiredInt("units");
    Dense d =
        new Dense(
            units,
            c.optIdentifier("activation", "linear"),
            c.has("bias") ? c.optBoolean("bias", true) : c.optBoolean("use_bias", true),
            c.has("init") ? Initializers.read(c, "init", "glorot_uniform")
                : Initializers.read(c, "kernel_initializer", "glorot_uniform"),
            Initializers.read(c, "bias_initializer", "zeros"),
        WeightRules.read(c, WeightRules.KERNEL_BIAS, WeightRules.KERAS1_KERNEL_BIAS));
    Keras1.offKeys(c);
    c.finish();
    return d;
  }
}
