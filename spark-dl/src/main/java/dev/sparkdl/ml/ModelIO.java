package dev.sparkdl.ml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sparkdl.callbacks.History;
import dev.sparkdl.engine.Network;
import dev.sparkdl.engine.WeightsCodec;
import dev.sparkdl.spec.CompileOptions;
import dev.sparkdl.spec.LabelMode;
import dev.sparkdl.spec.NetworkContract;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BiFunction;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsReader$;
import org.apache.spark.ml.util.DefaultParamsWriter$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWriter;

/**
 * Saving and loading spark-dl stages through Hadoop's FileSystem API (so {@code file:},
 * {@code hdfs:} and any other Hadoop scheme work). The layout is described in
 * docs/model-format.md:
 *
 * <pre>
 * PATH/metadata/        Spark ML's params metadata (class, uid, sparkVersion, paramMap, ...)
 * PATH/spark-dl.json    format version, provenance, network, compile options, history
 * PATH/weights.bin      weights and optimizer state ({@link WeightsCodec}); models only
 * </pre>
 *
 * Saves are atomic: everything is written to a hidden sibling directory which is renamed onto
 * the target at the end, so a save that fails leaves nothing at the target (and, with
 * overwrite, the previous model in place).
 */
final class ModelIO {
  /** The model directory format this release writes, and the newest it reads. */
  static final int FORMAT_VERSION = 1;
  static final String INFO = "spark-dl.json";
  static final String WEIGHTS = "weights.bin";
  private static final ObjectMapper JSON = new ObjectMapper();

  private ModelIO() {}

  /** Writes a stage; {@code state} is null for estimators. */
  static final class Writer extends MLWriter {
    private final Params stage;
    private final ModelState state;

    Writer(Params stage, ModelState state) {
      this.stage = stage;
      this.state = state;
    }

    @Override
    public void save(String path) throws IOException {
      Path target = new Path(path);
      FileSystem fs = target.getFileSystem(conf());
      target = fs.makeQualified(target);
      if (fs.exists(target) && !shouldOverwrite()) {
        throw new IOException("Path " + path + " already exists. To overwrite it, please use"
            + " write.overwrite().save(path) for Scala and use write().overwrite().save(path)"
            + " for Java and Python.");
      }
      Path tmp = sibling(target, "saving");
      try {
        saveImpl(tmp.toString());
      } catch (RuntimeException e) {
        fs.delete(tmp, true);
        throw e;
      }
      Path replaced = null;
      if (fs.exists(target)) {
        replaced = sibling(target, "replaced");
        if (!fs.rename(target, replaced)) {
          fs.delete(tmp, true);
          throw new IOException("Could not move the existing " + target + " aside to overwrite it.");
        }
      }
      if (!fs.rename(tmp, target)) {
        if (replaced != null) {
          fs.rename(replaced, target);
        }
        fs.delete(tmp, true);
        throw new IOException("Could not rename " + tmp + " to " + target + "; nothing was saved.");
      }
      if (replaced != null) {
        fs.delete(replaced, true);
      }
    }

