package dev.sparkdl.spec;

import java.util.LinkedHashMap;
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
 *   <li>{@code binary_focal_crossentropy} (one sigmoid unit) and {@code
 *       categorical_focal_crossentropy} (softmax): the cross-entropy down-weighted by {@code (1 -
 *       p_t)^gamma}, Keras' {@code alpha} (0.25) and {@code gamma} (2.0); the binary one with
 *       {@code apply_class_balancing} (false).
 *   <li>{@code hinge}, {@code squared_hinge}: two classes scored by one linear unit, labels 0/1
 *       becoming -1/1; {@code categorical_hinge}: softmax outputs against one-hot targets.
 *   <li>{@code kl_divergence}, {@code cosine_similarity} (Keras' value, the negative
 *       similarity): softmax outputs against one-hot or probability targets.
 *   <li>{@code mse}, {@code mae}, {@code huber} (with {@code delta}, default 1), {@code
 *       log_cosh}, {@code mape}, {@code msle}, {@code poisson} (positive predictions, labels
 *       &gt;= 0): regression.
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
 * <p>Cross-entropies are computed from the pre-activation outputs (log-softmax / log-sigmoid),
 * which is numerically stable; the result equals Keras' on the probabilities. With {@code
 * fromLogits} the network ends linear and the loss applies the sigmoid (one unit) or softmax
 * itself, as in Keras; the classifier still reports probabilities. {@code labelSmoothing} {@code
 * s} moves the targets towards uniform as Keras does: {@code y (1 - s) + s / 2} for the binary
 * losses, {@code y (1 - s) + s / K} for the categorical ones of K classes.
 *
 * @param name the canonical name
 * @param delta Huber's threshold (1.0 for every other loss)
 * @param fromLogits whether the network's outputs are logits the loss turns into probabilities
 *     (cross-entropies only; false for the others)
 * @param labelSmoothing in [0, 1] (binary, categorical and the focal cross-entropies; 0 for the
 *     others)
 * @param alpha the focal losses' weight (0.25 for the others)
 * @param gamma the focal losses' focusing exponent (2.0 for the others)
 * @param applyClassBalancing whether binary_focal_crossentropy weighs class 1 by alpha and class
 *     0 by 1 - alpha (false for the others)
 */
