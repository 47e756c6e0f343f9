package dev.sparkdl.spec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A Keras 3 learning-rate schedule ({@code keras.optimizers.schedules}): the learning rate as a
 * function of the optimizer's iteration. Each implementation is a record whose components are
 * Keras' constructor arguments, with Keras' names and defaults; {@link #at(long)} is Keras'
 * {@code __call__(step)}, computed in double precision (Keras computes in the initial rate's
 * dtype, usually float32).
 *
 * <p>An optimizer takes a schedule as its {@code learning_rate}, see {@link Optimizer.Scheduled};
 * Keras 3 serializes it as {@code {"module": "keras.optimizers.schedules", "class_name":
 * "ExponentialDecay", "config": {...}, "registered_name": null}} ({@link #toMap()}).
 *
 * <p>Step counts ({@code decay_steps}, {@code boundaries}, ...) are integers here; Keras also
 * accepts integer-valued floats, which are read as integers.
 */
public sealed interface LearningRateSchedule
    permits LearningRateSchedule.ExponentialDecay,
        LearningRateSchedule.PiecewiseConstantDecay,
        LearningRateSchedule.InverseTimeDecay,
        LearningRateSchedule.PolynomialDecay,
        LearningRateSchedule.CosineDecay,
        LearningRateSchedule.CosineDecayRestarts {

  /** The Keras class names {@link #fromMap(Map)} reads. */
  List<String> CLASS_NAMES =
      List.of(
          "ExponentialDecay", "PiecewiseConstantDecay", "InverseTimeDecay", "PolynomialDecay",
          "CosineDecay", "CosineDecayRestarts");

  /** The Python module Keras 3 writes for its built-in schedules. */
  String MODULE = "keras.optimizers.schedules";

  /**
   * @param step the optimizer iteration, from 0 (the first update uses step 0, as in Keras)
   * @return the learning rate of that iteration
   */
  double at(long step);

  /** @return the learning rate of the first update, {@code at(0)} */
  default double initialRate() {
    return at(0);
  }

  /** @return Keras' class name, e.g. {@code "ExponentialDecay"} */
  String className();

  /** @return the arguments under Keras' names, with Keras' default {@code name}; JSON-ready */
  Map<String, Object> config();

  /**
   * @return Keras 3's serialized form {@code {"module": "keras.optimizers.schedules",
   *     "class_name": ..., "config": {...}, "registered_name": null}}
   */
  default Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("module", MODULE);
    m.put("class_name", className());
    m.put("config", config());
    m.put("registered_name", null);
    return m;
  }

  /** @return the JSON of {@link #toMap()} */
  default String toJson() {
    return SpecJson.write(SpecJson.MAPPER.valueToTree(toMap()));
  }

  /**
   * Reads Keras' serialized form: {@code {"class_name": "ExponentialDecay", "config": {...}}},
   * optionally with Keras 3's {@code module} and {@code registered_name}.
   *
   * @param classNameAndConfig the parsed JSON object
   * @return the schedule
   * @throws SpecException for an unknown class, an unknown or missing argument, or a bad value
   */
  static LearningRateSchedule fromMap(Map<String, ?> classNameAndConfig) {
    return ScheduleReader.read(classNameAndConfig);
  }

  /**
   * @param json Keras' serialized form, see {@link #fromMap(Map)}
   * @return the schedule
   */
  static LearningRateSchedule fromJson(String json) {
    var node = SpecJson.parse(json, "learning-rate schedule");
    if (!node.isObject()) {
      throw new SpecException(
          "A learning-rate schedule must be a JSON object {\"class_name\": \"ExponentialDecay\","
              + " \"config\": {...}}. Received: " + SpecJson.abbreviate(node.toString()));
    }
    return fromMap(SpecJson.toMap(node));
  }

  private static SpecException invalid(String owner, String key, String expected, Object v) {
    return new SpecException(
        "Received an invalid value for `" + key + "` of " + owner + ", expected " + expected
            + ". Received: " + key + "=" + v);
  }

  private static void rate(String owner, String key, double v) {
    if (!(v >= 0) || Double.isInfinite(v)) {
      throw invalid(owner, key, "a finite float >= 0", v);
    }
  }

  private static void steps(String owner, String key, int v) {
    if (v <= 0) {
      throw invalid(owner, key, "a positive integer (a number of optimizer steps)", v);
    }
  }

  private static void fraction(String owner, String key, double v) {
    if (!(v >= 0 && v <= 1)) {
      throw invalid(owner, key, "a float in [0, 1] (a fraction of the learning rate)", v);
    }
  }

  private static boolean hasNull(List<?> list) {
    return list.stream().anyMatch(Objects::isNull);
  }

  private static Map<String, Object> config(String name, Object... keysAndValues) {
    Map<String, Object> c = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      c.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    c.put("name", name);
    return c;
  }

  /**
   * Keras' {@code ExponentialDecay}: {@code initial_learning_rate * decay_rate ^ (step /
   * decay_steps)}, the exponent floored when {@code staircase}.
   *
   * @param initialLearningRate the rate at step 0, >= 0
   * @param decaySteps steps per factor of {@code decay_rate}, > 0
   * @param decayRate the factor, > 0
   * @param staircase decay at whole multiples of {@code decay_steps} only; default false
   */
  record ExponentialDecay(
      double initialLearningRate, int decaySteps, double decayRate, boolean staircase)
      implements LearningRateSchedule {
    /** Validates. */
    public ExponentialDecay {
      rate("ExponentialDecay", "initial_learning_rate", initialLearningRate);
      steps("ExponentialDecay", "decay_steps", decaySteps);
      if (!(decayRate > 0) || Double.isInfinite(decayRate)) {
        throw invalid("ExponentialDecay", "decay_rate", "a positive float", decayRate);
      }
    }

    /** With Keras' default {@code staircase=false}. */
    public ExponentialDecay(double initialLearningRate, int decaySteps, double decayRate) {
      this(initialLearningRate, decaySteps, decayRate, false);
    }

    @Override
    public double at(long step) {
      double p = (double) step / decaySteps;
      return initialLearningRate * Math.pow(decayRate, staircase ? Math.floor(p) : p);
    }

    @Override
    public String className() {
      return "ExponentialDecay";
    }

    @Override
    public Map<String, Object> config() {
      return LearningRateSchedule.config("ExponentialDecay",
          "initial_learning_rate", initialLearningRate, "decay_steps", decaySteps,
          "decay_rate", decayRate, "staircase", staircase);
    }
  }

  /**
   * Keras' {@code PiecewiseConstantDecay}: {@code values[0]} while {@code step <= boundaries[0]},
   * {@code values[i]} while {@code boundaries[i-1] < step <= boundaries[i]}, and the last value
   * once {@code step > boundaries[-1]}.
   *
   * @param boundaries strictly increasing steps, at least one
   * @param values the rates, each >= 0, one more than the boundaries
   */
  record PiecewiseConstantDecay(List<Long> boundaries, List<Double> values)
      implements LearningRateSchedule {
    /** Validates and copies. */
    public PiecewiseConstantDecay {
      String o = "PiecewiseConstantDecay";
      if (boundaries == null || boundaries.isEmpty() || hasNull(boundaries)) {
        throw invalid(o, "boundaries", "a non-empty list of increasing steps", boundaries);
      }
      if (values == null || hasNull(values) || values.size() != boundaries.size() + 1) {
        throw new SpecException(
            "Received an invalid value for `values` of " + o + ": the length of boundaries"
                + " should be 1 less than the length of values. Received: boundaries="
                + boundaries + " of length " + boundaries.size() + ", and values=" + values
                + (values == null ? "" : " of length " + values.size())
                + ". Give one value for the steps up to each boundary and one after the last.");
      }
      for (int i = 1; i < boundaries.size(); i++) {
        if (boundaries.get(i) <= boundaries.get(i - 1)) {
          throw invalid(o, "boundaries", "strictly increasing steps", boundaries);
        }
      }
      for (double v : values) {
        rate(o, "values", v);
      }
      boundaries = List.copyOf(boundaries);
      values = List.copyOf(values);
    }

    @Override
    public double at(long step) {
      for (int i = 0; i < boundaries.size(); i++) {
        if (step <= boundaries.get(i)) {
          return values.get(i);
        }
      }
      return values.get(values.size() - 1);
    }

    @Override
    public String className() {
      return "PiecewiseConstantDecay";
    }

    @Override
    public Map<String, Object> config() {
      return LearningRateSchedule.config("PiecewiseConstant",
          "boundaries", new ArrayList<>(boundaries), "values", new ArrayList<>(values));
    }
  }

  /**
   * Keras' {@code InverseTimeDecay}: {@code initial_learning_rate / (1 + decay_rate * step /
   * decay_steps)}, {@code step / decay_steps} floored when {@code staircase}.
   *
   * @param initialLearningRate the rate at step 0, >= 0
   * @param decaySteps the step scale, > 0
   * @param decayRate >= 0
   * @param staircase decay at whole multiples of {@code decay_steps} only; default false
   */
  record InverseTimeDecay(
      double initialLearningRate, int decaySteps, double decayRate, boolean staircase)
      implements LearningRateSchedule {
    /** Validates. */
    public InverseTimeDecay {
      rate("InverseTimeDecay", "initial_learning_rate", initialLearningRate);
      steps("InverseTimeDecay", "decay_steps", decaySteps);
      rate("InverseTimeDecay", "decay_rate", decayRate);
    }

    /** With Keras' default {@code staircase=false}. */
    public InverseTimeDecay(double initialLearningRate, int decaySteps, double decayRate) {
      this(initialLearningRate, decaySteps, decayRate, false);
    }

    @Override
    public double at(long step) {
      double p = (double) step / decaySteps;
      return initialLearningRate / (1 + decayRate * (staircase ? Math.floor(p) : p));
    }

    @Override
    public String className() {
      return "InverseTimeDecay";
    }

    @Override
    public Map<String, Object> config() {
      return LearningRateSchedule.config("InverseTimeDecay",
          "initial_learning_rate", initialLearningRate, "decay_steps", decaySteps,
          "decay_rate", decayRate, "staircase", staircase);
    }
  }

  /**
   * Keras' {@code PolynomialDecay}: {@code (initial_learning_rate - end_learning_rate) * (1 -
   * step / decay_steps) ^ power + end_learning_rate} with {@code step = min(step, decay_steps)};
   * with {@code cycle}, the step is not clipped but {@code decay_steps} is multiplied by {@code
   * ceil(step / decay_steps)} (1 at step 0).
   *
   * @param initialLearningRate the rate at step 0, >= 0
   * @param decaySteps steps to reach the end rate, > 0
   * @param endLearningRate the final rate, >= 0; default 0.0001
   * @param power the polynomial's power, > 0; default 1 (linear)
   * @param cycle keep decaying over ever longer periods past {@code decay_steps}; default false
   */
  record PolynomialDecay(
      double initialLearningRate, int decaySteps, double endLearningRate, double power,
      boolean cycle)
      implements LearningRateSchedule {
    /** Validates. */
    public PolynomialDecay {
      rate("PolynomialDecay", "initial_learning_rate", initialLearningRate);
      steps("PolynomialDecay", "decay_steps", decaySteps);
      rate("PolynomialDecay", "end_learning_rate", endLearningRate);
      if (!(power > 0) || Double.isInfinite(power)) {
        throw invalid("PolynomialDecay", "power", "a positive float", power);
      }
    }

    /** With Keras' defaults {@code end_learning_rate=0.0001, power=1.0, cycle=false}. */
    public PolynomialDecay(double initialLearningRate, int decaySteps) {
      this(initialLearningRate, decaySteps, 0.0001, 1.0, false);
    }

    @Override
    public double at(long step) {
      double s = step;
      double d = decaySteps;
      if (cycle) {
        d *= step == 0 ? 1 : Math.ceil(s / decaySteps);
      } else {
        s = Math.min(s, d);
      }
      double p = s / d;
      return (initialLearningRate - endLearningRate) * Math.pow(1 - p, power) + endLearningRate;
    }

    @Override
    public String className() {
      return "PolynomialDecay";
    }

    @Override
    public Map<String, Object> config() {
      return LearningRateSchedule.config("PolynomialDecay",
          "initial_learning_rate", initialLearningRate, "decay_steps", decaySteps,
          "end_learning_rate", endLearningRate, "power", power, "cycle", cycle);
    }
  }

  /**
   * Keras' {@code CosineDecay} with optional linear warm-up. Without {@code warmup_target}: {@code
   * initial_learning_rate * ((1 - alpha) * 0.5 * (1 + cos(pi * s / decay_steps)) + alpha)} with
   * {@code s = min(step, decay_steps)}. With it: for {@code step < warmup_steps}, {@code
   * initial_learning_rate + (warmup_target - initial_learning_rate) * step / warmup_steps};
   * after, the cosine above from {@code warmup_target} with {@code s = min(step, warmup_steps +
   * decay_steps) - warmup_steps}. As in Keras, {@code warmup_steps} does nothing without {@code
   * warmup_target}.
   *
   * @param initialLearningRate the rate at step 0 (the warm-up's start), >= 0
   * @param decaySteps the cosine's length, > 0
   * @param alpha the final rate as a fraction of the decayed-from rate, in [0, 1]; default 0
   * @param warmupTarget the rate at the end of the warm-up, >= 0, or null for no warm-up
   * @param warmupSteps the warm-up's length, >= 0; default 0
   */
  record CosineDecay(
      double initialLearningRate, int decaySteps, double alpha, Double warmupTarget,
      int warmupSteps)
      implements LearningRateSchedule {
    /** Validates. */
    public CosineDecay {
      rate("CosineDecay", "initial_learning_rate", initialLearningRate);
      steps("CosineDecay", "decay_steps", decaySteps);
      fraction("CosineDecay", "alpha", alpha);
      if (warmupTarget != null) {
        rate("CosineDecay", "warmup_target", warmupTarget);
      }
      if (warmupSteps < 0) {
        throw invalid("CosineDecay", "warmup_steps", "an integer >= 0", warmupSteps);
      }
    }

    /** With Keras' defaults {@code alpha=0.0}, no warm-up. */
    public CosineDecay(double initialLearningRate, int decaySteps) {
      this(initialLearningRate, decaySteps, 0.0, null, 0);
    }

    @Override
    public double at(long step) {
      if (warmupTarget == null) {
        return decayed(Math.min(step, decaySteps), initialLearningRate);
      }
      double s = Math.min(step, (double) decaySteps + warmupSteps);
      if (s < warmupSteps) {
        return (warmupTarget - initialLearningRate) * (s / warmupSteps) + initialLearningRate;
      }
      return decayed(s - warmupSteps, warmupTarget);
    }

    private double decayed(double s, double from) {
      double cosine = 0.5 * (1 + Math.cos(Math.PI * (s / decaySteps)));
      return from * ((1 - alpha) * cosine + alpha);
    }

    @Override
    public String className() {
      return "CosineDecay";
    }

    @Override
    public Map<String, Object> config() {
      return LearningRateSchedule.config("CosineDecay",
          "initial_learning_rate", initialLearningRate, "decay_steps", decaySteps,
          "alpha", alpha, "warmup_target", warmupTarget, "warmup_steps", warmupSteps);
    }
  }

  /**
   * Keras' {@code CosineDecayRestarts} (SGDR, Loshchilov and Hutter): cosine decay over periods of
   * {@code first_decay_steps * t_mul^i} steps, period {@code i} starting from {@code
   * initial_learning_rate * m_mul^i}. With {@code f = step / first_decay_steps}: period {@code i =
   * floor(f)} and fraction {@code f - i} when {@code t_mul == 1}, else {@code i = floor(log(1 - f
   * (1 - t_mul)) / log(t_mul))} and fraction {@code (f - (1 - t_mul^i) / (1 - t_mul)) / t_mul^i};
   * the rate is {@code initial_learning_rate * ((1 - alpha) * 0.5 * m_mul^i * (1 + cos(pi *
   * fraction)) + alpha)}. The period is found exactly at restart steps (Keras' float logarithm
   * may land one period early there).
   *
   * @param initialLearningRate the rate at step 0, >= 0
   * @param firstDecaySteps the first period's length, > 0
   * @param tMul the factor of each period's length over the last, >= 1; default 2
   * @param mMul the factor of each period's starting rate over the last, >= 0; default 1
   * @param alpha the floor as a fraction of {@code initial_learning_rate}, in [0, 1]; default 0
   */
  record CosineDecayRestarts(
      double initialLearningRate, int firstDecaySteps, double tMul, double mMul, double alpha)
      implements LearningRateSchedule {
    /** Validates. */
    public CosineDecayRestarts {
      String o = "CosineDecayRestarts";
      rate(o, "initial_learning_rate", initialLearningRate);
      steps(o, "first_decay_steps", firstDecaySteps);
      if (!(tMul >= 1) || Double.isInfinite(tMul)) {
        // below 1 the periods shrink geometrically and the rate is undefined after finitely many
        throw invalid(o, "t_mul", "a finite float >= 1 (each period at least as long as the last)",
            tMul);
      }
      rate(o, "m_mul", mMul);
      fraction(o, "alpha", alpha);
    }

    /** With Keras' defaults {@code t_mul=2.0, m_mul=1.0, alpha=0.0}. */
    public CosineDecayRestarts(double initialLearningRate, int firstDecaySteps) {
      this(initialLearningRate, firstDecaySteps, 2.0, 1.0, 0.0);
    }

    @Override
    public double at(long step) {
      double f = (double) step / firstDecaySteps;
      double i;
      double fraction;
      if (tMul == 1.0) {
        i = Math.floor(f);
        fraction = f - i;
      } else {
        i = Math.floor(Math.log(1 - f * (1 - tMul)) / Math.log(tMul));
        // correct a rounding of the logarithm across a restart: period i starts at start(i)
        if (start(i + 1) <= f) {
          i++;
        } else if (i > 0 && start(i) > f) {
          i--;
        }
        fraction = (f - start(i)) / Math.pow(tMul, i);
      }
      double cosine = 0.5 * Math.pow(mMul, i) * (1 + Math.cos(Math.PI * fraction));
      return initialLearningRate * ((1 - alpha) * cosine + alpha);
    }

    /** The start of period i in units of first_decay_steps: (1 - t_mul^i) / (1 - t_mul). */
    private double start(double i) {
      return (1 - Math.pow(tMul, i)) / (1 - tMul);
    }

    @Override
    public String className() {
      return "CosineDecayRestarts";
    }

    @Override
    public Map<String, Object> config() {
      return LearningRateSchedule.config("SGDRDecay",
          "initial_learning_rate", initialLearningRate, "first_decay_steps", firstDecaySteps,
          "t_mul", tMul, "m_mul", mMul, "alpha", alpha);
    }
  }
}
