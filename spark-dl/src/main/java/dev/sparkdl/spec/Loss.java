package dev.sparkdl.spec;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A loss function, by Keras name.
 *
 * <ul>
 *   <li>{@code categorical_crossentropy}: targets are one-hot or probability vectors (a class
 *       index label is one-hot encoded for it); the network ends with softmax.
 *   <li>{@code sparse_categorical_crossentropy}: targets are class indices; ends with softmax.
 *   <li>{@code binary_crossentropy}: targets in [0, 1]; the network ends with one sigmoid unit.
 *   <li>{@code mse}, {@code mae}, {@code huber} (with {@code delta}, default 1): regression.
 *   <li>{@code normal_nll}: the negative log-likelihood of a normal distribution whose mean is
 *       output 0 and whose standard deviation is softplus(output 1) + 1e-6 (two linear units).
 *   <li>{@code poisson_nll}: the negative log-likelihood of a Poisson distribution whose log
 *       rate is the one linear output unit.
 *   <li>{@code negative_binomial_nll} (log mean, dispersion before softplus),
 *       {@code zero_inflated_poisson_nll} (log rate, logit of the extra zeros' probability),
 *       {@code mixture_normal_nll} (K logits, K means, K standard deviations before softplus):
 *       see {@code engine.OutputDistribution}.
 * </ul>
 *
 * The likelihood losses are what a regressor's {@code distribution} param resolves
 * {@code loss} to; the target is one value per row whatever the number of output units.
 *
 * Cross-entropies are computed from the pre-activation outputs (log-softmax / log-sigmoid), which
 * is numerically stable; the result equals Keras' value on the probabilities.
 *
 * @param name the canonical name
 * @param delta Huber's threshold (1.0 for every other loss)
 */
public record Loss(String name, double delta) {
  /** Every loss name accepted (aliases such as {@code mean_squared_error} are also read). */
  public static final List<String> NAMES =
      Names.list(
          "categorical_crossentropy", "sparse_categorical_crossentropy", "binary_crossentropy",
          "mse", "mae", "huber", "normal_nll", "poisson_nll", "negative_binomial_nll",
          "zero_inflated_poisson_nll", "mixture_normal_nll");

  private static final Map<String, String> ALIASES =
      Map.of(
          "mean_squared_error", "mse",
          "meansquarederror", "mse",
          "mean_absolute_error", "mae",
          "meanabsoluteerror", "mae",
          "huber_loss", "huber",
          "categoricalcrossentropy", "categorical_crossentropy",
          "sparsecategoricalcrossentropy", "sparse_categorical_crossentropy",
          "binarycrossentropy", "binary_crossentropy");

  /** Validates and canonicalises. */
  public Loss {
    name = canonical(name);
    if (!"huber".equals(name)) {
      delta = 1.0;
    } else if (!(delta > 0)) {
      throw new SpecException(
          "Received an invalid value for `delta` of huber, expected a positive float. Received:"
              + " delta=" + delta);
    }
  }

  /**
   * @param name a loss name (see {@link #NAMES}) or Keras alias
   * @return the loss with default arguments
   */
  public static Loss of(String name) {
    return new Loss(name, 1.0);
  }

  /** @return the Huber loss with this delta */
  public static Loss huber(double delta) {
    return new Loss("huber", delta);
  }

  /** @return true for the three cross-entropies (classification losses) */
  public boolean isCrossEntropy() {
    return name.endsWith("crossentropy");
  }

  /**
   * @return the distribution whose negative log-likelihood this loss is (e.g. {@code "normal"}
   *     or {@code "poisson"}), or null for the other losses
   */
  public String distribution() {
    return name.endsWith("_nll") ? name.substring(0, name.length() - "_nll".length()) : null;
  }

  /** @return true for mse, mae, huber and the likelihood losses */
  public boolean isRegression() {
    return !isCrossEntropy();
  }

  static String canonical(String name) {
    if (name != null) {
      String alias = ALIASES.get(name.trim().toLowerCase(Locale.ROOT));
      if (alias != null) {
        return alias;
      }
    }
    return Names.check("loss", name, NAMES);
  }

  /** @return {@code "mse"} or {@code {"class_name": "Huber", "config": {"delta": 0.5}}} */
  public String toJson() {
    return SpecJson.write(SpecJson.lossTree(this));
  }

  /** Reads a loss: a name or Keras' {@code {"class_name": ..., "config": ...}} object. */
  public static Loss fromJson(String json) {
    return SpecJson.lossFromTree(SpecJson.parse(json, "loss"));
  }

  /**
   * Reads a loss from Keras' object form, e.g. {@code {"class_name": "Huber", "config":
   * {"delta": 2.0}}}.
   *
   * @param className Keras' class name, e.g. {@code Huber} or {@code CategoricalCrossentropy}
   * @param c its config
   * @return the loss
   * @throws SpecException for unknown names and unsupported arguments (from_logits,
   *     label_smoothing, a reduction other than the mean)
   */
  static Loss read(String className, Config c) {
    double delta = c.optDouble("delta", 1.0);
    if (c.optBoolean("from_logits", false)) {
      throw new SpecException(
          className + ": from_logits=true is not supported; end the network with softmax (or"
              + " sigmoid) and drop from_logits. The loss is computed from the logits"
              + " internally either way.");
    }
    String reduction = c.optString("reduction", "sum_over_batch_size");
    if (!List.of("sum_over_batch_size", "auto").contains(reduction)) {
      throw new SpecException(className + ": reduction='" + reduction + "' is not supported.");
    }
    c.ignore("label_smoothing", "axis", "ignore_class");
    if (c.optDouble("label_smoothing", 0) != 0) {
      throw new SpecException(className + ": label_smoothing is not supported.");
    }
    c.finish();
    return new Loss(LayerTypes.snakeCase(className), delta);
  }
}
