package dev.sparkdl.export;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sparkdl.engine.Tensor;
import dev.sparkdl.spec.BatchNormalization;
import dev.sparkdl.spec.CompileOptions;
import dev.sparkdl.spec.Conv1D;
import dev.sparkdl.spec.Conv2D;
import dev.sparkdl.spec.Dense;
import dev.sparkdl.spec.Embedding;
import dev.sparkdl.spec.LayerSpec;
import dev.sparkdl.spec.Pooling;
import dev.sparkdl.spec.Recurrent;
import dev.sparkdl.spec.Sequential;
import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.WritableGroup;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Array;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes a Sequential network, its compile options and weights as a Keras 3 {@code .keras}
 * archive, what {@code keras.saving.load_model} reads: a zip of
 *
 * <ul>
 *   <li>{@code metadata.json}: {@code {"keras_version": "3.x", "date_saved": "%Y-%m-%d@%H:%M:%S"}}
 *   <li>{@code config.json}: {@code {"module": "keras", "class_name": "Sequential", "config":
 *       {"name", "trainable", "dtype", "layers": [InputLayer, ...]}, "registered_name": null,
 *       "build_config": {"input_shape": [null, ...]}, "compile_config": {"optimizer", "loss",
 *       "metrics", ...}}}, each layer {@code {"module": "keras.layers", "class_name", "config",
 *       "registered_name": null, "build_config"}}
 *   <li>{@code model.weights.h5}: Keras 3's H5IOStore layout: for the i-th layer of each class a group {@code layers/<snake_case
 *       class>[_<n>]/vars} holding datasets {@code 0, 1, ...} in {@code get_weights()} order and
 *       shape (float32); recurrent layers keep theirs in {@code layers/lstm/cell/vars}. No empty
 *       groups (Keras skips what is absent; jHDF 0.10 writes an empty group before a sibling
 *       unreadably) and no attributes (Keras reads none; 3.9+ adds a {@code name} attribute).
 *       Bidirectional keeps its forward then backward layer's in {@code
 *       layers/bidirectional/forward_layer/cell/vars} and {@code .../backward_layer/cell/vars},
 *       TimeDistributed the wrapped layer's in {@code layers/time_distributed/layer/vars}.
 * </ul>
 */
public final class KerasExport {
  /** The Keras version written in metadata.json: the 3.x format this writer follows. */
  public static final String KERAS_VERSION = "3.10.0";
  /** Names of the three archive members. */
  public static final String CONFIG = "config.json";
  /** Keras' metadata member. */
  public static final String METADATA = "metadata.json";
  /** Keras' weights member. */
  public static final String WEIGHTS = "model.weights.h5";

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private KerasExport() {}