public record Loss(String name, double delta, boolean fromLogits, double labelSmoothing,
    double alpha, double gamma, boolean applyClassBalancing) {
  /** Every loss name accepted (aliases such as {@code mean_squared_error} are also read). */
  public static final List<String> NAMES =
      Names.list(
          "categorical_crossentropy", "sparse_categorical_crossentropy", "binary_crossentropy",
          "mse", "mae", "huber", "normal_nll", "poisson_nll", "negative_binomial_nll",
          "zero_inflated_poisson_nll", "mixture_normal_nll", "poisson", "kl_divergence",
          "log_cosh", "mape", "msle", "hinge", "squared_hinge", "categorical_hinge",
          "cosine_similarity", "binary_focal_crossentropy", "categorical_focal_crossentropy");

  private static final Map<String, String> ALIASES =
      Map.ofEntries(
          Map.entry("mean_squared_error", "mse"),
          Map.entry("meansquarederror", "mse"),
          Map.entry("mean_absolute_error", "mae"),
          Map.entry("meanabsoluteerror", "mae"),
          Map.entry("huber_loss", "huber"),
          Map.entry("categoricalcrossentropy", "categorical_crossentropy"),
          Map.entry("sparsecategoricalcrossentropy", "sparse_categorical_crossentropy"),
          Map.entry("binarycrossentropy", "binary_crossentropy"),
          Map.entry("mean_absolute_percentage_error", "mape"),
          Map.entry("meanabsolutepercentageerror", "mape"),
          Map.entry("mean_squared_logarithmic_error", "msle"),
          Map.entry("meansquaredlogarithmicerror", "msle"),
          Map.entry("kld", "kl_divergence"),
          Map.entry("kullback_leibler_divergence", "kl_divergence"),
          Map.entry("kldivergence", "kl_divergence"),
          Map.entry("logcosh", "log_cosh"),
          Map.entry("cosinesimilarity", "cosine_similarity"),
          Map.entry("squaredhinge", "squared_hinge"),
          Map.entry("categoricalhinge", "categorical_hinge"),
          Map.entry("binaryfocalcrossentropy", "binary_focal_crossentropy"),
          Map.entry("categoricalfocalcrossentropy", "categorical_focal_crossentropy"));

  /** Keras' class names of the losses written in object form. */
  private static final Map<String, String> CLASS_NAMES =
      Map.of(
          "huber", "Huber",
          "binary_crossentropy", "BinaryCrossentropy",
          "categorical_crossentropy", "CategoricalCrossentropy",
          "sparse_categorical_crossentropy", "SparseCategoricalCrossentropy",
          "binary_focal_crossentropy", "BinaryFocalCrossentropy",
          "categorical_focal_crossentropy", "CategoricalFocalCrossentropy");

  /** Validates and canonicalises: arguments a loss does not take are refused or defaulted. */
  public Loss {
    name = canonical(name);
    if (!"huber".equals(name)) {
      delta = 1.0;
    } else if (!(delta > 0)) {
      throw new SpecException(
          "Received an invalid value for `delta` of huber, expected a positive float. Received:"
              + " delta=" + delta);
    }
    boolean crossEntropy = name.endsWith("crossentropy");
    if (fromLogits && !crossEntropy) {
      throw new SpecException(
          "Loss " + name + " takes no `from_logits` (only the cross-entropies do). Received:"
              + " from_logits=true");
    }
    if (labelSmoothing != 0
        && (!crossEntropy || "sparse_categorical_crossentropy".equals(name))) {
      throw new SpecException(
          "Loss " + name + " takes no `label_smoothing` (binary, categorical and the focal"
              + " cross-entropies do; Keras' sparse_categorical_crossentropy does not: use"
              + " categorical_crossentropy). Received: label_smoothing=" + labelSmoothing);
    }
    if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) {
      throw new SpecException(
          "Received an invalid value for `label_smoothing` of " + name + ", expected a float in"
              + " [0, 1]. Received: label_smoothing=" + labelSmoothing);
    }
    if (name.endsWith("focal_crossentropy")) {
      if (!(alpha >= 0 && alpha <= 1)) {
        throw new SpecException(
            "Received an invalid value for `alpha` of " + name + ", expected a float in [0, 1]."
                + " Received: alpha=" + alpha);
      }
      if (!(gamma >= 0) || Double.isInfinite(gamma)) {
        throw new SpecException(
            "Received an invalid value for `gamma` of " + name + ", expected a float >= 0."
                + " Received: gamma=" + gamma);
      }
    } else {
      alpha = 0.25;
      gamma = 2.0;
    }
    if (!"binary_focal_crossentropy".equals(name)) {
      applyClassBalancing = false;
    }
  }

  /** A loss with this name and Huber threshold, and Keras' defaults otherwise. */
  public Loss(String name, double delta) {
    this(name, delta, false, 0, 0.25, 2.0, false);
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

  /** @return a copy computing from logits (a linear output layer) */
  public Loss withFromLogits(boolean value) {
    return new Loss(name, delta, value, labelSmoothing, alpha, gamma, applyClassBalancing);
  }

  /** @return a copy with this label smoothing */
  public Loss withLabelSmoothing(double value) {
    return new Loss(name, delta, fromLogits, value, alpha, gamma, applyClassBalancing);
  }

  /** @return a focal loss's copy with these alpha, gamma and class balancing */
  public Loss withFocal(double alpha, double gamma, boolean applyClassBalancing) {
    return new Loss(name, delta, fromLogits, labelSmoothing, alpha, gamma, applyClassBalancing);
  }

  /** @return true for the cross-entropies, the focal ones included */
  public boolean isCrossEntropy() {
    return name.endsWith("crossentropy");
  }

  /** @return true for the two focal cross-entropies */
  public boolean isFocal() {
    return name.endsWith("focal_crossentropy");
  }

  /**
   * @return true for the losses a classifier takes: the cross-entropies, the hinges,
   *     kl_divergence and cosine_similarity
   */
  public boolean isClassification() {
    return isCrossEntropy() || name.endsWith("hinge") || "kl_divergence".equals(name)
        || "cosine_similarity".equals(name);
  }

  /**
   * @return true for the losses whose target for a classifier is one unit's 0/1 (binary and
   *     binary focal cross-entropy, hinge, squared hinge); the others take one-hot vectors
   */
  public boolean isBinary() {
    return List.of("binary_crossentropy", "binary_focal_crossentropy", "hinge", "squared_hinge")
        .contains(name);
  }

  /**
   * @return the distribution whose negative log-likelihood this loss is (e.g. {@code "normal"}
   *     or {@code "poisson"}), or null for the other losses
   */
  public String distribution() {
    return name.endsWith("_nll") ? name.substring(0, name.length() - "_nll".length()) : null;
  }

  /** @return true for the regression losses (every loss that is not a classification loss) */
  public boolean isRegression() {
    return !isClassification();
  }

  /** @return whether every argument is the default, so that the name alone says the loss */
  public boolean isDefault() {
    return equals(of(name));
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

  /** @return Keras' class name for the object form, e.g. {@code BinaryCrossentropy} */
  String className() {
    return CLASS_NAMES.get(name);
  }

  /** @return the arguments that differ from the defaults, under Keras' names */
  Map<String, Object> config() {
    Map<String, Object> c = new LinkedHashMap<>();
    if ("huber".equals(name)) {
      c.put("delta", delta);
    }
    if (isCrossEntropy()) {
      c.put("from_logits", fromLogits);
      if (!"sparse_categorical_crossentropy".equals(name)) {
        c.put("label_smoothing", labelSmoothing);
      }
    }
    if (isFocal()) {
      c.put("alpha", alpha);
      c.put("gamma", gamma);
    }
    if ("binary_focal_crossentropy".equals(name)) {
      c.put("apply_class_balancing", applyClassBalancing);
    }
    return c;
  }

  /** Reads a loss: a name or Keras' {@code {"class_name": ..., "config": ...}} object. */
  public static Loss fromJson(String json) {
    return SpecJson.lossFromTree(SpecJson.parse(json, "loss"));
  }

  /**
   * Reads a loss from Keras' object form, e.g. {@code {"class_name": "Huber", "config":
   * {"delta": 2.0}}} or {@code {"class_name": "BinaryCrossentropy", "config": {"from_logits":
   * true, "label_smoothing": 0.1}}}.
   *
   * @param className Keras' class name, e.g. {@code Huber} or {@code CategoricalCrossentropy}
   * @param c its config
   * @return the loss
   * @throws SpecException for unknown names and unsupported arguments (a reduction other than
   *     the mean, an axis other than -1, ignore_class, a per-class alpha)
   */
  static Loss read(String className, Config c) {
    String name = canonical(LayerTypes.snakeCase(className));
    String reduction = c.optString("reduction", "sum_over_batch_size");
    if (!List.of("sum_over_batch_size", "auto").contains(reduction)) {
      throw new SpecException(className + ": reduction='" + reduction + "' is not supported.");
    }
    double delta = "huber".equals(name) ? c.optDouble("delta", 1.0) : 1.0;
    boolean fromLogits = false;
    double smoothing = 0;
    if (name.endsWith("crossentropy")) {
      fromLogits = c.optBoolean("from_logits", false);
      if (!"sparse_categorical_crossentropy".equals(name)) {
        smoothing = c.optDouble("label_smoothing", 0);
      }
      c.only("axis", -1);
      c.only("ignore_class", null);
    }
    if ("cosine_similarity".equals(name)) {
      c.only("axis", -1);
    }
    double alpha = 0.25;
    double gamma = 2.0;
    boolean balancing = false;
    if (name.endsWith("focal_crossentropy")) {
      alpha = c.optDouble("alpha", alpha);
      gamma = c.optDouble("gamma", gamma);
      if ("binary_focal_crossentropy".equals(name)) {
        balancing = c.optBoolean("apply_class_balancing", false);
      }
    }
    c.finish();
    return new Loss(name, delta, fromLogits, smoothing, alpha, gamma, balancing);
  }
}