    @Override
    public void saveImpl(String path) {
      try {
        // the SparkContext forms exist in Spark 3.5 and 4.x alike (4.x adds SparkSession ones)
        DefaultParamsWriter$.MODULE$.saveMetadata(stage, path, sparkSession().sparkContext(),
            scala.Option.empty(), scala.Option.empty());
        FileSystem fs = new Path(path).getFileSystem(conf());
        try (OutputStream out = fs.create(new Path(path, INFO), false)) {
          JSON.writerWithDefaultPrettyPrinter().writeValue(out, info());
        }
        if (state != null) {
          try (OutputStream out = fs.create(new Path(path, WEIGHTS), false)) {
            WeightsCodec.write(out, state.weights(), state.optimizer());
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("Saving " + stage.uid() + " to " + path + " failed: "
            + e.getMessage(), e);
      }
    }

    private ObjectNode info() throws IOException {
      ObjectNode n = JSON.createObjectNode();
      n.put("format", "spark-dl");
      n.put("formatVersion", FORMAT_VERSION);
      n.put("stage", stage.getClass().getName());
      n.put("kind", state == null ? "estimator" : "model");
      n.put("savedAt", Instant.now().toString());
      ObjectNode p = n.putObject("provenance");
      p.put("sparkDlVersion", Versions.sparkDl());
      p.put("sparkVersion", org.apache.spark.package$.MODULE$.SPARK_VERSION());
      p.put("djlVersion", Versions.djl());
      p.put("pytorchVersion", Versions.pytorch());
      p.put("javaVersion", System.getProperty("java.version"));
      if (stage instanceof NeuralNetParams nn) {
        p.put("seed", nn.getSeed());
      }
      if (state == null) {
        return n;
      }
      p.put("stateId", state.id());
      p.put("numFeatures", state.numFeatures());
      p.put("numClasses", state.numClasses());
      p.put("trainRows", state.trainRows());
      p.put("validationRows", state.validationRows());
      p.put("trainSeconds", state.trainSeconds());
      p.put("conversionSeconds", state.conversionSeconds());
      n.set("network", JSON.readTree(state.spec().toJson()));
      n.set("compile", JSON.readTree(state.compile().toJson()));
      LabelMode label = state.contract().label();
      ObjectNode l = n.putObject("label");
      l.put("kind", label.kind().name());
      l.put("classes", label.classes());
      l.put("oneHot", label.oneHot());
      ArrayNode h = n.putArray("history");
      for (History.Epoch e : state.history().epochs()) {
        ObjectNode o = h.addObject();
        o.put("epoch", e.epoch());
        o.put("seconds", e.seconds());
        ObjectNode logs = o.putObject("logs");
        e.logs().forEach(logs::put);
      }
      ObjectNode w = n.putObject("weights");
      w.put("file", WEIGHTS);
      w.put("arrays", state.weights().size());
      w.put("values", state.weights().totalValues());
      w.put("optimizerState", state.optimizer() != null);
      return n;
    }

    private Configuration conf() {
      return sc().hadoopConfiguration();
    }
  }

  /**
   * Reads a stage, checking every piece before building it.
   *
   * @param <T> the stage type
   */
  static final class Reader<T extends Params> extends MLReader<T> {
    private final Class<T> type;
    private final BiFunction<String, ModelState, T> factory;

    /**
     * @param type the stage class expected in the directory
     * @param factory builds the stage from its uid and state (state null for estimators)
     */
    Reader(Class<T> type, BiFunction<String, ModelState, T> factory) {
      this.type = type;
      this.factory = factory;
    }

    @Override
    public T load(String path) {
      try {
        return loadChecked(path);
      } catch (ModelLoadException e) {
        throw e;
      } catch (Exception e) {
        // whatever a damaged directory makes Spark (SparkException is checked but thrown from
        // Scala), Hadoop or Jackson throw: one documented type
        throw new ModelLoadException("Cannot load " + type.getSimpleName() + " from " + path
            + ": its files are damaged or were not written by spark-dl ("
            + e.getClass().getSimpleName() + ": " + firstLine(e.getMessage()) + "). Restore the"
            + " directory from a copy or save the model again.", e);
      }
    }

    private static String firstLine(String message) {
      if (message == null) {
        return "no message";
      }
      String line = message.strip().lines().findFirst().orElse("");
      return line.length() > 300 ? line.substring(0, 300) + "..." : line;
    }

    private T loadChecked(String path) throws IOException {
      Configuration conf = sc().hadoopConfiguration();
      Path dir = new Path(path);
      FileSystem fs = dir.getFileSystem(conf);
      String what = type.getSimpleName();
      if (!fs.exists(dir)) {
        throw new ModelLoadException("Cannot load " + what + ": " + path + " does not exist.");
      }
      if (!fs.exists(new Path(dir, "metadata"))) {
        throw new ModelLoadException("Cannot load " + what + " from " + path + ": it is not a"
            + " saved Spark ML stage (there is no metadata/ directory).");
      }
      DefaultParamsReader.Metadata meta =
          DefaultParamsReader$.MODULE$.loadMetadata(path, sparkSession().sparkContext(), "");
      if (!type.getName().equals(meta.className())) {
        throw new ModelLoadException("Cannot load " + what + " from " + path + ": the directory"
            + " holds a " + meta.className() + " (saved by Spark " + meta.sparkVersion()
            + "), not a " + type.getName() + ". Load it with " + simple(meta.className())
            + ".load(path).");
      }
      Path infoPath = new Path(dir, INFO);
      if (!fs.exists(infoPath)) {
        throw new ModelLoadException("Cannot load " + what + " from " + path + ": it has Spark"
            + " metadata but no " + INFO + "; it is incomplete (written by a save that did not"
            + " finish?). Save the model again.");
      }
      JsonNode info;
      try (InputStream in = fs.open(infoPath)) {
        info = JSON.readTree(in);
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new ModelLoadException("Cannot load " + what + " from " + path + ": " + INFO
            + " is not valid JSON (" + e.getOriginalMessage() + ").", e);
      }
      int version = info.path("formatVersion").asInt(-1);
      if (version < 1) {
        throw new ModelLoadException("Cannot load " + what + " from " + path + ": " + INFO
            + " has no formatVersion.");
      }
      if (version > FORMAT_VERSION) {
        throw new ModelLoadException("Cannot load " + what + " from " + path + ": this is"
            + " format " + version + " (written by spark-dl "
            + info.path("provenance").path("sparkDlVersion").asText("?") + "), this release ("
            + Versions.sparkDl() + ") reads up to format " + FORMAT_VERSION + ".");
      }
      ModelState state = null;
      if (!info.has("network")) {
        if (info.path("kind").asText().equals("model")) {
          throw new ModelLoadException("Cannot load " + what + " from " + path + ": " + INFO
              + " lacks the network.");
        }
      } else {
        state = readState(fs, dir, info, what, path);
      }
      T stage = factory.apply(meta.uid(), state);
      meta.getAndSetParams(stage, meta.getAndSetParams$default$2());
      return stage;
    }

    private ModelState readState(FileSystem fs, Path dir, JsonNode info, String what, String path)
        throws IOException {
      Path weightsPath = new Path(dir, WEIGHTS);
      if (!fs.exists(weightsPath)) {
        throw new ModelLoadException("Cannot load " + what + " from " + path + ": the weights"
            + " file " + WEIGHTS + " is missing.");
      }
      WeightsCodec.Decoded decoded;
      try (InputStream in = fs.open(weightsPath)) {
        decoded = WeightsCodec.read(in, WEIGHTS);
      } catch (org.apache.hadoop.fs.ChecksumException e) {
        throw new ModelLoadException("Cannot load " + what + " from " + path + ": the weights"
            + " file " + WEIGHTS + " is damaged: it does not match the checksum saved beside it"
            + " (." + WEIGHTS + ".crc), so it was cut short or changed after the save (at byte "
            + e.getPos() + "). Save the model again, or copy the directory again from where it"
            + " was saved.", e);
      } catch (IOException e) {
        throw new ModelLoadException("Cannot load " + what + " from " + path + ": the weights"
            + " file " + WEIGHTS + " is damaged (" + e.getMessage() + "). Save the model again,"
            + " or copy the directory again from where it was saved.", e);
      }
      String spec = info.get("network").toString();
      String compile = info.path("compile").toString();
      dev.sparkdl.spec.Sequential sequential;
      CompileOptions options;
      try {
        sequential = dev.sparkdl.spec.Sequential.fromJson(spec);
        options = CompileOptions.fromJson(compile);
        if (sequential.inputShape() != null) {
          // a damaged or hostile spark-dl.json must not make the loader allocate without bound
          dev.sparkdl.spec.SizeLimits.check(sequential);
        }
      } catch (IllegalArgumentException e) {
        throw new ModelLoadException("Cannot load " + what + " from " + path + ": the network"
            + " or compile options in " + INFO + " are invalid: " + e.getMessage(), e);
      }
      try (Network net = Network.create(sequential, options, 0)) {
        net.setWeights(decoded.weights());
        if (decoded.optimizer() != null) {
          net.setOptimizerState(decoded.optimizer());
        }
      } catch (IllegalArgumentException e) {
        throw new ModelLoadException("Cannot load " + what + " from " + path + ": the weights in "
            + WEIGHTS + " do not match the network in " + INFO + ": " + e.getMessage(), e);
      }
      JsonNode p = info.path("provenance");
      History history = new History();
      for (JsonNode e : info.path("history")) {
        Map<String, Double> logs = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = e.path("logs").fields();
        while (it.hasNext()) {
          Map.Entry<String, JsonNode> kv = it.next();
          logs.put(kv.getKey(), kv.getValue().asDouble());
        }
        history.add(new History.Epoch(e.path("epoch").asInt(), e.path("seconds").asDouble(), logs));
      }
      LabelMode label;
      try {
        label = labelForm(info.path("label"), p.path("numClasses").asInt(), options);
      } catch (IllegalArgumentException e) {
        throw new ModelLoadException("Cannot load " + what + " from " + path + ": the label form"
            + " in " + INFO + " is invalid (" + info.path("label") + "): " + e.getMessage(), e);
      }
      NetworkContract contract = NetworkContract.of(sequential, options, label);
      return new ModelState(p.path("stateId").asText(UUID.randomUUID().toString()), contract,
          decoded.weights(), decoded.optimizer(), history, List.of(),
          p.path("numFeatures").asInt(), p.path("trainRows").asLong(),
          p.path("validationRows").asLong(), p.path("conversionSeconds").asDouble(),
          p.path("trainSeconds").asDouble());
    }
  }

  /**
   * The label form a model was trained with: saved since the network contract; for models saved
   * before, derived from the class count and the loss as the fit derived it.
   */
  private static LabelMode labelForm(JsonNode saved, int numClasses, CompileOptions options) {
    if (saved.isObject()) {
      return new LabelMode(LabelMode.Kind.valueOf(saved.path("kind").asText()),
          saved.path("classes").asInt(), saved.path("oneHot").asBoolean());
    }
    if (numClasses == 0) {
      return new LabelMode(LabelMode.Kind.VALUE, 0, false);
    }
    return new LabelMode(LabelMode.Kind.CLASS_INDEX, numClasses,
        !"binary_crossentropy".equals(options.loss().name()));
  }

  private static Path sibling(Path target, String what) {
    return new Path(target.getParent(), "." + target.getName() + "." + what + "-"
        + UUID.randomUUID().toString().substring(0, 8));
  }

  private static String simple(String className) {
    int dot = className.lastIndexOf('.');
    return dot < 0 ? className : className.substring(dot + 1);
  }
}
