package dev.sparkdl.ml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparkdl.callbacks.History;
import dev.sparkdl.engine.Network;
import dev.sparkdl.engine.Tensor;
import dev.sparkdl.engine.WeightSnapshot;
import dev.sparkdl.spec.CompileOptions;
import dev.sparkdl.spec.FunctionalChain;
import dev.sparkdl.spec.LabelMode;
import dev.sparkdl.spec.Loss;
import dev.sparkdl.spec.Metrics;
import dev.sparkdl.spec.NetworkContract;
import dev.sparkdl.spec.Optimizer;
import dev.sparkdl.spec.OutputHead;
import dev.sparkdl.spec.Sequential;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;

/**
 * Keras models in: a Keras 2 whole-model {@code .h5}, a weights-only {@code .h5} with its
 * architecture JSON, or a Keras 3 {@code .keras} zip become a fitted {@link
 * NeuralNetClassificationModel} (softmax or sigmoid output) or {@link NeuralNetRegressionModel}
 * (one linear output) that scores DataFrames, saves like any model and trains on through {@code
 * setInitialModel}.
 *
 * <pre>{@code
 * NeuralNetModel m = KerasModels.load("hdfs:///models/mnist_mlp.h5");
 * m.transform(test);
 * new NeuralNetClassifier().setLayers(m.network()).setInitialModel(m).fit(train);
 * }</pre>
 *
 * <p>The compile arguments saved in the file ({@code training_config} of Keras 2, {@code
 * compile_config} of Keras 3: loss, optimizer with its arguments, metrics) become the model's;
 * without them, or when they do not fit the task, the defaults apply (the loss the output layer
 * implies, adam, accuracy or mse). Keras' optimizer state is not imported: a warm start begins
 * with fresh optimizer moments.
 */
public final class KerasModels {
  private static final ObjectMapper JSON = new ObjectMapper();

  private KerasModels() {}

  /** What the imported model is. */
  public enum Task {
    /** From the output layer: softmax or sigmoid is classification, anything else regression. */
    AUTO,
    /** A {@link NeuralNetClassificationModel}. */
    CLASSIFICATION,
    /** A {@link NeuralNetRegressionModel}. */
    REGRESSION
  }

