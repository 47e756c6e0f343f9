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
        Optimizer.Scheduled {

  /** The names {@link #named(String)} accepts (case-insensitive). */
  List<String> NAMES = Names.list("sgd", "adam", "adamw", "rmsprop", "adagrad", "adadelta");

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
      default -> new Adadelta(0.001, 0.95, 1e-7);
    };
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
   */
  record SGD(double learningRate, double momentum, boolean nesterov) implements Optimizer {
    @Override
    public Optimizer read(Config config, double learningRate) {
      return new SGD(learningRate, config.optDouble("momentum", momentum),
          config.optBoolean("nesterov", nesterov));
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
      return new SGD(lr, momentum, nesterov);
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
   */
  record Adam(double learningRate, double beta1, double beta2, double epsilon)
      implements Optimizer {
    @Override
    public Optimizer read(Config config, double learningRate) {
      return new Adam(learningRate, config.optDouble("beta_1", beta1),
          config.optDouble("beta_2", beta2), config.optDouble("epsilon", epsilon));
    }

    @Override
    public boolean hasMomentum() {
      return beta1 > 0;
    }

    /** Validates. */
    public Adam {
      positive("Adam", "learning_rate", learningRate);
      unit("Adam", "beta_1", beta1);
      unit("Adam", "beta_2", beta2);
      positive("Adam", "epsilon", epsilon);
    }

    @Override
    public Optimizer withLearningRate(double lr) {
      return new Adam(lr, beta1, beta2, epsilon);
    }

    @Override
    public String className() {
      return "Adam";
    }

    @Override
    public Map<String, Object> config() {
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("learning_rate", learningRate);
      c.put("beta_1", beta1);
      c.put("beta_2", beta2);
      c.put("epsilon", epsilon);
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
   */
  record AdamW(double learningRate, double weightDecay, double beta1, double beta2, double epsilon)
      implements Optimizer {
    @Override
    public Optimizer read(Config config, double learningRate) {
      return new AdamW(learningRate, config.optDouble("weight_decay", weightDecay),
          config.optDouble("beta_1", beta1), config.optDouble("beta_2", beta2),
          config.optDouble("epsilon", epsilon));
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
    }

    @Override
    public Optimizer withLearningRate(double lr) {
      return new AdamW(lr, weightDecay, beta1, beta2, epsilon);
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
   */
  record RMSprop(double learningRate, double rho, double momentum, double epsilon, boolean centered)
      implements Optimizer {
    @Override
    public Optimizer read(Config config, double learningRate) {
      return new RMSprop(learningRate, config.optDouble("rho", rho),
          config.optDouble("momentum", momentum), config.optDouble("epsilon", epsilon),
          config.optBoolean("centered", centered));
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
      return new RMSprop(lr, rho, momentum, epsilon, centered);
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
      return c;
    }
  }

  /**
   * Adagrad, Keras' form: {@code a += g²; w -= lr * g / (sqrt(a) + eps)}.
   *
   * @param learningRate default 0.001
   * @param initialAccumulatorValue default 0.1
   * @param epsilon default 1e-7
   */
  record Adagrad(double learningRate, double initialAccumulatorValue, double epsilon)
      implements Optimizer {
    @Override
    public Optimizer read(Config config, double learningRate) {
      return new Adagrad(learningRate,
          config.optDouble("initial_accumulator_value", initialAccumulatorValue),
          config.optDouble("epsilon", epsilon));
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
      return new Adagrad(lr, initialAccumulatorValue, epsilon);
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
   */
  record Adadelta(double learningRate, double rho, double epsilon) implements Optimizer {
    @Override
    public Optimizer read(Config config, double learningRate) {
      return new Adadelta(learningRate, config.optDouble("rho", rho),
          config.optDouble("epsilon", epsilon));
    }

    /** Validates. */
    public Adadelta {
      positive("Adadelta", "learning_rate", learningRate);
      unit("Adadelta", "rho", rho);
      positive("Adadelta", "epsilon", epsilon);
    }

    @Override
    public Optimizer withLearningRate(double lr) {
      return new Adadelta(lr, rho, epsilon);
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
