package dev.sparkdl.spec;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Weight initializers with Keras' semantics and arguments. A layer holds its initializer as a
 * canonical string: the snake_case name alone when every argument is at Keras' default ({@code
 * glorot_uniform}, {@code random_uniform}), else the name with the arguments that differ, in a
 * fixed order ({@code random_normal(stddev=0.1)}, {@code variance_scaling(scale=2.0,
 * mode=fan_out, distribution=uniform)}).
 *
 * <table>
 *   <caption>The initializers, their arguments and Keras' defaults</caption>
 *   <tr><th>name</th><th>arguments (default)</th></tr>
 *   <tr><td>zeros, ones</td><td>none</td></tr>
 *   <tr><td>constant</td><td>value (0)</td></tr>
 *   <tr><td>random_normal</td><td>mean (0), stddev (0.05)</td></tr>
 *   <tr><td>random_uniform</td><td>minval (-0.05), maxval (0.05)</td></tr>
 *   <tr><td>truncated_normal</td><td>mean (0), stddev (0.05); redrawn beyond 2 stddev</td></tr>
 *   <tr><td>variance_scaling</td><td>scale (1), mode (fan_in | fan_out | fan_avg),
 *       distribution (truncated_normal | untruncated_normal | uniform)</td></tr>
 *   <tr><td>glorot_uniform/normal, he_uniform/normal, lecun_uniform/normal</td><td>none
 *       (variance scaling with scale 1 fan_avg, 2 fan_in, 1 fan_in)</td></tr>
 *   <tr><td>orthogonal, identity</td><td>gain (1)</td></tr>
 * </table>
 *
 * <p>Read in every spelling Keras 1, 2 and 3 write: snake_case names and their aliases ({@code
 * zero, one, uniform, normal}), class names ({@code GlorotUniform}), and the object form {@code
 * {"class_name": "RandomUniform", "config": {"minval": -0.1, ...}}} with or without Keras 3's
 * {@code module} and {@code registered_name}. A {@code seed} is accepted and not used (weights are
 * drawn from the run's seed, reproducibly); a {@code dtype} is accepted (weights are float32).
 * Keras 2.0–2.2's {@code distribution: "normal"} means the truncated normal. A {@code
 * variance_scaling} equal to a named one is read as that name.
 */
public final class Initializers {
  /** Every initializer name accepted (canonical forms). */
  public static final List<String> NAMES =
      Names.list(
          "glorot_uniform", "glorot_normal", "he_uniform", "he_normal", "lecun_uniform",
          "lecun_normal", "zeros", "ones", "constant", "random_normal", "random_uniform",
          "truncated_normal", "variance_scaling", "orthogonal", "identity");

  /** Each name's arguments with Keras' defaults, in canonical order. */
  private static final Map<String, Map<String, Object>> ARGS = new LinkedHashMap<>();

  private static final Map<String, String> ALIASES = new LinkedHashMap<>();

  static {
    for (String n : NAMES) {
      ARGS.put(n, new LinkedHashMap<>());
      ALIASES.put(n.replace("_", ""), n);
    }
    ARGS.get("constant").put("value", 0.0);
    ARGS.get("random_normal").put("mean", 0.0);
    ARGS.get("random_normal").put("stddev", 0.05);
    ARGS.get("random_uniform").put("minval", -0.05);
    ARGS.get("random_uniform").put("maxval", 0.05);
    ARGS.get("truncated_normal").put("mean", 0.0);
    ARGS.get("truncated_normal").put("stddev", 0.05);
    ARGS.get("variance_scaling").put("scale", 1.0);
    ARGS.get("variance_scaling").put("mode", "fan_in");
    ARGS.get("variance_scaling").put("distribution", "truncated_normal");
    ARGS.get("orthogonal").put("gain", 1.0);
    ARGS.get("identity").put("gain", 1.0);
    // Keras 1 and 2 short names, Keras 3 aliases
    ALIASES.put("zero", "zeros");
    ALIASES.put("one", "ones");
    ALIASES.put("uniform", "random_uniform");
    ALIASES.put("normal", "random_normal");
    ALIASES.put("orthogonalinitializer", "orthogonal");
    ALIASES.put("identityinitializer", "identity");
  }

