package dev.sparkdl.spec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keras' {@code TimeDistributed} wrapper: applies the same inner layer (its weights shared) to
 * every time step. Input {@code (timesteps, inner input...)}, output {@code (timesteps, inner
 * output...)}; the parameter count is the inner layer's. The inner layer may be any layer but
 * BatchNormalization (whose moving statistics are refused here), without weight regularizers
 * or constraints.
 *
 * <pre>{@code TimeDistributed.of(Dense.units(8).activation("relu"))}</pre>
 *
 * @param layer the layer applied to each step
 */
public record TimeDistributed(LayerSpec layer) implements LayerSpec {

  /** Validates. */
  public TimeDistributed {
    if (layer == null) {
      throw new SpecException("TimeDistributed needs a layer to wrap. Received: layer=null");
    }
    if (layer instanceof BatchNormalization) {
      throw new SpecException("TimeDistributed(BatchNormalization) is not supported: its moving"
          + " statistics are kept per network layer. Put BatchNormalization outside the wrapper"
          + " (it normalizes the last axis of every step alike).");
    }
    refuseRules("TimeDistributed", layer);
  }

  /** @return TimeDistributed(layer) */
  public static TimeDistributed of(LayerSpec layer) {
    return new TimeDistributed(layer);
  }

  static void refuseRules(String owner, LayerSpec layer) {
    for (String k : layer.config().keySet()) {
      if (k.endsWith("_regularizer") || k.endsWith("_constraint")) {
        throw new SpecException(owner + "(" + layer.className() + "): " + k + " on the wrapped"
            + " layer is not supported; regularizers and constraints apply to unwrapped layers"
            + " only.");
      }
    }
  }

  @Override
  public String className() {
    return "TimeDistributed";
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("layer", inner(layer));
    return c;
  }

  /** Keras 3's nested form of a layer: module, class_name, config, registered_name. */
  static Map<String, Object> inner(LayerSpec layer) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("module", "keras.layers");
    m.put("class_name", layer.className());
    m.put("config", layer.config());
    m.put("registered_name", null);
    return m;
  }

  @Override
  public List<Integer> outputShape(List<Integer> input) {
    if (input.size() < 2) {
      throw new SpecException("TimeDistributed(" + layer.className() + ") needs inputs of shape"
          + " (timesteps, ...), at least two axes, but its input has shape " + input + ".");
    }
    List<Integer> out = new ArrayList<>();
    out.add(input.get(0));
    out.addAll(layer.outputShape(input.subList(1, input.size())));
    return List.copyOf(out);
  }

  @Override
  public long paramCount(List<Integer> input) {
    return layer.paramCount(input.subList(1, input.size()));
  }

  @Override
  public long nonTrainableCount(List<Integer> input) {
    return layer.nonTrainableCount(input.subList(1, input.size()));
  }

  /**
   * Reads a wrapped layer, {@code {"class_name", "config"}} (Keras 2) or with {@code module}
   * and {@code registered_name} too (Keras 3).
   */
  static LayerSpec readInner(Config c, String key) {
    return readInner(c, key, false);
  }

  /**
   * @param bidirectional whether the wrapper is Bidirectional, which sets its layers' {@code
   *     zero_output_for_mask} to their {@code return_sequences} (and writes it so); that value
   *     is the wrapper's business and is accepted
   */
  static LayerSpec readInner(Config c, String key, boolean bidirectional) {
    Object raw = c.optRaw(key);
    if (!(raw instanceof Map<?, ?> m) || !(m.get("class_name") instanceof String cls)) {
      throw new SpecException(c.owner() + ": `" + key + "` must be a layer {\"class_name\": ...,"
          + " \"config\": {...}}. Received: " + raw);
    }
    Map<String, Object> cfg = new LinkedHashMap<>();
    if (m.get("config") instanceof Map<?, ?> given) {
      given.forEach((k, v) -> cfg.put(String.valueOf(k), v));
    }
    // a nested layer's input shape is the wrapper's business
    cfg.remove("batch_input_shape");
    cfg.remove("batch_shape");
    cfg.remove("input_shape");
    if (bidirectional && cfg.containsKey("zero_output_for_mask") && java.util.Objects.equals(
        cfg.get("zero_output_for_mask"), cfg.getOrDefault("return_sequences", false))) {
      cfg.remove("zero_output_for_mask");
    }
    try {
      return LayerTypes.read(cls, cfg);
    } catch (SpecException e) {
      throw new SpecException(c.owner() + "(" + cls + "): " + e.getMessage(), e);
    }
  }

  static TimeDistributed read(Config c) {
    TimeDistributed t = new TimeDistributed(readInner(c, "layer"));
    c.finish();
    return t;
  }
}
