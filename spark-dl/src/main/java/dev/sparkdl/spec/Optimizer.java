package dev.sparkdl.spec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An optimizer with Keras' arguments and defaults. Each implementation is a record whose
 * components are Keras' constructor arguments; {@link #named(String)} gives Keras' defaults. A
 * learning-rate schedule as Keras' {@code learning_rate} wraps the optimizer in {@link
 * Scheduled}; code that dispatches on the optimizer's type calls {@link #unscheduled()} first.
 */
public sealed interface Optimizer
    permits Optimizer.SGD,
        Optimizer.Adam,
        Optimizer.AdamW,
        Optimizer.RMSprop,
        Optimizer.Adagrad,
        Optimizer.Adadelta,
        Optimizer.Nadam,
        Optimizer.Adamax,
        Optimizer.Lion,
        Optimizer.Ftrl,
        Optimizer.Adafactor,
        Optimizer.Scheduled {

  /** The names {@link #named(String)} accepts (case-insensitive). */
  List<String> NAMES = Names.list("sgd", "adam", "adamw", "rmsprop", "adagrad", "adadelta", "nadam", "adamax", "lion",
      "ftrl", "adafactor");

  /** @return the step size */
  double learningRate();

  /** @return a copy with another learning rate */
  Optimizer withLearningRate(double learningRate);

  /**
   * Reads a Keras config of this optimizer's class, this optimizer's values being the defaults
   * (as a layer reads its own config).
   *
   * @param config the config, without the learning rate
   * @param learningRate the learning rate read from it
   * @return the optimizer
   */
  Optimizer read(Config config, double learningRate);

  /** @return Keras' class name, e.g. {@code "Adam"} */
  String className();

  /**
   * @return true if the optimizer keeps a momentum of its own (Adam's first moment, SGD's or
   *     RMSprop's momentum), which travels across averaging rounds with its state
   */
  default boolean hasMomentum() {
    return false;
  }

  /** @return the arguments under Keras' names */
  Map<String, Object> config();

  /**
   * @return the arguments every Keras 3 optimizer takes: gradient clipping and decoupled weight
   *     decay ({@link GradientOptions#NONE} when unset)
   */
  GradientOptions options();

  /** @return the learning-rate schedule, or null for a constant learning rate */
  default LearningRateSchedule schedule() {
    return null;
  }

  /**
   * @return the optimizer without its schedule (this optimizer if it has none), whose type says
   *     which update rule to apply
   */
  default Optimizer unscheduled() {
    return this;
  }

  /** @return Keras JSON {@code {"class_name": "Adam", "config": {...}}} */
  default String toJson() {
    return SpecJson.write(SpecJson.optimizerTree(this));
  }

  /**
   * Reads an optimizer: a name ({@code "adam"}) or Keras' object form.
   *
   * @param json a JSON string literal or object
   * @return the optimizer
   */
  static Optimizer fromJson(String json) {
    return SpecJson.optimizerFromTree(SpecJson.parse(json, "optimizer"));
  }

  /**
   * @param name one of {@link #NAMES} (or a Keras class name such as {@code "Adam"})
   * @return the optimizer with Keras' default arguments
   */
  static Optimizer named(String name) {
    String n = Names.check("optimizer", name == null ? null : name.toLowerCase(Locale.ROOT), NAMES);
    return switch (n) {
      case "sgd" -> new SGD(0.01, 0.0, false);
      case "adam" -> new Adam(0.001, 0.9, 0.999, 1e-7);
      case "adamw" -> new AdamW(0.001, 0.004, 0.9, 0.999, 1e-7);
      case "rmsprop" -> new RMSprop(0.001, 0.9, 0.0, 1e-7, false);
      case "adagrad" -> new Adagrad(0.001, 0.1, 1e-7);
      case "nadam" -> new Nadam(0.001, 0.9, 0.999, 1e-7, GradientOptions.NONE);
      case "adamax" -> new Adamax(0.001, 0.9, 0.999, 1e-7, GradientOptions.NONE);
      case "lion" -> new Lion(0.001, 0.9, 0.99, GradientOptions.NONE);
      case "ftrl" -> new Ftrl(0.001, -0.5, 0.1, 0, 0, 0, 0, GradientOptions.NONE);
      case "adafactor" -> new Adafactor(0.001, -0.8, 1e-30, 1e-3, 1.0, true, GradientOptions.NONE);
      default -> new Adadelta(0.001, 0.95, 1e-7);
    };
  }

  /** The arguments Adam and its variants share, checked as Keras checks them. */
  private static void checkMoments(String owner, double learningRate, double beta1,
      double beta2, double epsilon) {
    positive(owner, "learning_rate", learningRate);
    unit(owner, "beta_1", beta1);
    unit(owner, "beta_2", beta2);
    positive(owner, "epsilon", epsilon);
  }

  /** The Keras config keys Adam and its variants share, in Keras' order. */
  private static Map<String, Object> momentsConfig(double learningRate, double beta1,
      double beta2, double epsilon) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("learning_rate", learningRate);
    c.put("beta_1", beta1);
    c.put("beta_2", beta2);
    c.put("epsilon", epsilon);
    return c;
  }

  private static void positive(String owner, String key, double v) {
    if (!(v > 0) || Double.isInfinite(v)) {
      throw new SpecException(
          "Received an invalid value for `" + key + "` of " + owner
              + ", expected a positive float. Received: " + key + "=" + v);
    }
  }

  private static void unit(String owner, String key, double v) {
    if (!(v >= 0 && v < 1)) {
      throw new SpecException(
          "Received an invalid value for `" + key + "` of " + owner
              + ", expected a float in [0, 1). Received: " + key + "=" + v);
    }
  }

  /**
   * Stochastic gradient descent, Keras' update: {@code v = momentum * v - lr * g; w += v} (with
   * Nesterov: {@code w += momentum * v - lr * g}).
   *
   * @param learningRate default 0.01
   * @param momentum in [0, 1), default 0
   * @param nesterov default false
   * @param options clipping and decoupled weight decay
   */
  record SGD(double learningRate, double momentum, boolean nesterov, GradientOptions options)
      implements Optimizer {
    /** SGD without clipping or weight decay. */
    public SGD(double learningRate, double momentum, boolean nesterov) {
      this(learningRate, momentum, nesterov, GradientOptions.NONE);
    }

    @Override
    public Optimizer read(Config config, double learningRate) {
      return new SGD(learningRate, config.optDouble("momentum", momentum),
          config.optBoolean("nesterov", nesterov), GradientOptions.read(config, true));
    }

    @Override
    public boolean hasMomentum() {
      return momentum > 0;
    }

    /** Validates. */
    public SGD {
      positive("SGD", "learning_rate", learningRate);
      unit("SGD", "momentum", momentum);
    }

    @Override
    public Optimizer withLearningRate(double lr) {
      return new SGD(lr, momentum, nesterov, options);
    }

    @Override
    public String className() {
      return "SGD";
    }

    @Override
    public Map<String, Object> config() {
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("learning_rate", learningRate);
      c.put("momentum", momentum);
      c.put("nesterov", nesterov);
      options.writeTo(c);
      return c;
    }
  }

  /**
   * Adam (Kingma and Ba), Keras' defaults.
   *
   * @param learningRate default 0.001
   * @param beta1 default 0.9
   * @param beta2 default 0.999
   * @param epsilon default 1e-7 (Keras; DJL's own default is 1e-8)
   * @param amsgrad default false: divide by the running maximum of the second moment
   * @param options clipping and decoupled weight decay
   */
  record Adam(double learningRate, double beta1, double beta2, double epsilon, boolean amsgrad,
      GradientOptions options) implements Optimizer {
    /** Adam without AMSGrad, clipping or weight decay. */
    public Adam(double learningRate, double beta1, double beta2, double epsilon) {
      this(learningRate, beta1, beta2, epsilon, false, GradientOptions.NONE);
    }

    @Override
    public Optimizer read(Config config, double learningRate) {
      return new Adam(learningRate, config.optDouble("beta_1", beta1),
          config.optDouble("beta_2", beta2), config.optDouble("epsilon", epsilon),
          config.optBoolean("amsgrad", amsgrad), GradientOptions.read(config, true));
    }

    @Override
    public boolean hasMomentum() {
      return beta1 > 0;
    }

    /** Validates. */
    public Adam {
      checkMoments("Adam", learningRate, beta1, beta2, epsilon);
    }

    @Override
    public Optimizer withLearningRate(double lr) {
      return new Adam(lr, beta1, beta2, epsilon, amsgrad, options);
    }

    @Override
    public String className() {
      return "Adam";
    }

    @Override
    public Map<String, Object> config() {
      Map<String, Object> c = momentsConfig(learningRate, beta1, beta2, epsilon);
      if (amsgrad) {
        c.put("amsgrad", true);
      }
      options.writeTo(c);
      return c;
    }
  }

  /**
   * Adam with decoupled weight decay (Loshchilov and Hutter), Keras' defaults.
   *
   * @param learningRate default 0.001
   * @param weightDecay default 0.004
   * @param beta1 default 0.9
   * @param beta2 default 0.999
   * @param epsilon default 1e-7
   * @param amsgrad default false
   * @param options clipping (its weight decay is {@code weightDecay})
   */
  record AdamW(double learningRate, double weightDecay, double beta1, double beta2, double epsilon,
      boolean amsgrad, GradientOptions options) implements Optimizer {
    /** AdamW without AMSGrad or clipping. */
    public AdamW(double learningRate, double weightDecay, double beta1, double beta2,
        double epsilon) {
      this(learningRate, weightDecay, beta1, beta2, epsilon, false, GradientOptions.NONE);
    }

    @Override
    public Optimizer read(Config config, double learningRate) {
      return new AdamW(learningRate, config.optDouble("weight_decay", weightDecay),
          config.optDouble("beta_1", beta1), config.optDouble("beta_2", beta2),
          config.optDouble("epsilon", epsilon), config.optBoolean("amsgrad", amsgrad),
          GradientOptions.read(config, false));
    }

    @Override
    public boolean hasMomentum() {
      return beta1 > 0;
    }

    /** Validates. */
    public AdamW {
      positive("AdamW", "learning_rate", learningRate);
      if (!(weightDecay >= 0)) {
        throw new SpecException(
            "Received an invalid value for `weight_decay` of AdamW, expected a float >= 0."
                + " Received: weight_decay=" + weightDecay);
      }
      unit("AdamW", "beta_1", beta1);
      unit("AdamW", "beta_2", beta2);
      positive("AdamW", "epsilon", epsilon);
      if (options.weightDecay() != 0) {
        throw new SpecException(
            "AdamW takes its weight decay as its own `weight_decay`; the gradient options must not"
                + " repeat it. Received: options=" + options);
      }
    }

    @Override
    public Optimizer withLearningRate(double lr) {
      return new AdamW(lr, weightDecay, beta1, beta2, epsilon, amsgrad, options);
    }

    @Override
    public String className() {
      return "AdamW";
    }

    @Override
    public Map<String, Object> config() {
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("learning_rate", learningRate);
      c.put("weight_decay", weightDecay);
      c.put("beta_1", beta1);
      c.put("beta_2", beta2);
      c.put("epsilon", epsilon);
      if (amsgrad) {
        c.put("amsgrad", true);
      }
      options.writeTo(c);
      return c;
    }
  }

  /**
   * RMSprop, Keras' form: {@code a = rho * a + (1 - rho) g²}; optionally centred and with
   * momentum.
   *
   * @param learningRate default 0.001
   * @param rho default 0.9
   * @param momentum default 0
   * @param epsilon default 1e-7
   * @param centered default false
   * @param options clipping and decoupled weight decay
   */
  record RMSprop(double learningRate, double rho, double momentum, double epsilon, boolean centered,
      GradientOptions options) implements Optimizer {
    /** RMSprop without clipping or weight decay. */
    public RMSprop(double learningRate, double rho, double momentum, double epsilon,
        boolean centered) {
      this(learningRate, rho, momentum, epsilon, centered, GradientOptions.NONE);
    }

    @Override
    public Optimizer read(Config config, double learningRate) {
      return new RMSprop(learningRate, config.optDouble("rho", rho),
          config.optDouble("momentum", momentum), config.optDouble("epsilon", epsilon),
          config.optBoolean("centered", centered), GradientOptions.read(config, true));
    }

    @Override
    public boolean hasMomentum() {
      return momentum > 0;
    }

    /** Validates. */
    public RMSprop {
      positive("RMSprop", "learning_rate", learningRate);
      unit("RMSprop", "rho", rho);
      unit("RMSprop", "momentum", momentum);
      positive("RMSprop", "epsilon", epsilon);
    }

    @Override
    public Optimizer withLearningRate(double lr) {
      return new RMSprop(lr, rho, momentum, epsilon, centered, options);
    }

    @Override
    public String className() {
      return "RMSprop";
    }

    @Override
    public Map<String, Object> config() {
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("learning_rate", learningRate);
      c.put("rho", rho);
      c.put("momentum", momentum);
      c.put("epsilon", epsilon);
      c.put("centered", centered);
      options.writeTo(c);
      return c;
    }
  }

  /**
   * Adagrad, Keras' form: {@code a += g²; w -= lr * g / (sqrt(a) + eps)}.
   *
   * @param learningRate default 0.001
   * @param initialAccumulatorValue default 0.1
   * @param epsilon default 1e-7
   * @param options clipping and decoupled weight decay
   */
  record Adagrad(double learningRate, double initialAccumulatorValue, double epsilon,
      GradientOptions options) implements Optimizer {
    /** Adagrad without clipping or weight decay. */
    public Adagrad(double learningRate, double initialAccumulatorValue, double epsilon) {
      this(learningRate, initialAccumulatorValue, epsilon, GradientOptions.NONE);
    }

    @Override
    public Optimizer read(Config config, double learningRate) {
      return new Adagrad(learningRate,
          config.optDouble("initial_accumulator_value", initialAccumulatorValue),
          config.optDouble("epsilon", epsilon), GradientOptions.read(config, true));
    }

    /** Validates. */
    public Adagrad {
      positive("Adagrad", "learning_rate", learningRate);
      if (!(initialAccumulatorValue >= 0)) {
        throw new SpecException(
            "Received an invalid value for `initial_accumulator_value` of Adagrad, expected a"
                + " float >= 0. Received: initial_accumulator_value=" + initialAccumulatorValue);
      }
      positive("Adagrad", "epsilon", epsilon);
    }

    @Override
    public Optimizer withLearningRate(double lr) {
      return new Adagrad(lr, initialAccumulatorValue, epsilon, options);
    }

    @Override
    public String className() {
      return "Adagrad";
    }

    @Override
    public Map<String, Object> config() {
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("learning_rate", learningRate);
      c.put("initial_accumulator_value", initialAccumulatorValue);
      c.put("epsilon", epsilon);
      options.writeTo(c);
      return c;
    }
  }

  /**
   * Adadelta (Zeiler), Keras' form: {@code Eg = rho Eg + (1-rho) g²; d = sqrt(Ed + eps) /
   * sqrt(Eg + eps) * g; Ed = rho Ed + (1-rho) d²; w -= lr * d}. Keras 3's default learning rate
   * is 0.001; the original paper (and Keras before 2.3) used 1.0.
   *
   * @param learningRate default 0.001
   * @param rho default 0.95
   * @param epsilon default 1e-7
   * @param options clipping and decoupled weight decay
   */
  record Adadelta(double learningRate, double rho, double epsilon, GradientOptions options)
      implements Optimizer {
    /** Adadelta without clipping or weight decay. */
    public Adadelta(double learningRate, double rho, double epsilon) {
      this(learningRate, rho, epsilon, GradientOptions.NONE);
    }

    @Override
    public Optimizer read(Config config, double learningRate) {
      return new Adadelta(learningRate, config.optDouble("rho", rho),
          config.optDouble("epsilon", epsilon), GradientOptions.read(config, true));
    }

    /** Validates. */
    public Adadelta {
      positive("Adadelta", "learning_rate", learningRate);
      unit("Adadelta", "rho", rho);
      positive("Adadelta", "epsilon", epsilon);
    }

    @Override
    public Optimizer withLearningRate(double lr) {
      return new Adadelta(lr, rho, epsilon, options);
    }

    @Override
    public String className() {
      return "Adadelta";
    }

    @Override
    public Map<String, Object> config() {
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("learning_rate", learningRate);
      c.put("rho", rho);
      c.put("epsilon", epsilon);
      options.writeTo(c);
      return c;
    }
  }

  /**
   * The arguments every Keras 3 optimizer takes, applied as Keras 3 applies them: before the
   * update the gradients are clipped (each variable's to norm {@code clipnorm}, or all of them
   * together to global norm {@code globalClipnorm}, or each value to [-{@code clipvalue}, {@code
   * clipvalue}]), then decoupled weight decay {@code w -= w * weightDecay * lr}. 0 means unset
   * (Keras' None); Keras allows only one of the three clippings.
   *
   * @param weightDecay decoupled weight decay, default 0 (AdamW has its own)
   * @param clipnorm the largest L2 norm of each variable's gradient, default 0 (unset)
   * @param clipvalue the largest absolute gradient value, default 0 (unset)
   * @param globalClipnorm the largest L2 norm of all gradients together, default 0 (unset)
   */
  record GradientOptions(
      double weightDecay, double clipnorm, double clipvalue, double globalClipnorm)
      implements java.io.Serializable {
    /** No clipping, no weight decay. */
    public static final GradientOptions NONE = new GradientOptions(0, 0, 0, 0);

    /** Validates. */
    public GradientOptions {
      check("weight_decay", weightDecay);
      check("clipnorm", clipnorm);
      check("clipvalue", clipvalue);
      check("global_clipnorm", globalClipnorm);
      int set = (clipnorm > 0 ? 1 : 0) + (clipvalue > 0 ? 1 : 0) + (globalClipnorm > 0 ? 1 : 0);
      if (set > 1) {
        throw new SpecException(
            "Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set. Received:"
                + " clipnorm=" + unset(clipnorm) + ", clipvalue=" + unset(clipvalue)
                + ", global_clipnorm=" + unset(globalClipnorm));
      }
    }

    private static void check(String key, double v) {
      if (!(v >= 0) || Double.isInfinite(v)) {
        throw new SpecException(
            "Received an invalid value for `" + key + "`, expected a float >= 0 (or null for"
                + " none). Received: " + key + "=" + v);
      }
    }

    private static String unset(double v) {
      return v > 0 ? String.valueOf(v) : "None";
    }

    /** @return whether any gradient is clipped */
    public boolean clips() {
      return clipnorm > 0 || clipvalue > 0 || globalClipnorm > 0;
    }

    /**
     * Reads Keras' {@code weight_decay}, {@code clipnorm}, {@code clipvalue} and {@code
     * global_clipnorm} (null or absent: unset).
     *
     * @param c the optimizer's config
     * @param weightDecay whether {@code weight_decay} is read here (false for AdamW, whose own it
     *     is)
     * @return the options
     */
    static GradientOptions read(Config c, boolean weightDecay) {
      return new GradientOptions(weightDecay ? c.optDouble("weight_decay", 0) : 0,
          c.optDouble("clipnorm", 0), c.optDouble("clipvalue", 0),
          c.optDouble("global_clipnorm", 0));
    }

    /** Writes the options that are set under Keras' names. */
    void writeTo(Map<String, Object> c) {
      if (weightDecay > 0) {
        c.put("weight_decay", weightDecay);
      }
      if (clipnorm > 0) {
        c.put("clipnorm", clipnorm);
      }
      if (clipvalue > 0) {
        c.put("clipvalue", clipvalue);
      }
      if (globalClipnorm > 0) {
        c.put("global_clipnorm", globalClipnorm);
      }
    }
  }

  /**
   * Nadam (Adam with Nesterov momentum), Keras 3's form with the momentum schedule {@code u_t =
   * beta1 (1 - 0.5 * 0.96^t)}: {@code m = b1 m + (1-b1) g; v = b2 v + (1-b2) g²; m̂ = u_{t+1} m /
   * (1 - Π_{i≤t+1} u_i) + (1 - u_t) g / (1 - Π_{i≤t} u_i); w -= lr m̂ / (sqrt(v / (1 - b2^t)) +
   * eps)}.
   *
   * @param learningRate default 0.001
   * @param beta1 default 0.9
   * @param beta2 default 0.999
   * @param epsilon default 1e-7
   * @param options clipping and decoupled weight decay
   */
  record Nadam(double learningRate, double beta1, double beta2, double epsilon,
      GradientOptions options) implements Optimizer {
    /** Validates. */
    public Nadam {
      checkMoments("Nadam", learningRate, beta1, beta2, epsilon);
    }

    @Override
    public Optimizer read(Config config, double learningRate) {
      return new Nadam(learningRate, config.optDouble("beta_1", beta1),
          config.optDouble("beta_2", beta2), config.optDouble("epsilon", epsilon),
          GradientOptions.read(config, true));
    }

    @Override
    public boolean hasMomentum() {
      return beta1 > 0;
    }

    @Override
    public Optimizer withLearningRate(double lr) {
      return new Nadam(lr, beta1, beta2, epsilon, options);
    }

    @Override
    public String className() {
      return "Nadam";
    }

    @Override
    public Map<String, Object> config() {
      Map<String, Object> c = momentsConfig(learningRate, beta1, beta2, epsilon);
      options.writeTo(c);
      return c;
    }
  }

  /**
   * Adamax (Adam with the infinity norm), Keras' form: {@code m = b1 m + (1-b1) g; u = max(b2 u,
   * |g|); w -= lr m / ((1 - b1^t)(u + eps))}.
   *
   * @param learningRate default 0.001
   * @param beta1 default 0.9
   * @param beta2 default 0.999
   * @param epsilon default 1e-7
   * @param options clipping and decoupled weight decay
   */
  record Adamax(double learningRate, double beta1, double beta2, double epsilon,
      GradientOptions options) implements Optimizer {
    /** Validates. */
    public Adamax {
      checkMoments("Adamax", learningRate, beta1, beta2, epsilon);
    }

    @Override
    public Optimizer read(Config config, double learningRate) {
      return new Adamax(learningRate, config.optDouble("beta_1", beta1),
          config.optDouble("beta_2", beta2), config.optDouble("epsilon", epsilon),
          GradientOptions.read(config, true));
    }

    @Override
    public boolean hasMomentum() {
      return beta1 > 0;
    }

    @Override
    public Optimizer withLearningRate(double lr) {
      return new Adamax(lr, beta1, beta2, epsilon, options);
    }

    @Override
    public String className() {
      return "Adamax";
    }

    @Override
    public Map<String, Object> config() {
      Map<String, Object> c = momentsConfig(learningRate, beta1, beta2, epsilon);
      options.writeTo(c);
      return c;
    }
  }

  /**
   * Lion (Chen et al., 2023), Keras' form: {@code w -= lr sign(b1 m + (1-b1) g); m = b2 m +
   * (1-b2) g}.
   *
   * @param learningRate default 0.001
   * @param beta1 default 0.9, in [0, 1]
   * @param beta2 default 0.99, in [0, 1]
   * @param options clipping and decoupled weight decay
   */
  record Lion(double learningRate, double beta1, double beta2, GradientOptions options)
      implements Optimizer {
    /** Validates. */
    public Lion {
      positive("Lion", "learning_rate", learningRate);
      if (!(beta1 >= 0 && beta1 <= 1)) {
        throw new SpecException(
            "Argument `beta_1` must be in the [0, 1] range. Otherwise, the optimizer degenerates"
                + " to SignSGD. Received: beta_1=" + beta1 + ".");
      }
      if (!(beta2 >= 0 && beta2 <= 1)) {
        throw new SpecException(
            "Received an invalid value for `beta_2` of Lion, expected a float in [0, 1]."
                + " Received: beta_2=" + beta2);
      }
    }

    @Override
    public Optimizer read(Config config, double learningRate) {
      return new Lion(learningRate, config.optDouble("beta_1", beta1),
          config.optDouble("beta_2", beta2), GradientOptions.read(config, true));
    }

    @Override
    public boolean hasMomentum() {
      return true;
    }

    @Override
    public Optimizer withLearningRate(double lr) {
      return new Lion(lr, beta1, beta2, options);
    }

    @Override
    public String className() {
      return "Lion";
    }

    @Override
    public Map<String, Object> config() {
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("learning_rate", learningRate);
      c.put("beta_1", beta1);
      c.put("beta_2", beta2);
      options.writeTo(c);
      return c;
    }
  }

  /**
   * FTRL-proximal (McMahan et al.), Keras 3's form: with {@code n} the accumulator, {@code z}
   * the linear term, {@code p = -learningRatePower} and {@code l2' = l2 + beta / (2 lr)}:
   * {@code n' = n + g²; z += g + 2 l2shrinkage w - (n'^p - n^p) / lr * w; w = (clip(z, -l1, l1) -
   * z) / (n'^p / lr + 2 l2'); n = n'}.
   *
   * @param learningRate default 0.001
   * @param learningRatePower default -0.5, &lt;= 0
   * @param initialAccumulatorValue default 0.1, &gt;= 0
   * @param l1RegularizationStrength default 0, &gt;= 0
   * @param l2RegularizationStrength default 0, &gt;= 0
   * @param l2ShrinkageRegularizationStrength default 0, &gt;= 0
   * @param beta default 0
   * @param options clipping and decoupled weight decay
   */
  record Ftrl(double learningRate, double learningRatePower, double initialAccumulatorValue,
      double l1RegularizationStrength, double l2RegularizationStrength,
      double l2ShrinkageRegularizationStrength, double beta, GradientOptions options)
      implements Optimizer {
    /** Validates, with Keras' messages. */
    public Ftrl {
      positive("Ftrl", "learning_rate", learningRate);
      if (!(initialAccumulatorValue >= 0)) {
        throw new SpecException("`initial_accumulator_value` needs to be positive or zero."
            + " Received: initial_accumulator_value=" + initialAccumulatorValue + ".");
      }
      if (!(learningRatePower <= 0)) {
        throw new SpecException("`learning_rate_power` needs to be negative or zero. Received:"
            + " learning_rate_power=" + learningRatePower + ".");
      }
      if (!(l1RegularizationStrength >= 0)) {
        throw new SpecException("`l1_regularization_strength` needs to be positive or zero."
            + " Received: l1_regularization_strength=" + l1RegularizationStrength + ".");
      }
      if (!(l2RegularizationStrength >= 0)) {
        throw new SpecException("`l2_regularization_strength` needs to be positive or zero."
            + " Received: l2_regularization_strength=" + l2RegularizationStrength + ".");
      }
      if (!(l2ShrinkageRegularizationStrength >= 0)) {
        throw new SpecException("`l2_shrinkage_regularization_strength` needs to be positive or"
            + " zero. Received: l2_shrinkage_regularization_strength="
            + l2ShrinkageRegularizationStrength + ".");
      }
      if (!Double.isFinite(beta)) {
        throw new SpecException("Received an invalid value for `beta` of Ftrl, expected a finite"
            + " float. Received: beta=" + beta);
      }
      if (initialAccumulatorValue == 0 && learningRatePower != 0) {
        throw new SpecException("Ftrl: initial_accumulator_value=0 with learning_rate_power="
            + learningRatePower + " makes every weight whose first gradient is 0 (a dead unit)"
            + " NaN: 0 / 0 in Keras' update. Use initial_accumulator_value > 0, e.g. 0.1 (the"
            + " default).");
      }
    }

    @Override
    public Optimizer read(Config config, double learningRate) {
      return new Ftrl(learningRate, config.optDouble("learning_rate_power", learningRatePower),
          config.optDouble("initial_accumulator_value", initialAccumulatorValue),
          config.optDouble("l1_regularization_strength", l1RegularizationStrength),
          config.optDouble("l2_regularization_strength", l2RegularizationStrength),
          config.optDouble("l2_shrinkage_regularization_strength",
              l2ShrinkageRegularizationStrength),
          config.optDouble("beta", beta), GradientOptions.read(config, true));
    }

    @Override
    public Optimizer withLearningRate(double lr) {
      return new Ftrl(lr, learningRatePower, initialAccumulatorValue, l1RegularizationStrength,
          l2RegularizationStrength, l2ShrinkageRegularizationStrength, beta, options);
    }

    @Override
    public String className() {
      return "Ftrl";
    }

    @Override
    public Map<String, Object> config() {
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("learning_rate", learningRate);
      c.put("learning_rate_power", learningRatePower);
      c.put("initial_accumulator_value", initialAccumulatorValue);
      c.put("l1_regularization_strength", l1RegularizationStrength);
      c.put("l2_regularization_strength", l2RegularizationStrength);
      c.put("l2_shrinkage_regularization_strength", l2ShrinkageRegularizationStrength);
      c.put("beta", beta);
      options.writeTo(c);
      return c;
    }
  }

  /**
   * Adafactor (Shazeer and Stern), Keras 3's form: step size {@code rho = min(lr, 1/sqrt(t))}
   * (with {@code relativeStep} the learning rate itself is also capped at {@code 1/sqrt(t)}),
   * scaled by {@code max(epsilon2, rms(w))}; second moments decaying with {@code 1 -
   * t^beta2Decay}, factored into row and column means for weights of rank &gt;= 2; updates
   * clipped to RMS {@code clipThreshold}.
   *
   * @param learningRate default 0.001
   * @param beta2Decay default -0.8
   * @param epsilon1 default 1e-30, added to the squared gradients
   * @param epsilon2 default 1e-3, the smallest weight RMS the step scales with
   * @param clipThreshold default 1.0
   * @param relativeStep default true
   * @param options clipping and decoupled weight decay
   */
  record Adafactor(double learningRate, double beta2Decay, double epsilon1, double epsilon2,
      double clipThreshold, boolean relativeStep, GradientOptions options) implements Optimizer {
    /** Validates. */
    public Adafactor {
      positive("Adafactor", "learning_rate", learningRate);
      if (!(beta2Decay < 0)) {
        throw new SpecException("Received an invalid value for `beta_2_decay` of Adafactor,"
            + " expected a negative float (the second moments' decay 1 - t^beta_2_decay)."
            + " Received: beta_2_decay=" + beta2Decay);
      }
      positive("Adafactor", "epsilon_1", epsilon1);
      positive("Adafactor", "epsilon_2", epsilon2);
      positive("Adafactor", "clip_threshold", clipThreshold);
    }

    @Override
    public Optimizer read(Config config, double learningRate) {
      return new Adafactor(learningRate, config.optDouble("beta_2_decay", beta2Decay),
          config.optDouble("epsilon_1", epsilon1), config.optDouble("epsilon_2", epsilon2),
          config.optDouble("clip_threshold", clipThreshold),
          config.optBoolean("relative_step", relativeStep), GradientOptions.read(config, true));
    }

    @Override
    public Optimizer withLearningRate(double lr) {
      return new Adafactor(lr, beta2Decay, epsilon1, epsilon2, clipThreshold, relativeStep,
          options);
    }

    @Override
    public String className() {
      return "Adafactor";
    }

    @Override
    public Map<String, Object> config() {
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("learning_rate", learningRate);
      c.put("beta_2_decay", beta2Decay);
      c.put("epsilon_1", epsilon1);
      c.put("epsilon_2", epsilon2);
      c.put("clip_threshold", clipThreshold);
      c.put("relative_step", relativeStep);
      options.writeTo(c);
      return c;
    }
  }

  /**
   * An optimizer whose learning rate follows a schedule: Keras' {@code
   * Adam(learning_rate=ExponentialDecay(...))}. The update rule and its other arguments are the
   * {@code base} optimizer's; the learning rate of optimizer iteration {@code t} (from 0) is
   * {@code schedule.at(t)}. The base's own learning rate is not used: it is set to {@code
   * schedule.initialRate()}, or to Keras' default for its class when that is 0 (a warm-up from
   * 0), so that equal schedules on equal optimizers give equal records.
   *
   * @param base the optimizer (not itself scheduled)
   * @param schedule the learning-rate schedule
   */
  record Scheduled(Optimizer base, LearningRateSchedule schedule) implements Optimizer {
    /** Validates and canonicalises the base's learning rate. */
    public Scheduled {
      if (base == null || schedule == null) {
        throw new SpecException(
            "A scheduled optimizer needs an optimizer and a schedule. Received: base=" + base
                + ", schedule=" + schedule);
      }
      if (base instanceof Scheduled s) {
        throw new SpecException(
            "Received an already scheduled optimizer as the base of another schedule: " + s
                + ". Pass its unscheduled() optimizer.");
      }
      double r = schedule.initialRate();
      base = base.withLearningRate(r > 0 ? r : named(base.className()).learningRate());
    }

    /** @return the learning rate of the first iteration, {@code schedule.initialRate()} */
    @Override
    public double learningRate() {
      return schedule.initialRate();
    }

    /** @return the base optimizer with this constant rate (the schedule is dropped) */
    @Override
    public Optimizer withLearningRate(double learningRate) {
      return base.withLearningRate(learningRate);
    }

    @Override
    public Optimizer read(Config config, double learningRate) {
      return base.read(config, learningRate);
    }

    @Override
    public String className() {
      return base.className();
    }

    @Override
    public boolean hasMomentum() {
      return base.hasMomentum();
    }

    @Override
    public LearningRateSchedule schedule() {
      return schedule;
    }

    @Override
    public GradientOptions options() {
      return base.options();
    }

    @Override
    public Optimizer unscheduled() {
      return base;
    }

    /** @return the base's config with {@code learning_rate} the schedule's Keras 3 form */
    @Override
    public Map<String, Object> config() {
      Map<String, Object> c = new LinkedHashMap<>(base.config());
      c.put("learning_rate", schedule.toMap());
      return c;
    }
  }
}