  private static final List<String> MODES = List.of("fan_in", "fan_out", "fan_avg");
  private static final List<String> DISTRIBUTIONS =
      List.of("truncated_normal", "untruncated_normal", "uniform");

  /**
   * A parsed initializer.
   *
   * @param name the canonical name, one of {@link #NAMES}
   * @param args every argument of the name, defaults filled in
   */
  public record Spec(String name, Map<String, Object> args) {
    /** @return a numeric argument */
    public double num(String key) {
      return ((Number) args.get(key)).doubleValue();
    }

    /** @return a string argument */
    public String str(String key) {
      return (String) args.get(key);
    }
  }

  private Initializers() {}

  /**
   * Validates an initializer, accepting Keras' names, aliases, class names and the canonical form
   * with arguments ({@code random_normal(stddev=0.1)}).
   *
   * @param name the initializer received
   * @return the canonical form
   * @throws SpecException if the name or an argument is unknown; the message lists the valid ones
   */
  public static String check(String name) {
    return canonical(parse(name));
  }

  /**
   * Parses a canonical form (or any name {@link #check} accepts).
   *
   * @param name the initializer
   * @return its name and every argument
   */
  public static Spec parse(String name) {
    if (name == null) {
      throw new SpecException("Received no initializer (null). Expected one of "
          + String.join(", ", NAMES) + ".");
    }
    String s = name.trim();
    int open = s.indexOf('(');
    Map<String, Object> given = new LinkedHashMap<>();
    if (open >= 0) {
      if (!s.endsWith(")")) {
        throw new SpecException("Unknown initializer '" + name + "': expected name(key=value,"
            + " ...).");
      }
      for (String kv : s.substring(open + 1, s.length() - 1).split(",")) {
        if (kv.isBlank()) {
          continue;
        }
        String[] p = kv.split("=", 2);
        if (p.length != 2) {
          throw new SpecException("Unknown initializer '" + name + "': expected key=value in"
              + " its arguments.");
        }
        String v = p[1].trim();
        Object value;
        try {
          value = Double.parseDouble(v);
        } catch (NumberFormatException e) {
          value = v;
        }
        given.put(p[0].trim(), value);
      }
      s = s.substring(0, open);
    }
    return make("initializer '" + name + "'", resolve(s), given);
  }

  /**
   * Reads an initializer argument of a layer config in any of Keras' forms.
   *
   * @param c the layer's config
   * @param key the argument, e.g. {@code kernel_initializer}
   * @param dflt the canonical default when the argument is absent or null
   * @return the canonical form
   */
  public static String read(Config c, String key, String dflt) {
    Object v = c.optRaw(key);
    if (v == null) {
      return dflt;
    }
    if (v instanceof String s) {
      try {
        return check(s);
      } catch (SpecException e) {
        throw new SpecException(c.owner() + ": `" + key + "`: " + e.getMessage());
      }
    }
    if (v instanceof Map<?, ?> m && m.get("class_name") instanceof String cls) {
      String what = c.owner() + ": `" + key + "` " + cls;
      Map<String, Object> given = new LinkedHashMap<>();
      if (m.get("config") instanceof Map<?, ?> cfg) {
        for (Map.Entry<?, ?> e : cfg.entrySet()) {
          String k = String.valueOf(e.getKey());
          if (!"seed".equals(k) && !"dtype".equals(k) && e.getValue() != null) {
            given.put(k, e.getValue());
          }
        }
      } else if (m.get("config") != null) {
        throw new SpecException(what + ": `config` must be an object. Received: "
            + m.get("config"));
      }
      for (Object k : m.keySet()) {
        if (!List.of("class_name", "config", "module", "registered_name").contains(k)) {
          throw new SpecException(what + ": unexpected key `" + k + "`.");
        }
      }
      String canonical;
      try {
        canonical = resolve(cls);
      } catch (SpecException e) {
        throw new SpecException(c.owner() + ": `" + key + "`: " + e.getMessage());
      }
      return canonical(make(what, canonical, given));
    }
    throw new SpecException("Received an invalid value for `" + key + "` of " + c.owner()
        + ", expected an initializer name or {\"class_name\": ..., \"config\": {...}}. Received: "
        + key + "=" + v);
  }