  /**
   * A Keras file read and checked against spark-dl's network: the architecture, the compile
   * options found in the file, the weights in Keras' order.
   *
   * @param source the path read
   * @param network the architecture, with its input shape
   * @param compile the compile options saved in the file, or null when it has none (or they
   *     were refused: see {@code compileNote})
   * @param compileNote why the file's compile options were not used, or null
   * @param weights every weight array in Keras' {@code get_weights()} order and layout
   * @param kerasVersion the Keras version that wrote the file
   * @param format {@code h5} (whole model), {@code h5-weights} (with a JSON) or {@code keras}
   * @param declaredShape the per-sample input shape the file declares, {@code null} for an
   *     unknown axis (e.g. {@code [null, 3]}: sequences of any length), or null if it declares
   *     none
   */
  public record Imported(String source, Sequential network, CompileOptions compile,
      String compileNote, List<Tensor> weights, String kerasVersion, String format,
      List<Integer> declaredShape) {

    /**
     * The same model for inputs of a given shape: for a file whose input has unknown axes
     * ({@code Input(shape=(None, 3))}, an {@code Embedding} without {@code input_length}), the
     * length to score and train with. The weights are checked against the network then.
     *
     * @param shape the per-sample input shape, every axis known; the file's known axes must
     *     match
     * @return the imported model with that input shape
     * @throws IllegalArgumentException if the shape does not fit the file's or the weights
     */
    public Imported withInputShape(int... shape) {
      List<Integer> given = java.util.Arrays.stream(shape).boxed().toList();
      List<Integer> known = network.inputShape() != null ? network.inputShape() : declaredShape;
      boolean fits = known == null || known.size() == given.size();
      for (int i = 0; fits && i < given.size(); i++) {
        fits = given.get(i) > 0 && (known == null || known.get(i) == null
            || known.get(i).equals(given.get(i)));
      }
      if (!fits) {
        throw new IllegalArgumentException(source + ": the input shape " + given + " does not"
            + " fit the file's " + known + " (null: any size). Give a positive size for each"
            + " axis and the file's size where it has one.");
      }
      Sequential shaped = network.inputShape(shape);
      checkWeights(source, shaped, weights);
      return new Imported(source, shaped, compile, compileNote, weights, kerasVersion, format,
          declaredShape);
    }

    private Sequential shaped() {
      if (network.inputShape() == null) {
        throw new IllegalArgumentException(source + ": the architecture's input shape "
            + (declaredShape == null ? "is not declared" : declaredShape + " has unknown axes"
            + " (null: inputs of any length)") + "; spark-dl needs every size to build the"
            + " network. Give the shape you will score with: KerasModels.read(path)"
            + ".withInputShape(...), or --input-shape on the import command.");
      }
      return network;
    }

    /**
     * Inference without Spark: builds the network, sets the weights and predicts.
     *
     * @param inputs {@code samples × prod(inputShape)} values in the network's input layout
     *     (channels last, or channels first for a {@code channels_first} first layer)
     * @param samples the number of samples
     * @return the network's (activated) outputs, {@code samples × outputSize}
     */
    public float[] predict(float[] inputs, int samples) {
      try (Network net = Network.create(shaped(), null, 0)) {
        net.setKerasWeights(weights);
        return net.predict(inputs, samples);
      }
    }

    /**
     * @param task what to build; AUTO decides from the output layer
     * @return the fitted model
     * @throws IllegalArgumentException when the output layer does not fit the task
     */
    public NeuralNetModel toModel(Task task) {
      Sequential network = shaped();
      OutputHead head = OutputHead.of(network);
      boolean classifier = switch (task) {
        case CLASSIFICATION -> true;
        case REGRESSION -> false;
        case AUTO -> isClassifierHead(head);
      };
      if (classifier && !isClassifierHead(head)) {
        throw new IllegalArgumentException(source + ": a classifier needs a softmax output layer"
            + " of at least 2 units or one sigmoid unit; this network ends with "
            + head.description() + ". Import it as a regression model (--task regression).");
      }
      if (!classifier && (!head.hasUnits() || head.units() != 1)) {
        throw new IllegalArgumentException(source + ": a regression model predicts one value;"
            + " this network ends with " + head.description() + ", " + head.units() + " outputs."
            + (isClassifierHead(head) ? " Import it as a classifier." : ""));
      }
      CompileOptions options = resolveCompile(compile, classifier, head);
      LabelMode label = classifier
          ? new LabelMode(LabelMode.Kind.CLASS_INDEX, head.units() == 1 ? 2 : head.units(),
              !"binary_crossentropy".equals(options.loss().name()))
          : new LabelMode(LabelMode.Kind.VALUE, 0, false);
      NetworkContract contract = NetworkContract.of(network, options, label);
      WeightSnapshot snapshot;
      try (Network net = Network.create(network, options, 0)) {
        net.setKerasWeights(weights);
        snapshot = net.weights();
      }
      int features = network.inputShape().stream().reduce(1, (a, b) -> a * b);
      ModelState state = new ModelState(UUID.randomUUID().toString(), contract, snapshot, null,
          new History(), List.of(), features, 0, 0, 0, 0);
      NeuralNetModel model = classifier
          ? new NeuralNetClassificationModel(
              org.apache.spark.ml.util.Identifiable$.MODULE$.randomUID("NeuralNetClassifier"),
              state)
          : new NeuralNetRegressionModel(
              org.apache.spark.ml.util.Identifiable$.MODULE$.randomUID("NeuralNetRegressor"),
              state);
      var p = model.nnParams();
      model.set(p.layers, network.toJson());
      JsonNode compileTree = tree(options.toJson());
      JsonNode lossNode = compileTree.path("loss");
      model.set(p.loss, lossNode.isTextual() ? lossNode.asText() : lossNode.toString());
      model.set(p.optimizer, compileTree.path("optimizer").toString());
      model.set(p.metrics, options.metrics().toArray(new String[0]));
      return model;
    }
  }

  /**
   * Loads a Keras 2 whole-model {@code .h5} or a Keras 3 {@code .keras} file as a classifier or
   * a regression model, as its output layer says.
   *
   * @param path any Hadoop path
   * @return the fitted model
   */
  public static NeuralNetModel load(String path) {
    return load(path, Task.AUTO);
  }

  /**
   * @param path a Keras 2 whole-model {@code .h5} or a Keras 3 {@code .keras} file
   * @param task what to build
   * @return the fitted model
   */
  public static NeuralNetModel load(String path, Task task) {
    return read(path).toModel(task);
  }

