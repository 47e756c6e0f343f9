package dev.sparkdl.spec;

import java.util.List;

/**
 * The activation functions a layer may name, with Keras' names and defaults: {@code relu,
 * sigmoid, tanh, softmax, linear, elu} (alpha 1), {@code selu, leaky_relu} (negative slope 0.2 as
 * in {@code keras.activations.leaky_relu}), {@code softplus, gelu} (exact, not the tanh
 * approximation) and {@code swish} (x * sigmoid(x)).
 */
public final class Activations {
  /** Every activation name accepted, in documentation order. */
  public static final List<String> NAMES =
      Names.list(
          "relu", "sigmoid", "tanh", "softmax", "linear", "elu", "selu", "leaky_relu", "softplus",
          "gelu", "swish", "relu6", "softsign", "mish", "exponential", "log_softmax",
          "hard_sigmoid", "hard_sigmoid_keras2", "hard_silu");

  private static final java.util.Map<String, String> ALIASES =
      java.util.Map.of("silu", "swish", "hard_swish", "hard_silu");

  private Activations() {}

  /**
   * Validates an activation name.
   *
   * @param name the name received (case-insensitive; {@code null} means linear as in Keras)
   * @return the canonical lower-case name
   * @throws SpecException if the name is unknown; the message lists the valid ones
   */
  public static String check(String name) {
    if (name == null) {
      return "linear";
    }
    String alias = ALIASES.get(name.trim().toLowerCase(java.util.Locale.ROOT));
    return Names.check("activation", alias != null ? alias : name, NAMES);
  }
}