  /**
   * @param canonical a canonical initializer
   * @return what Keras writes for it: the name at defaults, else {@code {"class_name",
   *     "config"}} with every argument
   */
  public static Object toKeras(String canonical) {
    Spec s = parse(canonical);
    if (canonical(s).equals(s.name())) {
      return s.name();
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("class_name", className(s.name()));
    out.put("config", new LinkedHashMap<>(s.args()));
    return out;
  }

  private static String className(String name) {
    StringBuilder b = new StringBuilder();
    for (String part : name.split("_")) {
      b.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
    }
    return b.toString();
  }

  private static String resolve(String name) {
    String key = name.trim().toLowerCase(Locale.ROOT).replace("_", "");
    String n = ALIASES.get(key);
    if (n == null) {
      throw new SpecException("Unknown initializer '" + name + "'. Valid initializers: "
          + String.join(", ", NAMES) + ".");
    }
    return n;
  }

  private static Spec make(String what, String name, Map<String, Object> given) {
    Map<String, Object> defaults = ARGS.get(name);
    Map<String, Object> args = new LinkedHashMap<>(defaults);
    for (Map.Entry<String, Object> e : given.entrySet()) {
      String k = e.getKey();
      Object v = e.getValue();
      if (!defaults.containsKey(k)) {
        throw new SpecException(what + ": unsupported argument " + k + "=" + v + ". "
            + (defaults.isEmpty() ? "It takes no arguments." : "Supported: " + defaults.keySet()
                + "."));
      }
      Object d = defaults.get(k);
      if (d instanceof Double) {
        if (!(v instanceof Number n) || !Double.isFinite(n.doubleValue())) {
          throw new SpecException(what + ": " + k + " must be a number. Received: " + k + "=" + v);
        }
        args.put(k, n.doubleValue());
      } else {
        String sv = String.valueOf(v).toLowerCase(Locale.ROOT);
        if ("distribution".equals(k) && "normal".equals(sv)) {
          sv = "truncated_normal"; // Keras 2.0-2.2 and tf.keras' deprecated spelling
        }
        List<String> valid = "mode".equals(k) ? MODES : DISTRIBUTIONS;
        if (!valid.contains(sv)) {
          throw new SpecException(what + ": " + k + "=" + v + " is not one of " + valid + ".");
        }
        args.put(k, sv);
      }
    }
    String n = name;
    if ("variance_scaling".equals(name)) {
      n = named(args);
      if (n == null) {
        n = name;
      } else {
        args = new LinkedHashMap<>();
      }
    }
    if (("random_uniform".equals(n) && !(((Double) args.get("minval")) < (Double) args.get("maxval")))
        || (args.containsKey("stddev") && !((Double) args.get("stddev") > 0))
        || ("variance_scaling".equals(n) && !((Double) args.get("scale") > 0))) {
      throw new SpecException(what + ": invalid arguments " + args
          + " (minval < maxval, stddev > 0, scale > 0 expected).");
    }
    return new Spec(n, Collections.unmodifiableMap(args));
  }

  /** The named variance-scaling initializer equal to these arguments, or null. */
  private static String named(Map<String, Object> a) {
    double scale = (Double) a.get("scale");
    String mode = (String) a.get("mode");
    String dist = (String) a.get("distribution");
    String family;
    if (scale == 1.0 && "fan_avg".equals(mode)) {
      family = "glorot";
    } else if (scale == 2.0 && "fan_in".equals(mode)) {
      family = "he";
    } else if (scale == 1.0 && "fan_in".equals(mode)) {
      family = "lecun";
    } else {
      return null;
    }
    return switch (dist) {
      case "uniform" -> family + "_uniform";
      case "truncated_normal" -> family + "_normal";
      default -> null;
    };
  }

  private static String canonical(Spec s) {
    Map<String, Object> defaults = ARGS.get(s.name());
    List<String> parts = new ArrayList<>();
    for (Map.Entry<String, Object> e : s.args().entrySet()) {
      if (!e.getValue().equals(defaults.get(e.getKey()))) {
        parts.add(e.getKey() + "=" + e.getValue());
      }
    }
    return parts.isEmpty() ? s.name() : s.name() + "(" + String.join(", ", parts) + ")";
  }
}
