package dev.sparkdl.ml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparkdl.engine.Tensor;
import io.jhdf.HdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Reads what Keras writes: a Keras 2 whole-model {@code .h5} (root attributes {@code
 * model_config} and {@code training_config}, weights under {@code
 * model_weights/<layer>/<layer>/<var>:0} in each layer's {@code weight_names} order), a weights-only
 * {@code .h5} ({@code save_weights}: the layer groups at the root) with its architecture JSON, and a
 * Keras 3 {@code .keras} zip ({@code config.json} with {@code compile_config}, {@code
 * model.weights.h5} with {@code layers/<name>/vars/0..n}, {@code metadata.json}). Any Hadoop path:
 * files on other file systems are copied to a local temporary file first (jhdf reads local files).
 */
final class KerasFiles {
  private static final ObjectMapper JSON = new ObjectMapper();

  private KerasFiles() {}

  /**
   * What a Keras file holds.
   *
   * @param modelConfig the architecture JSON ({@code model.to_json()})
   * @param compileConfig Keras' compile arguments as JSON ({@code training_config} or {@code
   *     compile_config}), or null when the file has none
   * @param weights each layer's weight arrays in Keras' order, by layer name
   * @param kerasVersion the Keras version that wrote the file, or "unknown"
   * @param format {@code h5}, {@code h5-weights} or {@code keras}
   */
  record Contents(String modelConfig, String compileConfig, Map<String, List<Tensor>> weights,
      String kerasVersion, String format) {}

  /** Reads a whole-model {@code .h5} or a {@code .keras} zip. */
  static Contents read(String path, Configuration conf) {
    try {
      return readWholeModel(path, conf);
    } catch (IllegalArgumentException | UncheckedIOException e) {
      throw e;
    } catch (RuntimeException e) {
      throw unreadable(path, e);
    }
  }

  /**
   * A file the HDF5 reader cannot parse: not HDF5 at all, or cut short.
   *
   * @return the exception to throw, naming the file, what it should be and how to fix it
   */
  static IllegalArgumentException unreadable(String path, RuntimeException e) {
    String m = String.valueOf(e.getMessage());
    boolean signature = m.contains("signature") || m.contains("superblock");
    return new IllegalArgumentException(path + (signature
        ? " is not an HDF5 file (a Keras .h5) nor a .keras zip"
        : " is damaged: the HDF5 reader failed inside it (truncated or partly copied?)")
        + " (" + e.getClass().getSimpleName() + ": " + m + "). Give a file written by Keras'"
        + " model.save(...) or save_weights(...)" + (signature ? "" : ", copied again in full")
        + ".", e);
  }

  private static Contents readWholeModel(String path, Configuration conf) {
    try (Local local = Local.of(path, conf)) {
      if (isZip(local.file)) {
        return readKeras3(local.file, path);
      }
      try (HdfFile h5 = new HdfFile(local.file)) {
        String config = stringAttribute(h5, "model_config");
        if (config == null) {
          throw new IllegalArgumentException(path + " holds no model_config attribute: it is not a"
              + " whole model saved by Keras' model.save(). For a file of save_weights(), give"
              + " the architecture JSON too (KerasModels.load(weightsPath, jsonPath)).");
        }
        Node weights = h5.getChild("model_weights");
        if (!(weights instanceof Group g)) {
          throw new IllegalArgumentException(path + " has a model_config but no model_weights"
              + " group (saved with include_optimizer only?).");
        }
        String version = stringAttribute(h5, "keras_version");
        return new Contents(config, keras2Compile(stringAttribute(h5, "training_config")),
            keras2Weights(g, path), version == null ? "unknown" : version, "h5");
      }
    }
  }

  /** Reads a weights-only file (Keras 2 {@code save_weights} .h5) and an architecture JSON. */
  static Contents read(String weightsPath, String jsonPath, Configuration conf) {
    try {
      return readWeights(weightsPath, jsonPath, conf);
    } catch (IllegalArgumentException | UncheckedIOException e) {
      throw e;
    } catch (RuntimeException e) {
      throw unreadable(weightsPath, e);
    }
  }

  private static Contents readWeights(String weightsPath, String jsonPath, Configuration conf) {
    String json = readText(jsonPath, conf);
    try (Local local = Local.of(weightsPath, conf)) {
      if (isZip(local.file)) {
        Contents c = readKeras3(local.file, weightsPath);
        return new Contents(json, c.compileConfig(), c.weights(), c.kerasVersion(), c.format());
      }
      try (HdfFile h5 = new HdfFile(local.file)) {
        if (h5.getChild("layers") instanceof Group layers) {
          return new Contents(json, null, keras3Weights(layers), "3", "h5-weights");
        }
        // a whole-model file given with an architecture JSON: its weights and compile options
        Group g = h5.getChild("model_weights") instanceof Group mw ? mw : h5;
        String version = stringAttribute(g, "keras_version");
        String compile = keras2Compile(stringAttribute(h5, "training_config"));
        return new Contents(json, compile, keras2Weights(g, weightsPath),
            version == null ? "unknown" : version, "h5-weights");
      }
    }
  }

  /** Reads the datasets of one group of a Keras {@code *_inputs_and_outputs.h5} file. */
  static Map<String, Tensor> datasets(String path, String group, Configuration conf) {
    try (Local local = Local.of(path, conf); HdfFile h5 = new HdfFile(local.file)) {
      Map<String, Tensor> out = new LinkedHashMap<>();
      if (h5.getChild(group) instanceof Group g) {
        for (Node n : g) {
          if (n instanceof Dataset d) {
            out.put(n.getName(), tensor(d));
          }
        }
      }
      return out;
    }
  }

  // ----- Keras 2 -----

  private static Map<String, List<Tensor>> keras2Weights(Group root, String path) {
    Map<String, List<Tensor>> out = new LinkedHashMap<>();
    for (String layer : stringList(root.getAttribute("layer_names"))) {
      Node n = root.getChild(layer);
      if (!(n instanceof Group lg)) {
        throw new IllegalArgumentException(path + ": layer_names lists " + layer
            + " but the file has no group of that name.");
      }
      List<Tensor> ws = new ArrayList<>();
      for (String w : stringList(lg.getAttribute("weight_names"))) {
        Node d = lg.getByPath(w);
        if (!(d instanceof Dataset ds)) {
          throw new IllegalArgumentException(path + ": weight " + w + " of layer " + layer
              + " is not a dataset.");
        }
        ws.add(tensor(ds));
      }
      out.put(layer, ws);
    }
    return out;
  }

  /**
   * Keras 2's {@code training_config} ({@code optimizer_config}, {@code loss}, {@code metrics})
   * as the compile JSON spark-dl reads; metrics that are not plain names are left out.
   */
  private static String keras2Compile(String trainingConfig) {
    if (trainingConfig == null) {
      return null;
    }
    try {
      JsonNode t = JSON.readTree(trainingConfig);
      var n = JSON.createObjectNode();
      n.set("loss", t.path("loss"));
      if (t.has("optimizer_config")) {
        n.set("optimizer", t.get("optimizer_config"));
      }
      n.set("metrics", names(t.path("metrics")));
      return JSON.writeValueAsString(n);
    } catch (IOException e) {
      return null;
    }
  }

  // ----- Keras 3 -----

  private static Contents readKeras3(java.nio.file.Path zip, String path) {
    String config = null;
    String metadata = null;
    java.nio.file.Path weights = null;
    try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
      for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
        switch (e.getName()) {
          case "config.json" -> config = new String(in.readAllBytes(), StandardCharsets.UTF_8);
          case "metadata.json" -> metadata = new String(in.readAllBytes(), StandardCharsets.UTF_8);
          case "model.weights.h5" -> {
            weights = Files.createTempFile("sparkdl-keras-", ".weights.h5");
            Files.copy(in, weights, StandardCopyOption.REPLACE_EXISTING);
          }
          default -> { }
        }
      }
      if (config == null || weights == null) {
        throw new IllegalArgumentException(path + " is a zip without config.json and"
            + " model.weights.h5: not a .keras file written by Keras 3.");
      }
      JsonNode root = JSON.readTree(config);
      String compile = null;
      JsonNode cc = root.path("compile_config");
      if (cc.isObject()) {
        var n = JSON.createObjectNode();
        n.set("loss", cc.path("loss"));
        if (cc.has("optimizer")) {
          n.set("optimizer", cc.get("optimizer"));
        }
        n.set("metrics", names(cc.path("metrics")));
        compile = JSON.writeValueAsString(n);
      }
      String version = metadata == null ? "3"
          : JSON.readTree(metadata).path("keras_version").asText("3");
      try (HdfFile h5 = new HdfFile(weights)) {
        Group layers = h5.getChild("layers") instanceof Group g ? g
            : h5.getChild("_layer_checkpoint_dependencies") instanceof Group g2 ? g2 : null;
        if (layers == null) {
          throw new IllegalArgumentException(path + ": model.weights.h5 has no layers/ group.");
        }
        return new Contents(config, compile, keras3Weights(layers), version, "keras");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + path + ": " + e.getMessage(), e);
    } finally {
      if (weights != null) {
        weights.toFile().delete();
      }
    }
  }

  /** Keras 3: {@code <name>/vars/0..n}, then nested objects' vars (an RNN's {@code cell}). */
  private static Map<String, List<Tensor>> keras3Weights(Group layers) {
    Map<String, List<Tensor>> out = new LinkedHashMap<>();
    for (Node n : layers) {
      if (n instanceof Group g) {
        List<Tensor> ws = new ArrayList<>();
        collectVars(g, ws);
        out.put(n.getName(), ws);
      }
    }
    return out;
  }

  private static void collectVars(Group g, List<Tensor> into) {
    if (g.getChild("vars") instanceof Group vars) {
      TreeMap<Integer, Tensor> ordered = new TreeMap<>();
      for (Node v : vars) {
        if (v instanceof Dataset d) {
          ordered.put(Integer.parseInt(v.getName()), tensor(d));
        }
      }
      into.addAll(ordered.values());
    }
    List<Group> subs = new ArrayList<>();
    for (Node c : g) {
      if (c instanceof Group sub && !"vars".equals(c.getName())) {
        subs.add(sub);
      }
    }
    // Bidirectional: Keras' order is the forward layer's weights, then the backward layer's,
    // whatever order the file lists the two groups in
    subs.sort(java.util.Comparator.comparingInt(
        sub -> "forward_layer".equals(sub.getName()) ? 0 : 1));
    for (Group sub : subs) {
      collectVars(sub, into);
    }
  }

  // ----- helpers -----

  private static boolean isWholeEpochMetric(JsonNode m) {
    try {
      return dev.sparkdl.spec.MetricSpec.parse(m.toString()) != null;
    } catch (RuntimeException e) {
      return false; // a setting spark-dl does not support: the name alone, as before
    }
  }

  private static JsonNode names(JsonNode metrics) {
    var list = JSON.createArrayNode();
    if (metrics.isArray()) {
      for (JsonNode m : metrics) {
        if (m.isTextual()) {
          list.add(m.asText());
        } else if (m.isArray()) {
          names(m).forEach(list::add);
        } else if (m.isObject() && isWholeEpochMetric(m)) {
          list.add(m.toString()); // auc, precision, f1_score ... with their settings
        } else if (m.isObject() && m.path("config").path("name").isTextual()) {
          list.add(m.path("config").path("name").asText());
        }
      }
    } else if (metrics.isObject()) {
      metrics.forEach(v -> names(v.isArray() ? v : JSON.createArrayNode().add(v)).forEach(list::add));
    }
    return list;
  }

  static Tensor tensor(Dataset d) {
    int[] dims = d.getDimensions();
    Object flat = d.getDataFlat();
    float[] v;
    if (flat instanceof float[] f) {
      v = f;
    } else if (flat instanceof double[] x) {
      v = new float[x.length];
      for (int i = 0; i < v.length; i++) {
        v[i] = (float) x[i];
      }
    } else {
      throw new IllegalArgumentException("dataset " + d.getPath() + " holds "
          + d.getJavaType() + ", not floats");
    }
    if (dims.length == 0) {
      return new Tensor(new int[0], v);
    }
    return new Tensor(dims, v);
  }

  private static String stringAttribute(Node n, String name) {
    Attribute a = n.getAttribute(name);
    if (a == null) {
      return null;
    }
    Object d = a.getData();
    if (d instanceof String s) {
      return s;
    }
    if (d instanceof byte[] b) {
      return new String(b, StandardCharsets.UTF_8);
    }
    return String.valueOf(d);
  }

  private static List<String> stringList(Attribute a) {
    List<String> out = new ArrayList<>();
    if (a == null) {
      return out;
    }
    Object d = a.getData();
    if (d instanceof Object[] arr) {
      for (Object o : arr) {
        out.add(o instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(o));
      }
    } else if (d instanceof String s) {
      out.add(s);
    }
    return out;
  }

  private static boolean isZip(java.nio.file.Path f) {
    try (InputStream in = Files.newInputStream(f)) {
      byte[] b = in.readNBytes(4);
      return b.length == 4 && b[0] == 'P' && b[1] == 'K' && b[2] == 3 && b[3] == 4;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String readText(String path, Configuration conf) {
    Path p = new Path(path);
    try {
      FileSystem fs = p.getFileSystem(conf);
      if (!fs.exists(p)) {
        throw new IllegalArgumentException("Cannot read " + path + ": no such file.");
      }
      try (InputStream in = fs.open(p)) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + path + ": " + e.getMessage(), e);
    }
  }

  /** A local copy of a Hadoop path (the file itself when it is already local). */
  private static final class Local implements AutoCloseable {
    final java.nio.file.Path file;
    private final boolean temporary;

    private Local(java.nio.file.Path file, boolean temporary) {
      this.file = file;
      this.temporary = temporary;
    }

    static Local of(String path, Configuration conf) {
      Path p = new Path(path);
      try {
        FileSystem fs = p.getFileSystem(conf);
        if (!fs.exists(p)) {
          throw new IllegalArgumentException("Cannot read " + path + ": no such file.");
        }
        if (fs instanceof LocalFileSystem local) {
          return new Local(local.pathToFile(p).toPath(), false);
        }
        java.nio.file.Path tmp = Files.createTempFile("sparkdl-keras-", ".h5");
        try (InputStream in = fs.open(p)) {
          Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
        }
        return new Local(tmp, true);
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot read " + path + ": " + e.getMessage(), e);
      }
    }

    @Override
    public void close() {
      if (temporary) {
        file.toFile().delete();
      }
    }
  }
}