  /**
   * Loads weights saved by Keras' {@code save_weights} (a {@code .h5}, or a Keras 3 {@code
   * .weights.h5}) with the architecture {@code model.to_json()} wrote.
   *
   * @param weightsPath the weights file
   * @param jsonPath the architecture JSON
   * @param task what to build
   * @return the fitted model
   */
  public static NeuralNetModel load(String weightsPath, String jsonPath, Task task) {
    return read(weightsPath, jsonPath).toModel(task);
  }

  /** @return a whole-model file as a classifier (softmax or sigmoid output) */
  public static NeuralNetClassificationModel loadClassifier(String path) {
    return (NeuralNetClassificationModel) load(path, Task.CLASSIFICATION);
  }

  /** @return a whole-model file as a regression model (one linear output) */
  public static NeuralNetRegressionModel loadRegressor(String path) {
    return (NeuralNetRegressionModel) load(path, Task.REGRESSION);
  }

  /**
   * Reads a whole-model file without building a Spark model.
   *
   * @throws IllegalArgumentException (a {@code SpecException} for an architecture the reader
   *     refuses) naming the file and the problem
   */
  public static Imported read(String path) {
    return imported(path, KerasFiles.read(path, hadoopConf()));
  }

  /** Reads a weights file and an architecture JSON without building a Spark model. */
  public static Imported read(String weightsPath, String jsonPath) {
    return imported(weightsPath, KerasFiles.read(weightsPath, jsonPath, hadoopConf()));
  }

  /**
   * The file's Keras version written into its architecture JSON when the JSON lacks one (a
   * whole-model .h5 keeps it as a separate attribute): the reader needs it for the arguments
   * whose meaning changed between versions (hard_sigmoid in Keras 1 and 2).
   */
  private static String withVersion(String modelConfig, String version) {
    if (version == null || "unknown".equals(version)) {
      return modelConfig;
    }
    try {
      com.fasterxml.jackson.databind.JsonNode root =
          new com.fasterxml.jackson.databind.ObjectMapper().readTree(modelConfig);
      if (root instanceof com.fasterxml.jackson.databind.node.ObjectNode o
          && !o.has("keras_version")) {
        o.put("keras_version", version);
        return o.toString();
      }
      return modelConfig;
    } catch (java.io.IOException e) {
      return modelConfig; // the reader reports bad JSON with its own message
    }
  }

  /**
   * Reads the datasets of one group of an HDF5 file, e.g. {@code inputs} or {@code outputs} of
   * a Keras {@code *_inputs_and_outputs.h5}.
   *
   * @return dataset name to array, in the file's order
   */
  public static Map<String, Tensor> datasets(String path, String group) {
    return KerasFiles.datasets(path, group, hadoopConf());
  }

  private static Imported imported(String source, KerasFiles.Contents c) {
    Sequential network = Sequential.fromJson(withVersion(c.modelConfig(), c.kerasVersion()));
    List<Integer> declared = declaredShape(c.modelConfig());
    List<Tensor> weights = orderedWeights(source, c);
    CompileOptions compile = null;
    String note = null;
    if (c.compileConfig() != null) {
      try {
        compile = CompileOptions.fromJson(c.compileConfig());
      } catch (IllegalArgumentException e) {
        note = e.getMessage();
        compile = withPlainOptimizer(c.compileConfig());
        note = compile != null
            ? "optimizer arguments other than the learning rate were dropped: " + note
            : "the file's compile options were not used: " + note;
      }
    }
    if (network.inputShape() != null) {
      checkWeights(source, network, weights);
    }
    return new Imported(source, network, compile, note, weights, c.kerasVersion(), c.format(),
        declared);
  }

  private static void checkWeights(String source, Sequential network, List<Tensor> weights) {
    try (Network net = Network.create(network, null, 0)) {
      net.setKerasWeights(weights);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(source + ": the weights in the file do not fit the"
          + " network: " + e.getMessage(), e);
    }
  }

