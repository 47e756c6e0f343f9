package dev.sparkdl.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparkdl.spec.Loss;
import dev.sparkdl.spec.Optimizer;
import dev.sparkdl.spec.Sequential;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A training job, as written in a JSON job file (docs/cli.md). Parsing checks every key: an
 * unknown key names the nearest valid one, a missing required field and a value of the wrong
 * type are named with the path of the key ({@code fit.epochs}).
 *
 * @param train the training data
 * @param test data evaluated after fitting, or null
 * @param featureColumns numeric columns to assemble into a vector, or null
 * @param featuresColumn the name of a vector (or array) column, when {@code featureColumns} is null
 * @param label the label column
 * @param classification true for classification, false for regression
 * @param network the layers (with {@code inputShape} applied)
 * @param loss the loss, or null for "auto" (picked from the output layer)
 * @param optimizer the optimizer with its arguments
 * @param metrics metric names
 * @param fit fit settings
 * @param output where the fitted model is saved
 * @param overwrite whether an existing model at {@code output} may be replaced
 */
public record JobFile(
    DataSource train,
    DataSource test,
    List<String> featureColumns,
    String featuresColumn,
    String label,
    boolean classification,
    Sequential network,
    Loss loss,
    Optimizer optimizer,
    List<String> metrics,
    Fit fit,
    String output,
    boolean overwrite) {

  static final Set<String> TOP = orderedSet("train", "test", "features", "label", "task", "layers",
      "inputShape", "compile", "fit", "output", "overwrite");
  static final Set<String> SOURCE = orderedSet("path", "format", "options");
  static final Set<String> COMPILE = orderedSet("loss", "optimizer", "metrics");
  static final Set<String> FIT = orderedSet("epochs", "batchSize", "numWorkers",
      "averagingFrequency", "minBatchesPerWorker", "outerMomentum", "learningRateScaling",
      "warmupEpochs", "batchNormStatistics", "seed", "validationSplit", "validationIndicatorCol", "verbose", "device", "callbacks", "weightCol", "classWeight",
      "distribution", "intervalLevel", "mixtureComponents");
  static final List<String> FORMATS = List.of("csv", "parquet", "json", "libsvm", "mnist-idx");

  /**
   * Where data comes from.
   *
   * @param path a path on any Hadoop file system (a directory for mnist-idx)
   * @param format csv, parquet, json, libsvm or mnist-idx
   * @param options reader options (csv: header and inferSchema default to true)
   */
  public record DataSource(String path, String format, Map<String, String> options) {}

  /**
   * Fit settings; null fields keep the estimator's defaults.
   *
   * @param epochs passes over the data
   * @param batchSize minibatch size
   * @param numWorkers partitions trained in parallel
   * @param averagingFrequency minibatches between averagings
   * @param minBatchesPerWorker the fewest minibatches per worker when numWorkers is 0
   * @param outerMomentum the driver's outer momentum (-1: auto)
   * @param learningRateScaling auto, none, sqrt or linear
   * @param warmupEpochs epochs of learning-rate warm-up
   * @param batchNormStatistics recompute or average
   * @param seed the seed
   * @param validationSplit fraction held out
   * @param verbose 0, 1, 2
   * @param device auto, cpu, gpu
   * @param validationIndicatorCol a boolean column marking validation rows
   * @param callbacks Keras callbacks in Keras' serialized form (a JSON list), or null
   * @param distribution a regressor's predicted distribution (normal_fixed, normal, poisson,
   *     negative_binomial, zero_inflated_poisson, mixture_normal)
   * @param intervalLevel the central interval's level of a distribution's model
   * @param mixtureComponents K of mixture_normal
   * @param weightCol a numeric column of per-row sample weights (Spark's weightCol)
   * @param classWeight Keras' class_weight as a JSON object, class index to weight
   */
  public record Fit(
      Integer epochs,
      Integer batchSize,
      Integer numWorkers,
      Integer averagingFrequency,
      Integer minBatchesPerWorker,
      Double outerMomentum,
      String learningRateScaling,
      Double warmupEpochs,
      String batchNormStatistics,
      Long seed,
      Double validationSplit,
      Integer verbose,
      String device,
      String validationIndicatorCol,
      String callbacks,
      String distribution,
      Double intervalLevel,
      Integer mixtureComponents,
      String weightCol,
      String classWeight) {}

  /**
   * Parses and checks a job file's text.
   *
   * @throws JobFileException naming the key and the problem
   */
  public static JobFile parse(String text) {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(text);
    } catch (com.fasterxml.jackson.core.exc.StreamConstraintsException e) {
      throw new JobFileException("The job file is nested more than "
          + com.fasterxml.jackson.core.StreamReadConstraints.DEFAULT_MAX_DEPTH + " levels deep"
          + " (or exceeds another of Jackson's limits: " + e.getOriginalMessage() + "); a job"
          + " file nests a handful of levels. Check its brackets.");
    } catch (JsonProcessingException e) {
      com.fasterxml.jackson.core.JsonLocation at = e.getLocation();
      throw new JobFileException("The job file is not valid JSON: " + e.getOriginalMessage()
          + (at == null ? "." : " (line " + at.getLineNr() + ", column " + at.getColumnNr()
              + ")."));
    }
    if (root == null || !root.isObject()) {
      throw new JobFileException("The job file must hold a JSON object {\"train\": ..., ...}.");
    }
    keys(root, TOP, "");
    DataSource train = source(required(root, "train", ""), "train");
    DataSource test = root.hasNonNull("test") ? source(root.get("test"), "test") : null;
    JsonNode features = required(root, "features", "");
    List<String> columns = null;
    String vector = null;
    if (features.isTextual()) {
      vector = features.asText();
    } else if (features.isArray() && features.size() > 0) {
      columns = new ArrayList<>();
      for (JsonNode f : features) {
        if (!f.isTextual()) {
          throw wrongType("features", "a list of column names", features);
        }
        columns.add(f.asText());
      }
    } else {
      throw wrongType("features", "a vector column name or a non-empty list of numeric column names",
          features);
    }
    String label = text(required(root, "label", ""), "label");
    String task = text(required(root, "task", ""), "task");
    if (!List.of("classification", "regression").contains(task)) {
      throw new JobFileException("task must be \"classification\" or \"regression\", got \""
          + task + "\".");
    }
    JsonNode layers = required(root, "layers", "");
    if (!layers.isArray() && !layers.isObject()) {
      throw wrongType("layers", "the Keras-style list of layers", layers);
    }
    Sequential network;
    try {
      network = Sequential.fromJson(layers.toString());
    } catch (IllegalArgumentException e) {
      throw new JobFileException("layers: " + e.getMessage());
    }
    if (root.hasNonNull("inputShape")) {
      JsonNode shape = root.get("inputShape");
      List<Integer> dims = new ArrayList<>();
      if (!shape.isArray()) {
        throw wrongType("inputShape", "a list of positive integers such as [784]", shape);
      }
      for (JsonNode d : shape) {
        if (!d.canConvertToInt() || !d.isIntegralNumber() || d.asInt() <= 0) {
          throw wrongType("inputShape", "a list of positive integers such as [784]", shape);
        }
        dims.add(d.asInt());
      }
      network = network.withInputShape(dims);
    }
    checkSize(network, columns);
    JsonNode c = required(root, "compile", "");
    keys(c, COMPILE, "compile.");
    Loss loss = null;
    try {
      if (c.hasNonNull("loss") && !"auto".equals(c.get("loss").asText())) {
        loss = Loss.fromJson(c.get("loss").toString());
      }
    } catch (IllegalArgumentException e) {
      throw new JobFileException("compile.loss: " + e.getMessage());
    }
    Optimizer optimizer;
    try {
      optimizer = c.hasNonNull("optimizer") ? Optimizer.fromJson(c.get("optimizer").toString())
          : Optimizer.named("adam");
    } catch (IllegalArgumentException e) {
      throw new JobFileException("compile.optimizer: " + e.getMessage());
    }
    List<String> metrics = new ArrayList<>();
    if (c.hasNonNull("metrics")) {
      if (!c.get("metrics").isArray()) {
        throw wrongType("compile.metrics", "a list of metric names or Keras metric objects",
            c.get("metrics"));
      }
      for (JsonNode m : c.get("metrics")) {
        metrics.add(m.isObject() ? m.toString() : text(m, "compile.metrics[]"));
      }
    }
    try {
      metrics = dev.sparkdl.spec.Metrics.check(metrics);
    } catch (IllegalArgumentException e) {
      throw new JobFileException("compile.metrics: " + e.getMessage());
    }
    Fit fit = new Fit(null, null, null, null, null, null, null, null, null, null, null, null, null,
        null, null, null, null, null, null, null);
    if (root.hasNonNull("fit")) {
      JsonNode f = root.get("fit");
      keys(f, FIT, "fit.");
      fit = new Fit(integer(f, "epochs"), integer(f, "batchSize"), integer(f, "numWorkers"),
          integer(f, "averagingFrequency"), integer(f, "minBatchesPerWorker"),
          number(f, "outerMomentum"),
          f.hasNonNull("learningRateScaling")
              ? text(f.get("learningRateScaling"), "fit.learningRateScaling") : null,
          number(f, "warmupEpochs"),
          f.hasNonNull("batchNormStatistics")
              ? text(f.get("batchNormStatistics"), "fit.batchNormStatistics") : null,
          longValue(f, "seed"),
          number(f, "validationSplit"), integer(f, "verbose"),
          f.hasNonNull("device") ? text(f.get("device"), "fit.device") : null,
          f.hasNonNull("validationIndicatorCol")
              ? text(f.get("validationIndicatorCol"), "fit.validationIndicatorCol") : null,
          callbacks(f.get("callbacks")),
          f.hasNonNull("distribution") ? text(f.get("distribution"), "fit.distribution") : null,
          number(f, "intervalLevel"), integer(f, "mixtureComponents"),
          f.hasNonNull("weightCol") ? text(f.get("weightCol"), "fit.weightCol") : null,
          classWeight(f.get("classWeight"), "classification".equals(task)));
      if ((fit.distribution() != null || fit.intervalLevel() != null
          || fit.mixtureComponents() != null) && "classification".equals(task)) {
        throw new JobFileException("fit.distribution, fit.intervalLevel and"
            + " fit.mixtureComponents are for regression"
            + " jobs (\"task\": \"regression\"); a classifier predicts class probabilities.");
      }
    }
    String output = text(required(root, "output", ""), "output");
    boolean overwrite = false;
    if (root.hasNonNull("overwrite")) {
      if (!root.get("overwrite").isBoolean()) {
        throw wrongType("overwrite", "true or false", root.get("overwrite"));
      }
      overwrite = root.get("overwrite").asBoolean();
    }
    return new JobFile(train, test, columns, vector, label, "classification".equals(task),
        network, loss, optimizer, metrics, fit, output, overwrite);
  }

  /**
   * Refuses, before any data is read, a network too large for memory when its input size is
   * known: from {@code inputShape} (or the layers' own), or one value per feature column.
   */
  private static void checkSize(Sequential network, List<String> columns) {
    boolean given = network.inputShape() != null;
    Sequential shaped = given ? network
        : columns != null ? network.withInputShape(List.of(columns.size())) : null;
    if (shaped == null) {
      return;
    }
    if (given) {
      try {
        dev.sparkdl.spec.SizeLimits.checkInput(shaped.inputShape());
      } catch (IllegalArgumentException e) {
        throw new JobFileException("inputShape: " + e.getMessage());
      }
    }
    try {
      shaped.layerParamCounts(); // shapes that do not fit are the fit's to report
    } catch (RuntimeException e) {
      return;
    }
    try {
      dev.sparkdl.spec.SizeLimits.check(shaped);
    } catch (IllegalArgumentException e) {
      throw new JobFileException("layers: " + e.getMessage());
    }
  }

  /** fit.callbacks: Keras' serialized callbacks, checked now, kept as JSON for the param. */
  private static String callbacks(JsonNode n) {
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isArray()) {
      throw wrongType("fit.callbacks", "a list of Keras callbacks [{\"class_name\":"
          + " \"EarlyStopping\", \"config\": {...}}, ...]", n);
    }
    try {
      dev.sparkdl.callbacks.Callbacks.fromJson(n.toString());
    } catch (IllegalArgumentException e) {
      throw new JobFileException("fit.callbacks: " + e.getMessage());
    }
    return n.toString();
  }

  private static DataSource source(JsonNode n, String key) {
    if (n.isTextual()) {
      return dataSource(n.asText(), null, Map.of(), key);
    }
    if (!n.isObject()) {
      throw wrongType(key, "a path or {\"path\": ..., \"format\": ..., \"options\": {...}}", n);
    }
    keys(n, SOURCE, key + ".");
    String path = text(required(n, "path", key + "."), key + ".path");
    String format = n.hasNonNull("format") ? text(n.get("format"), key + ".format") : null;
    Map<String, String> options = new LinkedHashMap<>();
    if (n.hasNonNull("options")) {
      JsonNode o = n.get("options");
      if (!o.isObject()) {
        throw wrongType(key + ".options", "an object of reader options", o);
      }
      Iterator<Map.Entry<String, JsonNode>> it = o.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!e.getValue().isValueNode()) {
          throw wrongType(key + ".options." + e.getKey(), "a string, number or boolean",
              e.getValue());
        }
        options.put(e.getKey(), e.getValue().asText());
      }
    }
    return dataSource(path, format, options, key);
  }

  /**
   * A data source from its parts; the format defaults to the file name's extension.
   *
   * @throws JobFileException for an unknown or unguessable format, naming {@code key}
   */
  static DataSource dataSource(String path, String format, Map<String, String> options,
      String key) {
    String f = format != null ? format : formatOf(path, key);
    if (!FORMATS.contains(f)) {
      throw new JobFileException(key + ".format must be one of " + String.join(", ", FORMATS)
          + "; got \"" + f + "\"" + endSentence(suggestion(f, FORMATS)));
    }
    return new DataSource(path, f, options);
  }

  private static String formatOf(String path, String key) {
    String p = path.toLowerCase(java.util.Locale.ROOT);
    for (String f : List.of("csv", "parquet", "json", "libsvm")) {
      if (p.endsWith("." + f) || p.endsWith("." + f + ".gz")) {
        return f;
      }
    }
    if (p.endsWith(".txt") || p.endsWith(".svm")) {
      return "libsvm";
    }
    throw new JobFileException(key + ": cannot tell the format of " + path + " from its name;"
        + " write {\"path\": \"" + path + "\", \"format\": \"csv\"} (one of "
        + String.join(", ", FORMATS) + ").");
  }

  static void keys(JsonNode n, Set<String> valid, String prefix) {
    if (!n.isObject()) {
      throw wrongType(prefix.isEmpty() ? "the job" : prefix.substring(0, prefix.length() - 1),
          "a JSON object", n);
    }
    Iterator<String> names = n.fieldNames();
    while (names.hasNext()) {
      String k = names.next();
      if (!valid.contains(k)) {
        throw new JobFileException("Unknown key \"" + prefix + k + "\""
            + endSentence(suggestion(k, valid)) + " Valid keys" + (prefix.isEmpty() ? "" : " of " + prefix.substring(0,
            prefix.length() - 1)) + ": " + String.join(", ", valid) + ".");
      }
    }
  }

  private static JsonNode required(JsonNode n, String key, String prefix) {
    if (!n.hasNonNull(key)) {
      throw new JobFileException("Missing required field \"" + prefix + key + "\". "
          + help(prefix + key));
    }
    return n.get(key);
  }

  private static String help(String key) {
    return switch (key) {
      case "train" -> "Give the training data: \"train\": {\"path\": \"data.csv\", \"format\": \"csv\"}.";
      case "features" -> "Give the feature columns: \"features\": [\"x1\", \"x2\"] or a vector column name.";
      case "label" -> "Give the label column: \"label\": \"class\".";
      case "task" -> "Give \"task\": \"classification\" or \"regression\".";
      case "layers" -> "Give the network as Keras-style layers: \"layers\": [{\"class_name\": \"Dense\", ...}].";
      case "compile" -> "Give \"compile\": {\"loss\": ..., \"optimizer\": ..., \"metrics\": [...]}.";
      case "output" -> "Give where to save the model: \"output\": \"models/my-model\".";
      default -> "See docs/cli.md.";
    };
  }

  private static String text(JsonNode n, String key) {
    if (!n.isTextual()) {
      throw wrongType(key, "a string", n);
    }
    return n.asText();
  }

  private static Integer integer(JsonNode parent, String key) {
    if (!parent.hasNonNull(key)) {
      return null;
    }
    JsonNode n = parent.get(key);
    if (!n.isIntegralNumber() || !n.canConvertToInt()) {
      throw wrongType("fit." + key, "an integer", n);
    }
    return n.asInt();
  }

  private static Long longValue(JsonNode parent, String key) {
    if (!parent.hasNonNull(key)) {
      return null;
    }
    JsonNode n = parent.get(key);
    if (!n.isIntegralNumber() || !n.canConvertToLong()) {
      throw wrongType("fit." + key, "an integer", n);
    }
    return n.asLong();
  }

  private static Double number(JsonNode parent, String key) {
    if (!parent.hasNonNull(key)) {
      return null;
    }
    JsonNode n = parent.get(key);
    if (!n.isNumber()) {
      throw wrongType("fit." + key, "a number", n);
    }
    return n.asDouble();
  }

  private static JobFileException wrongType(String key, String expected, JsonNode got) {
    String kind = got.isTextual() ? "the string " + got : got.isNumber() ? "the number " + got
        : got.isBoolean() ? "the boolean " + got : got.isArray() ? "a list" : got.isObject()
        ? "an object" : got.toString();
    return new JobFileException(key + " must be " + expected + ", got " + kind + ".");
  }

  /** @return the suggestion, or a full stop when there is none (never "?.") */
  static String endSentence(String suggestion) {
    return suggestion.isEmpty() ? "." : suggestion;
  }

  static String suggestion(String wrong, java.util.Collection<String> valid) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String v : valid) {
      int d = distance(wrong.toLowerCase(java.util.Locale.ROOT), v.toLowerCase(java.util.Locale.ROOT));
      if (d < bestDistance) {
        bestDistance = d;
        best = v;
      }
    }
    return best != null && bestDistance <= Math.max(2, wrong.length() / 3)
        ? " — did you mean \"" + best + "\"?" : "";
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  private static Set<String> orderedSet(String... s) {
    return new java.util.LinkedHashSet<>(List.of(s));
  }

  /** fit.classWeight: Keras' class_weight, an object of class index to weight. */
  private static String classWeight(JsonNode n, boolean classification) {
    if (n == null || n.isNull()) {
      return null;
    }
    if (!classification) {
      throw new JobFileException("fit.classWeight weighs the classes of a classification job"
          + " (\"task\": \"classification\"); use fit.weightCol for per-row weights.");
    }
    if (!n.isObject()) {
      throw wrongType("fit.classWeight", "an object of class index to weight such as {\"0\":"
          + " 1.0, \"1\": 5.0}", n);
    }
    try {
      new dev.sparkdl.ml.NeuralNetClassifier().setClassWeight(n.toString());
    } catch (IllegalArgumentException e) {
      throw new JobFileException("fit.classWeight: " + e.getMessage());
    }
    return n.toString();
  }
}
