package dev.sparkdl.spec;

import java.util.List;

/**
 * Arguments every layer reader shares across Keras versions: Keras 1's regularizer and constraint
 * spellings (accepted when null, unless the layer reads them), {@code dim_ordering} (tf only)
 * and {@code data_format} (channels-last or channels-first).
 */
final class Keras1 {
  /** Keras 1 arguments that are accepted only when null (their "off" value). */
  private static final List<String> OFF_WHEN_NULL =
      List.of("W_regularizer", "b_regularizer", "U_regularizer", "W_constraint", "b_constraint",
          "U_constraint", "W_learning_rate_multiplier", "b_learning_rate_multiplier",
          "input_dtype");

  private Keras1() {}

  /**
   * Accepts Keras 1's regularizer and constraint keys when null; refuses them otherwise, naming
   * the layer and the argument. Keys a layer has already read (its {@link WeightRules}) pass.
   */
  static void offKeys(Config c) {
    for (String k : OFF_WHEN_NULL) {
      if (c.wasRead(k)) {
        continue; // a layer that reads its regularizers and constraints (WeightRules)
      }
      Object v = c.optRaw(k);
      if (v != null && !"input_dtype".equals(k)) {
        throw new SpecException(c.owner() + ": " + k + "=" + v + " is not supported; only null"
            + " (no " + (k.contains("regularizer") ? "regularizer" : k.contains("constraint")
                ? "constraint" : "multiplier") + ").");
      }
    }
  }

  /**
   * For convolution and pooling layers, which compute either layout: {@code data_format}
   * channels_last or channels_first (Keras 2/3), {@code dim_ordering: tf|default} (Keras 1; its
   * 'th' stores kernels differently and stays refused).
   *
   * @return channels_last or channels_first
   */
  static String dataFormatOf(Config c) {
    String df = c.optString("data_format", "channels_last");
    refuse(c, "channels_first".equals(df) ? "channels_last" : df);
    return df;
  }

  private static void refuse(Config c, String df) {
    String dim = c.optString("dim_ordering", "tf");
    if (!"channels_last".equals(df) || !("tf".equals(dim) || "default".equals(dim))) {
      String got = !"channels_last".equals(df) ? "data_format='" + df + "'"
          : "dim_ordering='" + dim + "'";
      throw new SpecException(c.owner() + ": " + got + " is not supported; spark-dl reads"
          + " data_format='channels_last' (Keras' default) or 'channels_first', and Keras 1's"
          + " dim_ordering='tf' (Theano's 'th' stores kernels differently). Rebuild the model with"
          + " channels-last inputs, (height, width, channels) or (steps, channels).");
    }
  }
}