  /**
   * Writes the archive.
   *
   * @param spec the network with its input shape
   * @param compile its compile options, or null for a model without compile_config
   * @param kerasWeights the weights in Keras' {@code get_weights()} order and layout
   * @param out where the zip goes (not closed)
   * @throws IOException if writing fails
   * @throws IllegalArgumentException if the weights do not match the network
   */
  public static void write(Sequential spec, CompileOptions compile, List<Tensor> kerasWeights,
      OutputStream out) throws IOException {
    if (spec.inputShape() == null) {
      throw new IllegalArgumentException("The network has no input shape; .keras export needs"
          + " one.");
    }
    for (int i = 0; i < spec.layers().size(); i++) {
      if (spec.layers().get(i) instanceof dev.sparkdl.spec.ThresholdedReLU t) {
        throw new IllegalArgumentException("Layer " + i + " (ThresholdedReLU(theta=" + t.theta()
            + ")) cannot be written to .keras: Keras 3 has no ThresholdedReLU class. Use"
            + " ReLU(threshold=" + t.theta() + "), which computes the same, or export to ONNX.");
      }
    }
    byte[] config = MAPPER.writerWithDefaultPrettyPrinter()
        .writeValueAsBytes(config(spec, compile));
    ObjectNode meta = MAPPER.createObjectNode();
    meta.put("keras_version", KERAS_VERSION);
    meta.put("date_saved",
        LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd@HH:mm:ss")));
    byte[] weights = weightsH5(spec, kerasWeights);
    ZipOutputStream zip = new ZipOutputStream(out);
    zip.putNextEntry(new ZipEntry(METADATA));
    zip.write(MAPPER.writeValueAsBytes(meta));
    zip.closeEntry();
    zip.putNextEntry(new ZipEntry(CONFIG));
    zip.write(config);
    zip.closeEntry();
    // stored, as Keras writes it: h5py then reads it in place from the archive
    ZipEntry h5 = new ZipEntry(WEIGHTS);
    h5.setMethod(ZipEntry.STORED);
    h5.setSize(weights.length);
    h5.setCompressedSize(weights.length);
    CRC32 crc = new CRC32();
    crc.update(weights);
    h5.setCrc(crc.getValue());
    zip.putNextEntry(h5);
    zip.write(weights);
    zip.closeEntry();
    zip.finish();
  }

  /** @return Keras' names of the layers: snake_case class, then _1, _2 ... for repeats */
  public static List<String> layerNames(Sequential spec) {
    Map<String, Integer> used = new HashMap<>();
    List<String> names = new ArrayList<>();
    for (LayerSpec l : spec.layers()) {
      String base = snakeCase(l.className());
      Integer n = used.get(base);
      used.put(base, n == null ? 0 : n + 1);
      names.add(n == null ? base : base + "_" + (n + 1));
    }
    return names;
  }

  /** @return Keras' {@code naming.to_snake_case}: Conv2D to conv2d, SimpleRNN to simple_rnn */
  static String snakeCase(String name) {
    String s = name.replaceAll("\\W+", "");
    s = s.replaceAll("(.)([A-Z][a-z]+)", "$1_$2");
    return s.replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
  }

  /** @return the HDF5 group path of a layer's weights, e.g. {@code layers/dense_1/vars} */
  public static String varsPath(LayerSpec layer, String name) {
    return varsPaths(layer, name).get(0);
  }

  /**
   * @return the HDF5 groups holding a layer's weights, in Keras' {@code get_weights()} order,
   *     each holding an equal share of them: {@code layers/<name>/vars}; a recurrent layer's
   *     {@code layers/<name>/cell/vars}; Bidirectional's
   *     {@code layers/<name>/forward_layer/cell/vars} then {@code .../backward_layer/cell/vars} (Keras 3 saves each tracked attribute under its
   *     name); TimeDistributed's {@code layers/<name>/layer/vars} (the wrapped layer)
   */
  public static List<String> varsPaths(LayerSpec layer, String name) {
    return groups(layer, "layers/" + name);
  }

  private static List<String> groups(LayerSpec layer, String path) {
    if (layer instanceof dev.sparkdl.spec.Bidirectional) {
      return List.of(path + "/forward_layer/cell/vars", path + "/backward_layer/cell/vars");
    } else if (layer instanceof dev.sparkdl.spec.TimeDistributed t) {
      return groups(t.layer(), path + "/layer");
    }
    return List.of(path + (layer instanceof Recurrent ? "/cell" : "") + "/vars");
  }

  /** @return how many Keras weight arrays the layer holds, -1 for a layer spark-dl cannot export */
  static int weightCount(LayerSpec l) {
    if (l instanceof dev.sparkdl.spec.PReLU) {
      return 1;
    } else if (l instanceof dev.sparkdl.spec.LayerNormalization n) {
      return (n.scale() ? 1 : 0) + (n.center() ? 1 : 0); // gamma, then beta
    } else if (l instanceof dev.sparkdl.spec.ZeroPadding || l instanceof dev.sparkdl.spec.Cropping
        || l instanceof dev.sparkdl.spec.UpSampling || l instanceof dev.sparkdl.spec.RepeatVector
        || l instanceof dev.sparkdl.spec.Permute || l instanceof dev.sparkdl.spec.NoiseLayer) {
      return 0;
    }
    return OnnxExport.weightCount(l);
  }

  // ----- config.json -----

  static ObjectNode config(Sequential spec, CompileOptions compile) throws IOException {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("module", "keras");
    root.put("class_name", "Sequential");
    ObjectNode cfg = root.putObject("config");
    cfg.put("name", "sequential");
    cfg.put("trainable", true);
    cfg.set("dtype", dtypePolicy());
    ArrayNode layers = cfg.putArray("layers");
    ObjectNode input = layers.addObject();
    input.put("module", "keras.layers");
    input.put("class_name", "InputLayer");
    ObjectNode inCfg = input.putObject("config");
    inCfg.set("batch_shape", batchShape(spec.inputShape()));
    inCfg.put("dtype", "float32");
    inCfg.put("sparse", false);
    inCfg.put("ragged", false);
    inCfg.put("name", "input_layer");
    input.putNull("registered_name");
    List<String> names = layerNames(spec);
    List<Integer> shape = spec.inputShape();
    for (int i = 0; i < spec.layers().size(); i++) {
      LayerSpec l = spec.layers().get(i);
      ObjectNode n = layers.addObject();
      n.put("module", "keras.layers");
      n.put("class_name", l.className());
      ObjectNode c = n.putObject("config");
      c.put("name", names.get(i));
      c.put("trainable", true);
      c.set("dtype", dtypePolicy());
      ObjectNode own = MAPPER.valueToTree(l.config());
      c.setAll(own);
      extraKeys(l, c);
      nestedKeys(l, c);
      n.putNull("registered_name");
      n.putObject("build_config").set("input_shape", batchShape(shape));
      shape = l.outputShape(shape);
    }
    cfg.set("build_input_shape", batchShape(spec.inputShape()));
    root.putNull("registered_name");
    root.putObject("build_config").set("input_shape", batchShape(spec.inputShape()));
    if (compile != null) {
      root.set("compile_config", compileConfig(compile));
    }
    return root;
  }

  /** Keras 3 keys spark-dl's specs leave implicit, written with the values spark-dl computes. */
  private static void extraKeys(LayerSpec l, ObjectNode c) {
    if (l instanceof Embedding) {
      c.remove("dropout"); // Keras 1's training-time word dropout: Keras 3 has no such argument
    }
    if ((l instanceof Conv2D || l instanceof Conv1D || l instanceof Pooling)
        && !c.has("data_format")) {
      c.put("data_format", "channels_last");
    }
    if (l instanceof Conv2D || l instanceof Conv1D) {
      c.put("groups", 1);
    }
    if (l instanceof BatchNormalization) {
      c.put("axis", -1);
      c.put("center", true);
      c.put("scale", true);
    }
    if (l instanceof Recurrent r) {
      // the spec writes its own recurrent options; Keras 3's defaults fill the rest
      putIfAbsent(c, "use_bias", true);
      if (!"SimpleRNN".equals(r.kind())) {
        if (!c.has("recurrent_activation")) {
          c.put("recurrent_activation", "sigmoid");
        }
      }
      if ("LSTM".equals(r.kind())) {
        putIfAbsent(c, "unit_forget_bias", true);
      }
      if ("GRU".equals(r.kind())) {
        putIfAbsent(c, "reset_after", true);
      }
      putIfAbsent(c, "return_state", false);
      putIfAbsent(c, "go_backwards", false);
      putIfAbsent(c, "stateful", false);
      putIfAbsent(c, "unroll", false);
    }
  }

  /**
   * A wrapper's inner layers as Keras 3 writes them: named ({@code forward_lstm} and
   * {@code backward_lstm} for Bidirectional, as its constructor renames them), with the keys
   * spark-dl leaves implicit.
   */
  private static void nestedKeys(LayerSpec l, ObjectNode c) {
    if (l instanceof dev.sparkdl.spec.Bidirectional b) {
      String base = snakeCase(b.layer().className());
      innerConfig(b.layer(), (ObjectNode) c.path("layer").path("config"), "forward_" + base);
      innerConfig(b.backwardLayer(), (ObjectNode) c.path("backward_layer").path("config"),
          "backward_" + base);
    } else if (l instanceof dev.sparkdl.spec.TimeDistributed t) {
      innerConfig(t.layer(), (ObjectNode) c.path("layer").path("config"),
          snakeCase(t.layer().className()));
    }
  }

  private static void innerConfig(LayerSpec inner, ObjectNode c, String name) {
    ObjectNode own = c.deepCopy();
    c.removeAll();
    c.put("name", name);
    c.put("trainable", true);
    c.set("dtype", dtypePolicy());
    c.setAll(own);
    extraKeys(inner, c);
    nestedKeys(inner, c);
  }

  private static void putIfAbsent(ObjectNode c, String key, boolean value) {
    if (!c.has(key)) {
      c.put(key, value);
    }
  }

  private static ObjectNode compileConfig(CompileOptions compile) throws IOException {
    ObjectNode ours = (ObjectNode) MAPPER.readTree(compile.toJson());
    ObjectNode out = MAPPER.createObjectNode();
    if (ours.get("optimizer") instanceof ObjectNode opt) {
      ObjectNode o = MAPPER.createObjectNode();
      o.put("module", "keras.optimizers");
      o.setAll(opt);
      o.putNull("registered_name");
      out.set("optimizer", o);
    } else {
      out.set("optimizer", ours.get("optimizer"));
    }
    // a from_logits loss's activation is the last layer of the fitted network (the fit appends
    // it), so the exported network outputs probabilities and the loss takes them
    out.set("loss", compile.loss().fromLogits()
        ? MAPPER.readTree(compile.loss().withFromLogits(false).toJson()) : ours.get("loss"));
    out.putNull("loss_weights");
    com.fasterxml.jackson.databind.node.ArrayNode metrics = MAPPER.createArrayNode();
    for (String m : compile.metrics()) {
      dev.sparkdl.spec.MetricSpec spec = dev.sparkdl.spec.MetricSpec.parse(m);
      if (spec != null && (dev.sparkdl.spec.MetricSpec.isObject(m) || "auc".equals(spec.kind()))) {
        metrics.add(MAPPER.readTree(spec.kerasJson())); // Keras' object, with its settings
      } else {
        metrics.add(m);
      }
    }
    out.set("metrics", metrics);
    out.putNull("weighted_metrics");
    out.put("run_eagerly", false);
    out.put("steps_per_execution", 1);
    out.put("jit_compile", false);
    return out;
  }

  private static ObjectNode dtypePolicy() {
    ObjectNode p = MAPPER.createObjectNode();
    p.put("module", "keras");
    p.put("class_name", "DTypePolicy");
    p.putObject("config").put("name", "float32");
    p.putNull("registered_name");
    return p;
  }

  private static ArrayNode batchShape(List<Integer> perSample) {
    ArrayNode a = MAPPER.createArrayNode();
    a.addNull();
    perSample.forEach(a::add);
    return a;
  }

  // ----- model.weights.h5 -----

  static byte[] weightsH5(Sequential spec, List<Tensor> weights) throws IOException {
    Path tmp = Files.createTempFile("spark-dl-", ".weights.h5");
    try {
      try (WritableHdfFile h5 = HdfFile.write(tmp)) {
        WritableGroup layersGroup = h5.putGroup("layers");
        List<String> names = layerNames(spec);
        int w = 0;
        for (int i = 0; i < spec.layers().size(); i++) {
          LayerSpec l = spec.layers().get(i);
          int count = weightCount(l);
          if (count < 0) {
            throw new IllegalArgumentException("Layer " + i + " (" + l.className() + ") cannot"
                + " be exported to .keras: spark-dl does not write this layer's weights in the"
                + " .keras file layout yet. The fitted model saves and loads in spark-dl's own"
                + " format; Network.kerasWeights() gives its arrays in Keras' order and shapes.");
          }
          if (w + count > weights.size()) {
            throw new IllegalArgumentException("The weights end before layer " + i + " ("
                + l.className() + "): " + weights.size() + " arrays for this network.");
          }
          if (count == 0) {
            continue;
          }
          WritableGroup layer = layersGroup.putGroup(names.get(i));
          List<String> groups = varsPaths(l, names.get(i));
          int share = count / groups.size();
          for (String g : groups) {
            // below layers/<name>: e.g. vars, cell/vars, forward_layer/cell/vars, layer/vars
            String[] parts = g.split("/");
            WritableGroup vars = layer;
            for (int p = 2; p < parts.length; p++) {
              vars = vars.putGroup(parts[p]);
            }
            for (int k = 0; k < share; k++) {
              Tensor t = weights.get(w + k);
              vars.putDataset(Integer.toString(k), nested(t.values(), t.shape()));
            }
            w += share;
          }
        }
        if (w != weights.size()) {
          throw new IllegalArgumentException("The network uses " + w + " weight arrays but "
              + weights.size() + " were given.");
        }
      }
      return Files.readAllBytes(tmp);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** @return a Java array of {@code shape} (float[] ... float[][][][]) holding {@code flat} */
  static Object nested(float[] flat, int[] shape) {
    if (shape.length == 0) {
      return new float[] {flat[0]}; // jHDF writes arrays; a scalar weight becomes shape (1,)
    }
    Object a = Array.newInstance(float.class, shape);
    fill(a, flat, shape, 0, 0);
    return a;
  }

  private static int fill(Object a, float[] flat, int[] shape, int axis, int pos) {
    if (axis == shape.length - 1) {
      float[] row = (float[]) a;
      System.arraycopy(flat, pos, row, 0, row.length);
      return pos + row.length;
    }
    for (int i = 0; i < shape[axis]; i++) {
      pos = fill(Array.get(a, i), flat, shape, axis + 1, pos);
    }
    return pos;
  }
}
