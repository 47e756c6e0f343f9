package dev.sparkdl.spec;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A typed, checked view of one Keras {@code config} object, for spec readers. Every key read is
 * remembered; {@link #finish()} rejects the keys nobody read, so a misspelt argument is reported
 * instead of silently ignored. Keras bookkeeping keys ({@code name, trainable, dtype}) and
 * arguments Keras writes with their "off" value ({@code kernel_regularizer: null}, ...) are
 * accepted and ignored.
 */
public final class Config {
  private static final Set<String> BOOKKEEPING =
      Set.of("name", "trainable", "dtype", "module", "registered_name", "build_config",
          "input_dtype", "batch_size", "jit_compile", "is_legacy_optimizer");
  private static final Set<String> IGNORED_WHEN_NULL =
      Set.of(
          "kernel_regularizer", "bias_regularizer", "activity_regularizer", "kernel_constraint",
          "bias_constraint", "beta_regularizer", "gamma_regularizer", "beta_constraint",
          "gamma_constraint", "noise_shape", "seed", "lora_rank", "lora_alpha", "quantization_config",
          "synchronized", "renorm", "renorm_clipping", "renorm_momentum", "virtual_batch_size",
          "adjustment", "fused", "data_format", "axis", "clipnorm", "clipvalue", "global_clipnorm",
          "loss_scale_factor", "gradient_accumulation_steps", "use_ema", "ema_momentum",
          "ema_overwrite_frequency", "amsgrad", "decay", "stateful", "time_major", "unroll",
          "implementation", "consume_less", "dim_ordering", "recurrent_regularizer", "recurrent_constraint", "embeddings_regularizer",
          "embeddings_constraint", "moving_mean_constraint");
  /** Off values Keras writes for the keys above besides null. */
  private static final Map<String, Object> OFF_VALUES =
      Map.ofEntries(
          Map.entry("use_ema", Boolean.FALSE),
          Map.entry("amsgrad", Boolean.FALSE),
          Map.entry("synchronized", Boolean.FALSE),
          Map.entry("renorm", Boolean.FALSE),
          Map.entry("axis", -1),
          Map.entry("data_format", "channels_last"),
          Map.entry("decay", 0.0),
          Map.entry("stateful", Boolean.FALSE),
          Map.entry("time_major", Boolean.FALSE),
          Map.entry("dim_ordering", "tf"));
  /**
   * Keys that only change speed, never the result: accepted at any value ({@code unroll},
   * {@code implementation} of recurrent layers, Keras 1's {@code consume_less}).
   */
  private static final Set<String> SPEED_ONLY = Set.of("unroll", "implementation", "consume_less");

  private final String owner;
  private final Map<String, Object> values;
  private final Set<String> read = new HashSet<>();

  /**
   * @param owner the class name whose config this is, for messages ("Dense")
   * @param values the config's keys and values as parsed from JSON
   */
  public Config(String owner, Map<String, ?> values) {
    this.owner = owner;
    this.values = values == null ? Map.of() : new LinkedHashMap<>(values);
  }

  /** @return the class name whose config this is */
  public String owner() {
    return owner;
  }

  /** @return true if a reader has already read the key */
  public boolean wasRead(String key) {
    return read.contains(key);
  }

  /** @return true if the key is present (even with a null value) */
  public boolean has(String key) {
    return values.containsKey(key);
  }

  /** Reads a required integer argument. */
  public int requiredInt(String key) {
    if (!values.containsKey(key) || values.get(key) == null) {
      throw new SpecException(owner + ": the config lacks `" + key + "` (an integer).");
    }
    return optInt(key, 0);
  }

  /** Reads a required floating-point argument. */
  public double requiredDouble(String key) {
    if (!values.containsKey(key) || values.get(key) == null) {
      throw new SpecException(owner + ": the config lacks `" + key + "` (a number).");
    }
    return optDouble(key, 0);
  }

  /** Reads an optional integer argument. */
  public int optInt(String key, int dflt) {
    Object v = take(key);
    if (v == null) {
      return dflt;
    }
    if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
      return n.intValue();
    }
    throw wrongType(key, "an integer", v);
  }

  /** Reads an optional floating-point argument. */
  public double optDouble(String key, double dflt) {
    Object v = take(key);
    if (v == null) {
      return dflt;
    }
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    throw wrongType(key, "a number", v);
  }

  /** Reads an optional boolean argument. */
  public boolean optBoolean(String key, boolean dflt) {
    Object v = take(key);
    if (v == null) {
      return dflt;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    throw wrongType(key, "true or false", v);
  }

  /** Reads an optional string argument. */
  public String optString(String key, String dflt) {
    Object v = take(key);
    if (v == null) {
      return dflt;
    }
    if (v instanceof String s) {
      return s;
    }
    throw wrongType(key, "a string", v);
  }

  /**
   * Reads a Keras "identifier" that may be a string or an object {@code {"class_name": ...}}
   * (initializers, activations): returns the class name for the object form.
   */
  public String optIdentifier(String key, String dflt) {
    Object v = take(key);
    if (v == null) {
      return dflt;
    }
    if (v instanceof String s) {
      return s;
    }
    if (v instanceof Map<?, ?> m && m.get("class_name") instanceof String cls) {
      Object cfg = m.get("config");
      if (cfg instanceof Map<?, ?> c) {
        for (Map.Entry<?, ?> e : c.entrySet()) {
          if (!"seed".equals(e.getKey()) && e.getValue() != null) {
            throw new SpecException(
                owner + ": `" + key + "` " + cls + " with argument " + e.getKey() + "="
                    + e.getValue() + " is not supported; only its defaults are.");
          }
        }
      }
      return cls;
    }
    throw wrongType(key, "a name or {\"class_name\": ...}", v);
  }

  /** Reads an optional shape: a list of positive integers (a leading null batch dim is dropped). */
  public List<Integer> optShape(String key, boolean dropBatchDim) {
    Object v = take(key);
    if (v == null) {
      return null;
    }
    if (!(v instanceof List<?> list)) {
      throw wrongType(key, "a list of integers", v);
    }
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      Object d = list.get(i);
      if (i == 0 && dropBatchDim) {
        continue; // the batch axis: null, or a fixed batch size (stateful models) that is not ours
      }
      if (!(d instanceof Number n) || n.intValue() <= 0) {
        throw wrongType(key, "a list of positive integers", v);
      }
      out.add(n.intValue());
    }
    return Collections.unmodifiableList(out);
  }

  /**
   * Reads Keras' "int or tuple" arguments ({@code kernel_size=3} or {@code (3, 3)}).
   *
   * @param key the argument
   * @param count the tuple length
   * @param defaults the default, or null if the argument is required
   * @return count positive integers
   */
  public List<Integer> optInts(String key, int count, List<Integer> defaults) {
    Object v = take(key);
    if (v == null) {
      if (defaults == null) {
        throw new SpecException(owner + ": the config lacks `" + key + "`.");
      }
      return defaults;
    }
    List<Integer> out = new ArrayList<>();
    if (v instanceof Number num && num.doubleValue() == Math.rint(num.doubleValue())) {
      for (int i = 0; i < count; i++) {
        out.add(num.intValue());
      }
    } else if (v instanceof List<?> list && list.size() == count) {
      for (Object o : list) {
        if (!(o instanceof Number num) || num.doubleValue() != Math.rint(num.doubleValue())) {
          throw wrongType(key, "an integer or a tuple of " + count + " integers", v);
        }
        out.add(num.intValue());
      }
    } else {
      throw wrongType(key, "an integer or a tuple of " + count + " integers", v);
    }
    for (int d : out) {
      if (d <= 0) {
        throw wrongType(key, "positive integers", v);
      }
    }
    return List.copyOf(out);
  }

  /**
   * Accepts a Keras argument only at the value this release implements.
   *
   * @param key the argument
   * @param supported the only value supported (also what an absent or null argument means)
   */
  public void only(String key, Object supported) {
    Object v = take(key);
    if (v == null || v.equals(supported)
        || (v instanceof Number a && supported instanceof Number b
            && a.doubleValue() == b.doubleValue())) {
      return;
    }
    throw new SpecException(owner + ": " + key + "=" + v + " is not supported; only " + key + "="
        + supported + " (the Keras default) is.");
  }

  /** Reads an argument of any JSON type (null if absent). */
  public Object optRaw(String key) {
    return take(key);
  }

  /** Marks keys as accepted and ignored (they carry nothing this release uses). */
  public void ignore(String... keys) {
    for (String k : keys) {
      read.add(k);
    }
  }

  /**
   * Rejects every key that was not read and is not Keras bookkeeping or an off-valued option.
   *
   * @throws SpecException naming the unsupported keys and the supported ones
   */
  public void finish() {
    List<String> unknown = new ArrayList<>();
    for (Map.Entry<String, Object> e : values.entrySet()) {
      String k = e.getKey();
      if (read.contains(k) || BOOKKEEPING.contains(k)) {
        continue;
      }
      Object v = e.getValue();
      if (SPEED_ONLY.contains(k)
          || IGNORED_WHEN_NULL.contains(k) && (v == null || isOff(v, OFF_VALUES.get(k)))) {
        continue;
      }
      unknown.add(k + "=" + v);
    }
    if (!unknown.isEmpty()) {
      throw new SpecException(
          owner + ": unsupported argument(s) " + unknown + ". Supported: " + read + ".");
    }
  }

  private static boolean isOff(Object v, Object off) {
    return v.equals(off)
        || v instanceof Number a && off instanceof Number b && a.doubleValue() == b.doubleValue();
  }

  private Object take(String key) {
    read.add(key);
    return values.get(key);
  }

  private SpecException wrongType(String key, String expected, Object v) {
    String shown = v instanceof String ? "\"" + v + "\"" : String.valueOf(v);
    return new SpecException(
        "Received an invalid value for `" + key + "` of " + owner + ", expected "
            + expected + ". Received: " + key + "=" + shown);
  }

  static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }
}