  /**
   * The per-sample input shape the architecture declares on its InputLayer or first layer, with
   * null for unknown axes, or null if it declares none.
   */
  private static List<Integer> declaredShape(String modelConfig) {
    try {
      JsonNode root = JSON.readTree(modelConfig);
      if (FunctionalChain.isFunctional(root)) {
        root = FunctionalChain.asSequential(root);
      }
      JsonNode cfg = root.path("config");
      JsonNode layers = cfg.isArray() ? cfg : cfg.path("layers");
      JsonNode first = layers.path(0).path("config");
      for (String key : List.of("batch_shape", "batch_input_shape", "shape", "input_shape")) {
        JsonNode dims = first.path(key);
        if (dims.isArray()) {
          List<Integer> out = new ArrayList<>();
          for (int i = key.startsWith("batch") ? 1 : 0; i < dims.size(); i++) {
            out.add(dims.get(i).isNumber() ? dims.get(i).asInt() : null);
          }
          return java.util.Collections.unmodifiableList(out);
        }
      }
      return null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /**
   * The compile options with the optimizer reduced to its class and learning rate (Keras 2
   * optimizers carry arguments such as {@code decay} that spark-dl does not take), or null.
   */
  private static CompileOptions withPlainOptimizer(String compileJson) {
    try {
      var root = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(compileJson);
      JsonNode opt = root.path("optimizer");
      var plain = JSON.createObjectNode();
      plain.put("class_name", opt.path("class_name").asText("Adam"));
      var cfg = plain.putObject("config");
      for (String k : List.of("learning_rate", "lr")) {
        if (opt.path("config").path(k).isNumber()) {
          cfg.set(k, opt.path("config").get(k));
        }
      }
      root.set("optimizer", plain);
      return CompileOptions.fromJson(JSON.writeValueAsString(root));
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** Each layer's weights, layers in the architecture's order, matched by name. */
  private static List<Tensor> orderedWeights(String source, KerasFiles.Contents c) {
    List<String> names = layerNames(c.modelConfig());
    List<Tensor> out = new ArrayList<>();
    List<String> unmatched = new ArrayList<>(c.weights().keySet());
    for (String name : names) {
      List<Tensor> ws = c.weights().get(name);
      unmatched.remove(name);
      if (ws != null) {
        out.addAll(ws);
      }
    }
    for (String name : unmatched) {
      if (!c.weights().get(name).isEmpty()) {
        throw new IllegalArgumentException(source + ": the file holds weights of layer '" + name
            + "', which the architecture does not name (its layers: " + names + ").");
      }
    }
    return out;
  }

  private static List<String> layerNames(String modelConfig) {
    try {
      JsonNode root = JSON.readTree(modelConfig);
      if (FunctionalChain.isFunctional(root)) {
        root = FunctionalChain.asSequential(root);
      }
      JsonNode cfg = root.path("config");
      JsonNode layers = cfg.isArray() ? cfg : cfg.path("layers");
      List<String> names = new ArrayList<>();
      for (JsonNode l : layers) {
        if (!"InputLayer".equals(l.path("class_name").asText())) {
          names.add(l.path("config").path("name").asText());
        }
      }
      return names;
    } catch (IOException e) {
      throw new IllegalArgumentException("The architecture is not JSON: " + e.getMessage(), e);
    }
  }

  /** The active Spark session's Hadoop configuration, or a default one outside Spark. */
  private static Configuration hadoopConf() {
    return SparkSession.getActiveSession().isDefined()
        ? SparkSession.getActiveSession().get().sparkContext().hadoopConfiguration()
        : new Configuration();
  }

  private static JsonNode tree(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static boolean isClassifierHead(OutputHead head) {
    return head.hasUnits() && (("softmax".equals(head.activation()) && head.units() >= 2)
        || ("sigmoid".equals(head.activation()) && head.units() == 1));
  }

  /** Whether a whole-epoch metric suits the head (the fit would refuse it otherwise). */
  private static boolean fitsHead(String metric, boolean classifier, OutputHead head) {
    try {
      ContractResolver.checkMetricHeads(List.of(metric), head, classifier);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** The file's compile options when they fit the task, the defaults otherwise. */
  static CompileOptions resolveCompile(CompileOptions saved, boolean classifier,
      OutputHead head) {
    boolean binary = "sigmoid".equals(head.activation()) && head.units() == 1;
    Loss defaultLoss = Loss.of(!classifier ? "mse"
        : binary ? "binary_crossentropy" : "categorical_crossentropy");
    Loss loss = defaultLoss;
    Optimizer optimizer = Optimizer.named("adam");
    List<String> metrics = List.of(classifier ? "accuracy" : "mse");
    if (saved != null) {
      optimizer = saved.optimizer();
      Loss l = saved.loss();
      boolean fits = classifier
          ? l.isCrossEntropy() && !l.fromLogits() && binary == l.isBinary()
          : l.isRegression();
      loss = fits ? l : defaultLoss;
      List<String> m = new ArrayList<>();
      for (String x : saved.metrics()) {
        if ((classifier || !Metrics.isClassification(Metrics.check(x))) && fitsHead(x, classifier,
            head)) {
          m.add(x);
        }
      }
      metrics = m;
    }
    return new CompileOptions(loss, optimizer, metrics);
  }
}
