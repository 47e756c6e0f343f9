package dev.sparkdl.spec;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A layer's Keras regularizers and constraints, keyed by Keras weight name ({@code kernel},
 * {@code bias}, {@code recurrent_kernel}, {@code embeddings}); the activity regularizer is keyed
 * {@code activity}.
 *
 * <p>Regularizers are Keras' {@code L1}, {@code L2} and {@code L1L2}: the training loss adds
 * {@code l1 Σ|w| + l2 Σw²} for each regularized weight once per batch (to the batch's mean loss),
 * and, for an activity regularizer, {@code l1 Σ|y| + l2 Σy²} of the layer's (activated) output
 * summed over the whole batch, as Keras 3 does (Keras 2's tf.keras divided that term by the batch
 * size). Constraints are applied to the weight after every optimizer update, in Keras' layout:
 *
 * <table>
 *   <caption>The constraints (Keras 3 formulas, eps = 1e-7)</caption>
 *   <tr><th>name</th><th>arguments (default)</th><th>w becomes</th></tr>
 *   <tr><td>max_norm</td><td>max_value (2), axis (0)</td>
 *       <td>w · clip(n, 0, max_value) / (eps + n), n the L2 norm over axis</td></tr>
 *   <tr><td>non_neg</td><td>none</td><td>w · (w ≥ 0)</td></tr>
 *   <tr><td>unit_norm</td><td>axis (0)</td><td>w / (eps + n)</td></tr>
 *   <tr><td>min_max_norm</td><td>min_value (0), max_value (1), rate (1), axis (0)</td>
 *       <td>w · (rate · clip(n, min_value, max_value) + (1 - rate) n) / (eps + n)</td></tr>
 * </table>
 *
 * @param regularizers by weight name, and {@code activity}
 * @param constraints by weight name
 */
public record WeightRules(Map<String, Regularizer> regularizers,
    Map<String, Constraint> constraints) {

  /** Dense's and the convolutions' weights and their Keras 2/3 argument prefixes. */
  static final Map<String, String> KERNEL_BIAS = ordered("kernel", "kernel", "bias", "bias");
  /** Keras 1's argument prefixes for Dense and the convolutions. */
  static final Map<String, String> KERAS1_KERNEL_BIAS = ordered("kernel", "W", "bias", "b");
  /** The recurrent layers' weights and their Keras 2/3 argument prefixes. */
  static final Map<String, String> RECURRENT =
      ordered("kernel", "kernel", "recurrent_kernel", "recurrent", "bias", "bias");
  /** Keras 1's argument prefixes for the recurrent layers. */
  static final Map<String, String> KERAS1_RECURRENT =
      ordered("kernel", "W", "recurrent_kernel", "U", "bias", "b");
  /** DepthwiseConv2D's weights and their Keras argument prefixes. */
  static final Map<String, String> DEPTHWISE_BIAS =
      ordered("depthwise_kernel", "depthwise", "bias", "bias");
  /** SeparableConv1D's and SeparableConv2D's weights and their Keras argument prefixes. */
  static final Map<String, String> SEPARABLE = ordered("depthwise_kernel", "depthwise",
      "pointwise_kernel", "pointwise", "bias", "bias");
  /** Embedding's weight and its Keras 2/3 argument prefix. */
  static final Map<String, String> EMBEDDINGS = ordered("embeddings", "embeddings");
  /** Keras 1's argument prefix for Embedding. */
  static final Map<String, String> KERAS1_EMBEDDINGS = ordered("embeddings", "W");

  private static Map<String, String> ordered(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return Collections.unmodifiableMap(m);
  }

  /** No regularizer, no constraint. */
  public static final WeightRules NONE = new WeightRules(Map.of(), Map.of());

  /** Copies the maps. */
  public WeightRules {
    regularizers = Collections.unmodifiableMap(new LinkedHashMap<>(
        regularizers == null ? Map.of() : regularizers));
    constraints = Collections.unmodifiableMap(new LinkedHashMap<>(
        constraints == null ? Map.of() : constraints));
  }

  /** @return true if there is neither a regularizer nor a constraint */
  public boolean isEmpty() {
    return regularizers.isEmpty() && constraints.isEmpty();
  }

  /** @return a copy with a regularizer on a weight (or {@code activity}); null removes it */
  public WeightRules regularizer(String weight, Regularizer r) {
    Map<String, Regularizer> m = new LinkedHashMap<>(regularizers);
    if (r == null) {
      m.remove(weight);
    } else {
      m.put(weight, r);
    }
    return new WeightRules(m, constraints);
  }

  /** @return a copy with a constraint on a weight; null removes it */
  public WeightRules constraint(String weight, Constraint c) {
    Map<String, Constraint> m = new LinkedHashMap<>(constraints);
    if (c == null) {
      m.remove(weight);
    } else {
      m.put(weight, c);
    }
    return new WeightRules(regularizers, m);
  }

  /**
   * Keras' L1L2 regularizer.
   *
   * @param l1 the L1 factor, ≥ 0
   * @param l2 the L2 factor, ≥ 0
   */
  public record Regularizer(double l1, double l2) {
    /** Validates. */
    public Regularizer {
      if (!(l1 >= 0) || !(l2 >= 0) || Double.isInfinite(l1) || Double.isInfinite(l2)) {
        throw new SpecException("A regularizer's l1 and l2 must be finite numbers >= 0. Received:"
            + " l1=" + l1 + ", l2=" + l2);
      }
    }

    /** @return Keras' L1(l1) */
    public static Regularizer l1(double l1) {
      return new Regularizer(l1, 0);
    }

    /** @return Keras' L2(l2) */
    public static Regularizer l2(double l2) {
      return new Regularizer(0, l2);
    }

    /** @return Keras' form: L1, L2 or L1L2 with its config */
    Object toKeras() {
      Map<String, Object> cfg = new LinkedHashMap<>();
      String cls;
      if (l2 == 0 && l1 != 0) {
        cls = "L1";
        cfg.put("l1", l1);
      } else if (l1 == 0) {
        cls = "L2";
        cfg.put("l2", l2);
      } else {
        cls = "L1L2";
        cfg.put("l1", l1);
        cfg.put("l2", l2);
      }
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("class_name", cls);
      out.put("config", cfg);
      return out;
    }
  }

  /**
   * A Keras weight constraint.
   *
   * @param name max_norm, non_neg, unit_norm or min_max_norm
   * @param minValue min_max_norm's min_value (0 otherwise)
   * @param maxValue max_norm's and min_max_norm's max_value (0 otherwise)
   * @param rate min_max_norm's rate (1 otherwise)
   * @param axis the axes over which norms are taken (Keras layout; negative counts from the end)
   */
  public record Constraint(String name, double minValue, double maxValue, double rate,
      List<Integer> axis) {
    /** The constraint names. */
    public static final List<String> NAMES =
        List.of("max_norm", "non_neg", "unit_norm", "min_max_norm");

    /** Validates. */
    public Constraint {
      if (!NAMES.contains(name)) {
        throw new SpecException("Unknown constraint '" + name + "'. Valid constraints: "
            + String.join(", ", NAMES) + ".");
      }
      axis = List.copyOf(axis == null || "non_neg".equals(name) ? List.of(0) : axis);
      if (!(minValue >= 0) || !(maxValue >= minValue) || !(rate >= 0 && rate <= 1)
          || Double.isInfinite(maxValue) || axis.isEmpty()) {
        throw new SpecException("Constraint " + name + ": invalid arguments min_value="
            + minValue + ", max_value=" + maxValue + ", rate=" + rate + ", axis=" + axis
            + " (0 <= min_value <= max_value, 0 <= rate <= 1, at least one axis expected).");
      }
    }

    /** @return Keras' MaxNorm(max_value, axis=0) */
    public static Constraint maxNorm(double maxValue) {
      return new Constraint("max_norm", 0, maxValue, 1, List.of(0));
    }

    /** @return Keras' NonNeg() */
    public static Constraint nonNeg() {
      return new Constraint("non_neg", 0, 0, 1, List.of(0));
    }

    /** @return Keras' UnitNorm(axis=0) */
    public static Constraint unitNorm() {
      return new Constraint("unit_norm", 0, 0, 1, List.of(0));
    }

    /** @return Keras' MinMaxNorm(min_value, max_value, rate, axis=0) */
    public static Constraint minMaxNorm(double minValue, double maxValue, double rate) {
      return new Constraint("min_max_norm", minValue, maxValue, rate, List.of(0));
    }

    /** @return a copy with other axes */
    public Constraint axis(Integer... axes) {
      return new Constraint(name, minValue, maxValue, rate, List.of(axes));
    }

    Object toKeras() {
      Map<String, Object> cfg = new LinkedHashMap<>();
      String cls;
      switch (name) {
        case "max_norm" -> {
          cls = "MaxNorm";
          cfg.put("max_value", maxValue);
        }
        case "non_neg" -> cls = "NonNeg";
        case "unit_norm" -> cls = "UnitNorm";
        default -> {
          cls = "MinMaxNorm";
          cfg.put("min_value", minValue);
          cfg.put("max_value", maxValue);
          cfg.put("rate", rate);
        }
      }
      if (!"non_neg".equals(name)) {
        cfg.put("axis", axis.size() == 1 ? axis.get(0) : axis);
      }
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("class_name", cls);
      out.put("config", cfg);
      return out;
    }
  }

  /**
   * Writes the rules into a layer's Keras config ({@code kernel_regularizer}, {@code
   * kernel_constraint}, ..., {@code activity_regularizer}); nothing for weights without rules.
   *
   * @param config the config to add to
   * @param prefixes Keras argument prefix by weight name, e.g. {@code embeddings -> embeddings}
   */
  void writeTo(Map<String, Object> config, Map<String, String> prefixes) {
    for (Map.Entry<String, String> e : prefixes.entrySet()) {
      Regularizer r = regularizers.get(e.getKey());
      if (r != null) {
        config.put(e.getValue() + "_regularizer", r.toKeras());
      }
      Constraint c = constraints.get(e.getKey());
      if (c != null) {
        config.put(e.getValue() + "_constraint", c.toKeras());
      }
    }
    Regularizer a = regularizers.get("activity");
    if (a != null) {
      config.put("activity_regularizer", a.toKeras());
    }
  }

  /**
   * Checks that the rules name only weights the layer has.
   *
   * @param owner the layer, for messages
   * @param weights the layer's weight names
   */
  WeightRules check(String owner, Set<String> weights) {
    for (String k : regularizers.keySet()) {
      if (!"activity".equals(k) && !weights.contains(k)) {
        throw new SpecException(owner + " has no weight `" + k + "` to regularize; its weights: "
            + weights + " (and `activity` for its output).");
      }
    }
    for (String k : constraints.keySet()) {
      if (!weights.contains(k)) {
        throw new SpecException(owner + " has no weight `" + k + "` to constrain; its weights: "
            + weights + ".");
      }
    }
    return this;
  }

  /**
   * Reads a layer's regularizer and constraint arguments in Keras 1, 2 and 3 forms.
   *
   * @param c the config
   * @param keras1 Keras 1's prefix by weight name ({@code kernel -> W}), may be empty
   * @param prefixes Keras 2/3's prefix by weight name ({@code kernel -> kernel})
   * @return the rules
   */
  static WeightRules read(Config c, Map<String, String> prefixes, Map<String, String> keras1) {
    Map<String, Regularizer> regs = new LinkedHashMap<>();
    Map<String, Constraint> cons = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : prefixes.entrySet()) {
      String weight = e.getKey();
      for (String prefix : keras1.containsKey(weight)
          ? List.of(e.getValue(), keras1.get(weight)) : List.of(e.getValue())) {
        Regularizer r = regularizer(c, prefix + "_regularizer");
        if (r != null) {
          regs.put(weight, r);
        }
        Constraint k = constraint(c, prefix + "_constraint");
        if (k != null) {
          cons.put(weight, k);
        }
      }
    }
    Regularizer a = regularizer(c, "activity_regularizer");
    if (a != null) {
      regs.put("activity", a);
    }
    return new WeightRules(regs, cons);
  }

  private static Regularizer regularizer(Config c, String key) {
    Object v = c.optRaw(key);
    if (v == null) {
      return null;
    }
    String what = c.owner() + ": `" + key + "`";
    try {
      String cls;
      Map<?, ?> cfg;
      if (v instanceof String s) {
        cls = s;
        cfg = Map.of();
      } else if (v instanceof Map<?, ?> m && m.get("class_name") instanceof String s) {
        cls = s;
        cfg = m.get("config") instanceof Map<?, ?> x ? x : Map.of();
        checkKeys(what, m.keySet(), Set.of("class_name", "config", "module", "registered_name"));
      } else if (v instanceof Map<?, ?> m && m.get("name") instanceof String s) {
        cls = s; // Keras 1: {"name": "WeightRegularizer", "l1": 0.0, "l2": 0.01}
        cfg = m;
      } else {
        throw new SpecException("expected a regularizer name or {\"class_name\": ..., \"config\":"
            + " {...}}. Received: " + v);
      }
      String n = cls.toLowerCase(Locale.ROOT).replace("_", "");
      double l1;
      double l2;
      switch (n) {
        case "l1" -> {
          checkKeys(what, cfg.keySet(), Set.of("l1", "name"));
          l1 = num(what, cfg, "l1", 0.01);
          l2 = 0;
        }
        case "l2" -> {
          checkKeys(what, cfg.keySet(), Set.of("l2", "name"));
          l1 = 0;
          l2 = num(what, cfg, "l2", 0.01);
        }
        case "l1l2" -> {
          checkKeys(what, cfg.keySet(), Set.of("l1", "l2", "name"));
          double dflt = v instanceof String ? 0.01 : 0.0;
          l1 = num(what, cfg, "l1", dflt);
          l2 = num(what, cfg, "l2", dflt);
        }
        case "weightregularizer", "activityregularizer", "l1l2regularizer" -> {
          checkKeys(what, cfg.keySet(), Set.of("l1", "l2", "name"));
          l1 = num(what, cfg, "l1", 0.0);
          l2 = num(what, cfg, "l2", 0.0);
        }
        default -> throw new SpecException("unsupported regularizer '" + cls + "'. Supported: L1,"
            + " L2, L1L2 (Keras 1: WeightRegularizer, ActivityRegularizer).");
      }
      return new Regularizer(l1, l2);
    } catch (SpecException e) {
      throw new SpecException(what + ": " + e.getMessage());
    }
  }

  private static Constraint constraint(Config c, String key) {
    Object v = c.optRaw(key);
    if (v == null) {
      return null;
    }
    String what = c.owner() + ": `" + key + "`";
    try {
      String cls;
      Map<?, ?> cfg;
      if (v instanceof String s) {
        cls = s;
        cfg = Map.of();
      } else if (v instanceof Map<?, ?> m && m.get("class_name") instanceof String s) {
        cls = s;
        cfg = m.get("config") instanceof Map<?, ?> x ? x : Map.of();
        checkKeys(what, m.keySet(), Set.of("class_name", "config", "module", "registered_name"));
      } else if (v instanceof Map<?, ?> m && m.get("name") instanceof String s) {
        cls = s; // Keras 1: {"name": "MaxNorm", "m": 2, "axis": 0}
        cfg = m;
      } else {
        throw new SpecException("expected a constraint name or {\"class_name\": ..., \"config\":"
            + " {...}}. Received: " + v);
      }
      String n = cls.toLowerCase(Locale.ROOT).replace("_", "");
      return switch (n) {
        case "maxnorm" -> {
          checkKeys(what, cfg.keySet(), Set.of("max_value", "m", "axis", "name"));
          double max = cfg.containsKey("m") ? num(what, cfg, "m", 2) : num(what, cfg, "max_value", 2);
          yield new Constraint("max_norm", 0, max, 1, axes(what, cfg.get("axis")));
        }
        case "nonneg" -> {
          checkKeys(what, cfg.keySet(), Set.of("name"));
          yield Constraint.nonNeg();
        }
        case "unitnorm" -> {
          checkKeys(what, cfg.keySet(), Set.of("axis", "name"));
          yield new Constraint("unit_norm", 0, 0, 1, axes(what, cfg.get("axis")));
        }
        case "minmaxnorm" -> {
          checkKeys(what, cfg.keySet(),
              Set.of("min_value", "max_value", "low", "high", "rate", "axis", "name"));
          // Keras 1 spelled the bounds low and high
          yield new Constraint("min_max_norm", cfg.containsKey("low")
              ? num(what, cfg, "low", 0) : num(what, cfg, "min_value", 0),
              cfg.containsKey("high") ? num(what, cfg, "high", 1) : num(what, cfg, "max_value", 1),
              num(what, cfg, "rate", 1), axes(what, cfg.get("axis")));
        }
        default -> throw new SpecException("unsupported constraint '" + cls + "'. Supported:"
            + " MaxNorm, NonNeg, UnitNorm, MinMaxNorm.");
      };
    } catch (SpecException e) {
      throw new SpecException(what + ": " + e.getMessage());
    }
  }

  private static void checkKeys(String what, Set<?> keys, Set<String> allowed) {
    for (Object k : keys) {
      if (!allowed.contains(String.valueOf(k))) {
        throw new SpecException("unsupported argument `" + k + "`. Supported: " + allowed + ".");
      }
    }
  }

  private static double num(String what, Map<?, ?> cfg, String key, double dflt) {
    Object v = cfg.get(key);
    if (v == null) {
      return dflt;
    }
    if (v instanceof Number n && Double.isFinite(n.doubleValue())) {
      return n.doubleValue();
    }
    throw new SpecException(key + " must be a number. Received: " + key + "=" + v);
  }

  private static List<Integer> axes(String what, Object v) {
    if (v == null) {
      return List.of(0);
    }
    List<Integer> out = new ArrayList<>();
    for (Object o : v instanceof List<?> l ? l : List.of(v)) {
      if (!(o instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
        throw new SpecException("axis must be an integer or a list of integers. Received: axis="
            + v);
      }
      out.add(n.intValue());
    }
    return out;
  }
}
