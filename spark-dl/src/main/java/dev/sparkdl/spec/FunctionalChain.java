package dev.sparkdl.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a Keras functional model ({@code "class_name": "Model"} in Keras 2 and tf.keras,
 * {@code "Functional"} in Keras 2.4+ and 3) whose graph is one chain — one input, each layer
 * called once on the output of the layer before it, one output — as the Sequential it is.
 *
 * <p>Many users write {@code x = Input(...); x = Dense(...)(x); ...; Model(inputs, x)} for a
 * network that has no branch at all. Such a model computes exactly what the Sequential of the
 * same layers computes, and its weights are stored per layer name as a Sequential's are. A graph
 * with a branch, a merge, several inputs or outputs, a layer called twice or a nested model is
 * refused with the layer that breaks the chain.
 */
public final class FunctionalChain {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private FunctionalChain() {}

  /**
   * @param root a parsed model JSON
   * @return true if it is a functional model ({@code Model} or {@code Functional})
   */
  public static boolean isFunctional(JsonNode root) {
    String cls = root.path("class_name").asText("");
    return "Model".equals(cls) || "Functional".equals(cls);
  }

  /**
   * The Sequential form of a chain-shaped functional model: {@code {"class_name": "Sequential",
   * "config": {"name", "layers": [InputLayer, layer, ...]}}}, layers in the order the data flows,
   * each with its class name and config (and its name); the root's other keys (such as {@code
   * keras_version}) are kept.
   *
   * @param root a functional model's JSON (see {@link #isFunctional})
   * @return the equivalent Sequential JSON
   * @throws SpecException if the graph is not a single chain, naming where it branches
   */
  public static ObjectNode asSequential(JsonNode root) {
    JsonNode cfg = root.path("config");
    JsonNode layers = cfg.path("layers");
    String model = "The functional model '" + cfg.path("name").asText("model") + "'";
    if (!layers.isArray() || layers.isEmpty()) {
      throw new SpecException(model + " has no `layers` list in its config.");
    }
    Map<String, JsonNode> byName = new LinkedHashMap<>();
    Map<String, String> producerOf = new HashMap<>();
    Map<String, String> consumerOf = new HashMap<>();
    for (JsonNode layer : layers) {
      String name = layer.path("name").asText(layer.path("config").path("name").asText(""));
      String cls = layer.path("class_name").asText("");
      if (name.isEmpty()) {
        throw new SpecException(model + ": a layer (" + cls + ") has no name.");
      }
      if ("Sequential".equals(cls) || isFunctional(layer)) {
        throw new SpecException(model + " holds a nested model '" + name + "' (" + cls
            + "). Only a chain of layers can be read: rebuild it with the nested model's layers"
            + " in place.");
      }
      byName.put(name, layer);
      if ("InputLayer".equals(cls)) {
        continue;
      }
      String from = inboundOf(model, name, cls, layer.path("inbound_nodes"));
      if (consumerOf.containsKey(from)) {
        throw new SpecException(model + " is not a chain: the output of '" + from
            + "' feeds both '" + consumerOf.get(from) + "' and '" + name + "'. Only functional"
            + " models without branches can be read (as Sequential).");
      }
      consumerOf.put(from, name);
      producerOf.put(name, from);
    }
    String input = single(model, "input", cfg.path("input_layers"));
    String output = single(model, "output", cfg.path("output_layers"));
    JsonNode inputLayer = byName.get(input);
    if (inputLayer == null || !"InputLayer".equals(inputLayer.path("class_name").asText())) {
      throw new SpecException(model + ": its input '" + input + "' is not an InputLayer of the"
          + " model.");
    }
    List<JsonNode> chain = new ArrayList<>();
    chain.add(inputLayer);
    String at = input;
    while (!at.equals(output)) {
      String next = consumerOf.get(at);
      if (next == null) {
        throw new SpecException(model + " is not a chain: nothing takes the output of '" + at
            + "', which is not the model's output '" + output + "'.");
      }
      chain.add(byName.get(next));
      at = next;
    }
    if (chain.size() != byName.size()) {
      List<String> off = new ArrayList<>(byName.keySet());
      chain.forEach(l -> off.remove(l.path("name").asText(l.path("config").path("name").asText())));
      throw new SpecException(model + " is not a chain: the layers " + off + " are not on the"
          + " path from its input '" + input + "' to its output '" + output + "'.");
    }
    ObjectNode out = MAPPER.createObjectNode();
    root.fields().forEachRemaining(e -> {
      if (!"class_name".equals(e.getKey()) && !"config".equals(e.getKey())) {
        out.set(e.getKey(), e.getValue());
      }
    });
    out.put("class_name", "Sequential");
    ObjectNode seqCfg = out.putObject("config");
    seqCfg.put("name", cfg.path("name").asText("sequential"));
    ArrayNode list = seqCfg.putArray("layers");
    for (JsonNode l : chain) {
      ObjectNode copy = list.addObject();
      copy.set("class_name", l.get("class_name"));
      ObjectNode c = l.path("config").isObject()
          ? ((ObjectNode) l.get("config")).deepCopy() : MAPPER.createObjectNode();
      if (!c.has("name") && l.has("name")) {
        c.set("name", l.get("name"));
      }
      copy.set("config", c);
    }
    return out;
  }

