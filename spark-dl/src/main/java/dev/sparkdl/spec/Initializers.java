package dev.sparkdl.spec;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Weight initializer names with Keras' semantics: {@code glorot_uniform} (Keras' default kernel
 * initializer), {@code glorot_normal, he_uniform, he_normal, lecun_uniform, lecun_normal, zeros}
 * (the default bias initializer), {@code ones, random_normal} (stddev 0.05) and {@code
 * random_uniform} (±0.05). Keras' object form ({@code {"class_name": "GlorotUniform", ...}}) is
 * read as the same names.
 */
public final class Initializers {
  /** Every initializer name accepted. */
  public static final List<String> NAMES =
      Names.list(
          "glorot_uniform", "glorot_normal", "he_uniform", "he_normal", "lecun_uniform",
          "lecun_normal", "zeros", "ones", "random_normal", "random_uniform");

  private static final Map<String, String> CLASS_NAMES =
      Map.of(
          "glorotuniform", "glorot_uniform",
          "glorotnormal", "glorot_normal",
          "heuniform", "he_uniform",
          "henormal", "he_normal",
          "lecununiform", "lecun_uniform",
          "lecunnormal", "lecun_normal",
          "randomnormal", "random_normal",
          "randomuniform", "random_uniform");

  private Initializers() {}

  /**
   * Validates an initializer name, accepting Keras' class names too ({@code GlorotUniform}).
   *
   * @param name the name received
   * @return the canonical snake_case name
   * @throws SpecException if the name is unknown; the message lists the valid ones
   */
  public static String check(String name) {
    if (name != null) {
      String alias = CLASS_NAMES.get(name.trim().toLowerCase(Locale.ROOT).replace("_", ""));
      if (alias != null) {
        return alias;
      }
    }
    return Names.check("initializer", name, NAMES);
  }
}
