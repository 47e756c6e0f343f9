package dev.sparkdl.spec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The Keras-form JSON codec for specs (Jackson, the version Spark ships). */
final class SpecJson {
  static final ObjectMapper MAPPER = new ObjectMapper();
  private static final List<String> INPUT_SHAPE_KEYS =
      List.of("batch_shape", "batch_input_shape", "input_shape");

  private SpecJson() {}

  static String write(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise " + node, e);
    }
  }

  static JsonNode parse(String json, String what) {
    if (json == null || json.isBlank()) {
      throw new SpecException("Received an empty " + what + " JSON document.");
    }
    String trimmed = json.trim();
    try {
      return MAPPER.readTree(trimmed);
    } catch (com.fasterxml.jackson.core.exc.StreamConstraintsException e) {
      throw new SpecException("The " + what + " is nested more than "
          + com.fasterxml.jackson.core.StreamReadConstraints.DEFAULT_MAX_DEPTH + " levels deep"
          + " (or exceeds another of Jackson's limits: " + e.getOriginalMessage() + "); Keras"
          + " writes a few levels. Check the document's brackets. Received: "
          + abbreviate(trimmed), e);
    } catch (JsonProcessingException e) {
      // a bare name such as adam or mse (not a JSON string literal) is accepted too
      if (trimmed.matches("[A-Za-z_][A-Za-z0-9_]*")) {
        return MAPPER.getNodeFactory().textNode(trimmed);
      }
      throw new SpecException(
          "The " + what + " is not valid JSON: " + e.getOriginalMessage() + ". Received: "
              + abbreviate(trimmed),
          e);
    }
  }

  static String abbreviate(String s) {
    return s.length() <= 200 ? s : s.substring(0, 200) + "...";
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> toMap(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return new LinkedHashMap<>();
    }
    return MAPPER.convertValue(node, LinkedHashMap.class);
  }

  // ----- layers -----

  static ObjectNode layerTree(LayerSpec layer) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("class_name", layer.className());
    n.set("config", MAPPER.valueToTree(layer.config()));
    return n;
  }

  static String layerToJson(LayerSpec layer) {
    return write(layerTree(layer));
  }

  static LayerSpec layerFromJson(String json) {
    return layerFromTree(parse(json, "layer"), new ArrayList<>(), false);
  }

  /** Reads one layer; input-shape keys found in its config are moved to {@code inputShape}. */
  private static LayerSpec layerFromTree(JsonNode node, List<List<Integer>> inputShape,
      boolean first) {
    if (!node.isObject() || !node.path("class_name").isTextual()) {
      throw new SpecException(
          "A layer must be a JSON object {\"class_name\": ..., \"config\": {...}}. Received: "
              + abbreviate(node.toString()));
    }
    String cls = node.get("class_name").asText();
    JsonNode cfgNode = node.get("config");
    if (cfgNode != null && !cfgNode.isNull() && !cfgNode.isObject()) {
      throw new SpecException(cls + ": `config` must be a JSON object. Received: " + cfgNode);
    }
    Map<String, Object> cfg = toMap(cfgNode);
    boolean found = false;
    for (String key : INPUT_SHAPE_KEYS) {
      if (cfg.containsKey(key)) {
        Object raw = cfg.remove(key);
        if (found || hasUnknownDims(raw, !"input_shape".equals(key))) {
          found = true;
          continue; // e.g. [null, null]: sequences of any length, the shape comes from the data
        }
        Map<String, Object> one = new HashMap<>();
        one.put(key, raw);
        List<Integer> shape = new Config(cls, one).optShape(key, !"input_shape".equals(key));
        if (shape != null) {
          inputShape.add(shape);
          found = true;
        }
      }
    }
    // Keras 1: input_dim (and input_length) declare the first layer's input shape; Keras 1
    // writes input_dim on every Dense after build, so later layers' are dropped
    if (!"Embedding".equals(cls) && cfg.containsKey("input_dim")) {
      Object dim = cfg.remove("input_dim");
      Object length = cfg.remove("input_length");
      if (first && !found && dim instanceof Number d) {
        if (length instanceof Number l) {
          inputShape.add(List.of(l.intValue(), d.intValue()));
        } else if (!cls.matches("(CuDNN)?(LSTM|GRU)|SimpleRNN")) {
          inputShape.add(List.of(d.intValue()));
        }
      }
    } else if ("Embedding".equals(cls) && first && !found
        && cfg.get("input_length") instanceof Number l) {
      inputShape.add(List.of(l.intValue()));
    }
    return LayerTypes.read(cls, cfg);
  }

  /**
   * Keras 1 and 2 computed hard_sigmoid as {@code clip(0.2x + 0.5, 0, 1)}, Keras 3 as {@code
   * relu6(x + 3) / 6}: a file Keras 1 or 2 wrote names the former.
   */
  private static void keras2HardSigmoid(JsonNode node) {
    if (node instanceof ObjectNode o) {
      for (String key : List.of("activation", "recurrent_activation", "inner_activation")) {
        if ("hard_sigmoid".equals(o.path(key).asText(null))) {
          o.put(key, "hard_sigmoid_keras2");
        }
      }
    }
    for (JsonNode child : node) {
      keras2HardSigmoid(child);
    }
  }

  /** True if a shape has an unknown (null) axis besides the leading batch axis. */
  private static boolean hasUnknownDims(Object raw, boolean batchDim) {
    if (!(raw instanceof List<?> list)) {
      return false;
    }
    for (int i = batchDim ? 1 : 0; i < list.size(); i++) {
      if (list.get(i) == null) {
        return true;
      }
    }
    return false;
  }

  // ----- Sequential -----

  static String sequentialToJson(Sequential s) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("class_name", "Sequential");
    ObjectNode cfg = root.putObject("config");
    cfg.put("name", "sequential");
    ArrayNode layers = cfg.putArray("layers");
    if (s.inputShape() != null) {
      ObjectNode in = layers.addObject();
      in.put("class_name", "InputLayer");
      ArrayNode shape = in.putObject("config").putArray("batch_shape");
      shape.addNull();
      s.inputShape().forEach(shape::add);
    }
    for (LayerSpec l : s.layers()) {
      layers.add(layerTree(l));
    }
    return write(root);
  }

  static Sequential sequentialFromJson(String json) {
    JsonNode root = parse(json, "network (layers)");
    if (FunctionalChain.isFunctional(root)) {
      root = FunctionalChain.asSequential(root);
    }
    JsonNode layersNode;
    if (root.isArray()) {
      layersNode = root;
    } else if (root.isObject() && root.has("class_name")) {
      String cls = root.get("class_name").asText();
      if (!"Sequential".equals(cls)) {
        throw new SpecException(
            "Only Sequential models (and functional models that are one chain of layers) can"
                + " be read; this document holds a '" + cls + "' model. Rebuild it as a"
                + " Sequential stack of layers.");
      }
      JsonNode cfg = root.path("config");
      layersNode = cfg.isArray() ? cfg : cfg.path("layers");
    } else if (root.isObject() && root.has("layers")) {
      layersNode = root.get("layers");
    } else {
      throw new SpecException(
          "A network must be Keras' Sequential JSON {\"class_name\": \"Sequential\", \"config\":"
              + " {\"layers\": [...]}} or a list of layers. Received: "
              + abbreviate(root.toString()));
    }
    if (!layersNode.isArray()) {
      throw new SpecException("The Sequential config lacks its `layers` list.");
    }
    String version = root.path("keras_version").asText("");
    if (version.startsWith("1.") || version.startsWith("2.")) {
      keras2HardSigmoid(layersNode);
    }
    List<LayerSpec> layers = new ArrayList<>();
    List<List<Integer>> inputShape = new ArrayList<>();
    Map<Integer, List<Integer>> laterShapes = new java.util.TreeMap<>();
    for (JsonNode ln : layersNode) {
      if ("InputLayer".equals(ln.path("class_name").asText())) {
        if (!layers.isEmpty()) {
          throw new SpecException("An InputLayer may only come first in a Sequential network.");
        }
        Map<String, Object> inCfg = toMap(ln.get("config"));
        if (hasUnknownDims(inCfg.get("batch_shape"), true)
            || hasUnknownDims(inCfg.get("batch_input_shape"), true)
            || hasUnknownDims(inCfg.get("shape"), false)) {
          continue; // sequences of any length: the shape comes from the data
        }
        Config c = new Config("InputLayer", inCfg);
        List<Integer> shape = c.optShape("batch_shape", true);
        List<Integer> legacy = c.optShape("batch_input_shape", true);
        List<Integer> plain = c.optShape("shape", false);
        c.ignore("sparse", "ragged", "input_tensor", "optional");
        c.finish();
        List<Integer> s = shape != null ? shape : legacy != null ? legacy : plain;
        if (s == null) {
          throw new SpecException("The InputLayer has no `batch_shape`.");
        }
        inputShape.add(s);
        continue;
      }
      int before = inputShape.size();
      try {
        layers.add(layerFromTree(ln, inputShape, layers.isEmpty()));
      } catch (SpecException e) {
        String name = ln.path("config").path("name").asText("");
        throw new SpecException("Layer " + layers.size() + " (" + ln.path("class_name").asText()
            + (name.isEmpty() ? "" : " '" + name + "'") + "): " + e.getMessage(), e);
      }
      if (inputShape.size() > before && layers.size() > 1) {
        // Keras 2.0 writes batch_input_shape on later layers too; it must be what they receive
        laterShapes.put(layers.size() - 1, inputShape.remove(inputShape.size() - 1));
      }
    }
    Sequential network = new Sequential(layers, inputShape.isEmpty() ? null : inputShape.get(0));
    if (!laterShapes.isEmpty()) {
      List<List<Integer>> outs = network.inputShape() == null ? null
          : network.layerOutputShapes(network.inputShape());
      for (Map.Entry<Integer, List<Integer>> e : laterShapes.entrySet()) {
        List<Integer> receives = outs == null ? null : outs.get(e.getKey() - 1);
        if (!e.getValue().equals(receives)) {
          throw new SpecException("Layer " + e.getKey() + " (" + layers.get(e.getKey())
              .className() + ") declares the input shape " + e.getValue() + ", but "
              + (receives == null ? "only the first layer may declare one"
              : "it receives " + receives + " from the layers before it")
              + ". Remove its input shape, or declare it on the first layer.");
        }
      }
    }
    return network;
  }

  // ----- losses and optimizers -----

  static JsonNode lossTree(Loss loss) {
    if (loss.isDefault()) {
      return MAPPER.getNodeFactory().textNode(loss.name());
    }
    ObjectNode n = MAPPER.createObjectNode();
    n.put("class_name", loss.className());
    n.set("config", MAPPER.valueToTree(loss.config()));
    return n;
  }

  static Loss lossFromTree(JsonNode node) {
    if (node.isTextual()) {
      return Loss.of(node.asText());
    }
    if (node.isObject() && node.path("class_name").isTextual()) {
      String cls = node.get("class_name").asText();
      return Loss.read(cls, new Config(cls, toMap(node.get("config"))));
    }
    throw new SpecException(
        "A loss must be a name such as \"mse\" or {\"class_name\": \"Huber\", \"config\": {...}}."
            + " Received: " + abbreviate(node.toString()));
  }

  static ObjectNode optimizerTree(Optimizer o) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("class_name", o.className());
    n.set("config", MAPPER.valueToTree(o.config()));
    return n;
  }

  static Optimizer optimizerFromTree(JsonNode node) {
    if (node.isTextual()) {
      return Optimizer.named(node.asText());
    }
    if (!node.isObject() || !node.path("class_name").isTextual()) {
      throw new SpecException(
          "An optimizer must be a name such as \"adam\" or {\"class_name\": \"Adam\", \"config\":"
              + " {...}}. Received: " + abbreviate(node.toString()));
    }
    String cls = node.get("class_name").asText();
    Optimizer d = Optimizer.named(cls);
    Config c = new Config(d.className(), toMap(node.get("config")));
    Object lrRaw = c.has("learning_rate") ? c.optRaw("learning_rate") : c.optRaw("lr");
    c.ignore("lr");
    LearningRateSchedule schedule = null;
    double lr = d.learningRate();
    if (lrRaw instanceof Map<?, ?> m) {
      @SuppressWarnings("unchecked")
      Map<String, ?> tree = (Map<String, ?>) m;
      schedule = LearningRateSchedule.fromMap(tree);
      lr = schedule.initialRate() > 0 ? schedule.initialRate() : lr;
    } else if (lrRaw instanceof Number n) {
      lr = n.doubleValue();
    } else if (lrRaw != null) {
      throw new SpecException(
          "Received an invalid value for `learning_rate` of " + d.className() + ", expected a"
              + " number or a schedule {\"class_name\": \"ExponentialDecay\", \"config\": {...}}."
              + " Received: learning_rate=" + lrRaw);
    }
    Optimizer o = d.read(c, lr);
    // Keras 3 writes ema_momentum (0.99) and ema_overwrite_frequency even with use_ema=false
    if (!Boolean.TRUE.equals(c.optRaw("use_ema"))) {
      c.ignore("ema_momentum", "ema_overwrite_frequency");
    }
    c.finish();
    return schedule == null ? o : new Optimizer.Scheduled(o, schedule);
  }

  // ----- compile options -----

  static String compileToJson(CompileOptions c) {
    ObjectNode n = MAPPER.createObjectNode();
    n.set("loss", lossTree(c.loss()));
    n.set("optimizer", optimizerTree(c.optimizer()));
    ArrayNode m = n.putArray("metrics");
    c.metrics().forEach(m::add);
    return write(n);
  }

  static CompileOptions compileFromJson(String json) {
    JsonNode root = parse(json, "compile options");
    if (!root.isObject()) {
      throw new SpecException(
          "Compile options must be a JSON object {\"loss\": ..., \"optimizer\": ..., \"metrics\":"
              + " [...]}. Received: " + abbreviate(root.toString()));
    }
    Config c = new Config("compile", toMap(root));
    c.ignore("loss", "optimizer", "metrics");
    c.ignore("loss_weights", "weighted_metrics", "run_eagerly", "steps_per_execution",
        "jit_compile", "auto_scale_loss");
    c.finish();
    if (!root.has("loss") || root.get("loss").isNull()) {
      throw new SpecException("compile: a loss is required, e.g. \"categorical_crossentropy\".");
    }
    Loss loss = lossFromTree(root.get("loss"));
    Optimizer opt =
        root.has("optimizer") && !root.get("optimizer").isNull()
            ? optimizerFromTree(root.get("optimizer"))
            : Optimizer.named("rmsprop");
    List<String> metrics = new ArrayList<>();
    JsonNode m = root.path("metrics");
    if (m.isArray()) {
      for (JsonNode x : m) {
        if (!x.isTextual()) {
          throw new SpecException("compile: metrics must be names. Received: " + x);
        }
        metrics.add(x.asText());
      }
    } else if (!m.isMissingNode() && !m.isNull()) {
      throw new SpecException("compile: `metrics` must be a list of names. Received: " + m);
    }
    return new CompileOptions(loss, opt, metrics);
  }
}