  /** The name of the one layer whose output a layer takes, from Keras 2's or 3's form. */
  private static String inboundOf(String model, String name, String cls, JsonNode nodes) {
    String where = model + ": layer '" + name + "' (" + cls + ")";
    if (!nodes.isArray() || nodes.size() != 1) {
      throw new SpecException(where + (nodes.isArray() && nodes.size() > 1
          ? " is called " + nodes.size() + " times (shared weights)" : " has no input")
          + ". Only a chain of layers, each called once, can be read (as Sequential).");
    }
    JsonNode node = nodes.get(0);
    if (node.isArray()) { // Keras 2: [[name, node_index, tensor_index, kwargs], ...]
      if (node.size() != 1 || !node.get(0).isArray() || !node.get(0).path(0).isTextual()) {
        throw new SpecException(where + " takes " + node.size() + " inputs. Only a chain of"
            + " layers with one input each can be read (as Sequential).");
      }
      JsonNode t = node.get(0);
      checkKwargs(where, t.path(3));
      if (t.path(2).asInt(0) != 0) {
        throw new SpecException(where + " takes output " + t.path(2).asInt() + " of '"
            + t.get(0).asText() + "'. Only single-output layers can be chained.");
      }
      return t.get(0).asText();
    }
    // Keras 3: {"args": [tensor], "kwargs": {...}}, a tensor being {"class_name":
    // "__keras_tensor__", "config": {"keras_history": [name, node_index, tensor_index]}}
    JsonNode args = node.path("args");
    if (!args.isArray() || args.size() != 1 || !args.get(0).isObject()) {
      throw new SpecException(where + " takes " + (args.isArray() && args.size() == 1
          ? "a list of inputs" : args.size() + " inputs") + ". Only a chain of layers with one"
          + " input each can be read (as Sequential).");
    }
    JsonNode history = args.get(0).path("config").path("keras_history");
    if (!history.isArray() || !history.path(0).isTextual()) {
      throw new SpecException(where + ": its input is not a Keras tensor with a keras_history.");
    }
    checkKwargs(where, node.path("kwargs"));
    if (history.path(2).asInt(0) != 0) {
      throw new SpecException(where + " takes output " + history.path(2).asInt() + " of '"
          + history.get(0).asText() + "'. Only single-output layers can be chained.");
    }
    return history.get(0).asText();
  }

  /** Call arguments change what a layer computes ({@code training=True}): refused. */
  private static void checkKwargs(String where, JsonNode kwargs) {
    if (kwargs.isMissingNode() || kwargs.isNull()) {
      return;
    }
    kwargs.fields().forEachRemaining(e -> {
      if (!e.getValue().isNull()) {
        throw new SpecException(where + " is called with the argument " + e.getKey() + "="
            + e.getValue() + ", which a Sequential layer cannot take. Rebuild the model without"
            + " it.");
      }
    });
  }

  /** The single input or output layer name from Keras 2's or 3's form. */
  private static String single(String model, String what, JsonNode refs) {
    if (refs.isArray() && refs.size() == 3 && refs.get(0).isTextual()) {
      return refs.get(0).asText(); // Keras 3 may write one reference unwrapped
    }
    if (!refs.isArray() || refs.size() != 1 || !refs.get(0).isArray()
        || !refs.get(0).path(0).isTextual()) {
      throw new SpecException(model + " has " + (refs.isArray() ? refs.size() : 0) + " "
          + what + "s" + ". Only models with one input and one output can be read (as"
          + " Sequential).");
    }
    return refs.get(0).get(0).asText();
  }
}
