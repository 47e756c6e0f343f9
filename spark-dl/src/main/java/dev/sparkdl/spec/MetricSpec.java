package dev.sparkdl.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A configured metric computed from whole-epoch statistics (Keras 3's stateful metrics): {@code
 * auc} (ROC, or PR with {@code curve = "PR"}), {@code precision}, {@code recall}, {@code
 * top_k_categorical_accuracy}, {@code sparse_top_k_categorical_accuracy}, {@code
 * root_mean_squared_error}, {@code r2_score} and {@code f1_score}. Read from a name ({@code
 * "auc"}, Keras' class name {@code "AUC"}), from Python's constructor form ({@code
 * Precision(thresholds=0.7)}, {@code AUC(curve="PR")}) or from Keras' serialized object, e.g. {@code
 * {"class_name": "AUC", "config": {"curve": "PR", "num_thresholds": 200}}}; {@link #canonical()}
 * is the plain kind when every setting is Keras' default, else that object with the settings that
 * differ, which {@link #parse} reads back.
 *
 * @param kind the snake-case kind, e.g. {@code auc}
 * @param name the name History reports (Keras' {@code name}); default: the kind, {@code pr_auc}
 *     for a PR-curve AUC
 * @param curve {@code ROC} or {@code PR} (auc)
 * @param numThresholds the evenly spaced thresholds of the AUC's confusion histograms ({@link
 *     #DEFAULT_THRESHOLDS} unless given; Keras' default is 200)
 * @param threshold precision and recall: a score above it counts as positive (default 0.5);
 *     f1_score: NaN for Keras' {@code threshold=None} (the arg-max class)
 * @param k top-k accuracies: how many of the highest scores may hold the true class (default 5)
 * @param average f1_score: {@code none} (one value per class), {@code micro}, {@code macro} or
 *     {@code weighted}; r2_score: {@code uniform_average} or {@code variance_weighted_average}
 */
public record MetricSpec(String kind, String name, String curve, int numThresholds,
    double threshold, int k, String average) {

  /** The kinds, in snake case. */
  public static final List<String> KINDS = List.of("auc", "precision", "recall",
      "top_k_categorical_accuracy", "sparse_top_k_categorical_accuracy",
      "root_mean_squared_error", "r2_score", "f1_score");

  /**
   * The AUC's thresholds when none are given: 10,000 rather than Keras' 200, so that the area
   * stays within about 1e-4 of the exact one (Spark's BinaryClassificationEvaluator) where
   * Keras' 200 buckets were measured 1.5e-3 off on 200 validation rows (docs/layers.md). A
   * Keras object that gives {@code num_thresholds} (Keras' {@code get_config} always does) keeps
   * it, and with it Keras' numbers.
   */
  public static final int DEFAULT_THRESHOLDS = 10_000;

  private static final Map<String, String> CLASS_NAMES = classNames();

  private static Map<String, String> classNames() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("auc", "AUC");
    m.put("precision", "Precision");
    m.put("recall", "Recall");
    m.put("top_k_categorical_accuracy", "TopKCategoricalAccuracy");
    m.put("sparse_top_k_categorical_accuracy", "SparseTopKCategoricalAccuracy");
    m.put("root_mean_squared_error", "RootMeanSquaredError");
    m.put("r2_score", "R2Score");
    m.put("f1_score", "F1Score");
    return m;
  }

  /** Validates the settings. */
  public MetricSpec {
    if (!KINDS.contains(kind)) {
      throw new SpecException("Unknown metric '" + kind + "'. Valid: " + KINDS + ".");
    }
    if (name == null || name.isBlank() || !name.matches("[A-Za-z0-9_.\\-]+")) {
      throw invalid("name", "a non-empty name of letters, digits, '_', '.' or '-'", name);
    }
    if (!"ROC".equals(curve) && !"PR".equals(curve)) {
      throw invalid("curve", "\"ROC\" or \"PR\"", curve);
    }
    if (numThresholds < 2 || numThresholds > 100_000) {
      throw invalid("num_thresholds", "an integer in [2, 100000]", numThresholds);
    }
    if (!Double.isNaN(threshold) && !(threshold >= 0 && threshold <= 1)) {
      throw invalid("threshold", "a number in [0, 1]", threshold);
    }
    if (k < 1) {
      throw invalid("k", "an integer >= 1", k);
    }
    Set<String> averages = "r2_score".equals(kind)
        ? Set.of("uniform_average", "variance_weighted_average")
        : Set.of("none", "micro", "macro", "weighted");
    if (!averages.contains(average)) {
      throw invalid("r2_score".equals(kind) ? "class_aggregation" : "average",
          "one of " + averages, average);
    }
  }

  /** @return the kind with Keras' defaults */
  public static MetricSpec of(String kind) {
    return new MetricSpec(kind, kind, "ROC", DEFAULT_THRESHOLDS,
        "f1_score".equals(kind) ? Double.NaN : 0.5, 5,
        "r2_score".equals(kind) ? "uniform_average" : "none");
  }

  /**
   * @param text a kind or Keras class name ({@code auc}, {@code AUC}, {@code rmse}, ...) or a
   *     serialized Keras metric object
   * @return the metric, or null when {@code text} names none of these kinds
   * @throws SpecException naming the bad setting
   */
  public static MetricSpec parse(String text) {
    if (text == null) {
      return null;
    }
    String t = text.trim();
    java.util.regex.Matcher call = CALL.matcher(t);
    if (call.matches()) {
      String kind = kindOf(call.group(1));
      return kind == null ? null : read(kind, arguments(t, call.group(2)));
    }
    if (!t.startsWith("{")) {
      String kind = kindOf(t);
      return kind == null ? null : of(kind);
    }
    JsonNode n;
    try {
      n = SpecJson.MAPPER.readTree(t);
    } catch (java.io.IOException e) {
      throw new SpecException("Metric " + t + " is not valid JSON: " + e.getMessage().lines().findFirst().orElse("")
          + ". Expected e.g. {\"class_name\": \"AUC\", \"config\": {\"curve\": \"PR\"}}.");
    }
    String cls = n.path("class_name").asText("");
    String kind = kindOf(cls);
    if (kind == null) {
      return null;
    }
    return read(kind, n.path("config"));
  }

  /** Python's constructor form, e.g. {@code AUC(curve="PR", num_thresholds=500)}. */
  private static final java.util.regex.Pattern CALL =
      java.util.regex.Pattern.compile("([A-Za-z0-9_]+)\\s*\\((.*)\\)", java.util.regex.Pattern.DOTALL);

  /** The keyword arguments of a constructor form as a config object. */
  private static ObjectNode arguments(String text, String args) {
    ObjectNode config = SpecJson.MAPPER.createObjectNode();
    if (args.isBlank()) {
      return config;
    }
    for (String part : args.split(",")) {
      int eq = part.indexOf('=');
      if (eq < 0) {
        throw new SpecException("Metric " + text + ": give keyword arguments, e.g."
            + " Precision(thresholds=0.7) or AUC(curve=\"PR\"); received '" + part.trim() + "'.");
      }
      String key = part.substring(0, eq).trim();
      String v = part.substring(eq + 1).trim();
      if (v.equals("None") || v.equals("null")) {
        config.putNull(key);
      } else if (v.equals("True") || v.equals("true")) {
        config.put(key, true);
      } else if (v.equals("False") || v.equals("false")) {
        config.put(key, false);
      } else if (v.length() >= 2 && (v.startsWith("\"") && v.endsWith("\"")
          || v.startsWith("'") && v.endsWith("'"))) {
        config.put(key, v.substring(1, v.length() - 1));
      } else {
        try {
          config.set(key, SpecJson.MAPPER.readTree(v));
        } catch (java.io.IOException e) {
          config.put(key, v);
        }
        if (!config.get(key).isNumber()) {
          config.put(key, v);
        }
      }
    }
    return config;
  }

  /** @return whether {@code text} is a serialized metric object (it starts with '{') */
  public static boolean isObject(String text) {
    return text != null && text.trim().startsWith("{");
  }

  private static String kindOf(String t) {
    String s = t.toLowerCase(Locale.ROOT);
    if (KINDS.contains(s)) {
      return s;
    }
    if ("rmse".equals(s)) {
      return "root_mean_squared_error";
    }
    for (Map.Entry<String, String> e : CLASS_NAMES.entrySet()) {
      if (e.getValue().equalsIgnoreCase(t)) {
        return e.getKey();
      }
    }
    return null;
  }

  private static MetricSpec read(String kind, JsonNode c) {
    MetricSpec d = of(kind);
    Set<String> known = switch (kind) {
      case "auc" -> Set.of("name", "dtype", "num_thresholds", "curve", "summation_method",
          "thresholds", "multi_label", "num_labels", "label_weights", "from_logits");
      case "precision", "recall" -> Set.of("name", "dtype", "thresholds", "top_k", "class_id");
      case "top_k_categorical_accuracy", "sparse_top_k_categorical_accuracy" ->
          Set.of("name", "dtype", "k", "from_sorted_ids");
      case "r2_score" -> Set.of("name", "dtype", "class_aggregation", "num_regressors");
      case "f1_score" -> Set.of("name", "dtype", "average", "threshold");
      default -> Set.of("name", "dtype");
    };
    if (!c.isMissingNode() && !c.isNull() && !c.isObject()) {
      throw new SpecException("Metric " + CLASS_NAMES.get(kind) + ": config must be an object;"
          + " received " + c + ".");
    }
    c.fieldNames().forEachRemaining(f -> {
      if (!known.contains(f)) {
        throw new SpecException("Metric " + CLASS_NAMES.get(kind) + " has no config key '" + f
            + "'. Known keys: " + new java.util.TreeSet<>(known) + ".");
      }
    });
    String name = c.hasNonNull("name") ? c.get("name").asText()
        : "auc".equals(kind) && "PR".equalsIgnoreCase(c.path("curve").asText("ROC")) ? "pr_auc"
        : kind;
    String curve = c.path("curve").asText("ROC").toUpperCase(Locale.ROOT);
    int numThresholds = c.hasNonNull("num_thresholds")
        ? intValue(c.get("num_thresholds"), "num_thresholds") : d.numThresholds();
    double threshold = d.threshold();
    int k = c.hasNonNull("k") ? intValue(c.get("k"), "k") : d.k();
    String average = d.average();
    switch (kind) {
      case "auc" -> {
        String method = c.path("summation_method").asText("interpolation");
        refuse(!"interpolation".equals(method), "summation_method", method,
            "\"interpolation\" (Keras' default; minoring and majoring are not supported)");
        refuse(c.hasNonNull("thresholds") && !evenlySpaced(c.get("thresholds"), numThresholds),
            "thresholds", c.get("thresholds"),
            "null or Keras' evenly spaced ones (i / (num_thresholds - 1)); set num_thresholds");
        refuse(c.path("multi_label").asBoolean(false), "multi_label", true,
            "false (every output is flattened into one curve)");
        refuse(c.hasNonNull("label_weights"), "label_weights", c.get("label_weights"), "null");
        refuse(c.path("from_logits").asBoolean(false), "from_logits", true,
            "false (the metric reads the head's probabilities)");
      }
      case "precision", "recall" -> {
        refuse(c.hasNonNull("top_k"), "top_k", c.get("top_k"), "null");
        refuse(c.hasNonNull("class_id"), "class_id", c.get("class_id"), "null");
        JsonNode th = c.get("thresholds");
        if (th != null && th.isArray()) {
          refuse(th.size() != 1, "thresholds", th, "one number (a list of several thresholds"
              + " reports a vector, which History cannot hold)");
          th = th.get(0);
        }
        if (th != null && !th.isNull()) {
          threshold = number(th, "thresholds");
        }
      }
      case "top_k_categorical_accuracy", "sparse_top_k_categorical_accuracy" ->
          refuse(c.path("from_sorted_ids").asBoolean(false), "from_sorted_ids", true, "false");
      case "r2_score" -> {
        String agg = c.hasNonNull("class_aggregation")
            ? c.get("class_aggregation").asText() : "uniform_average";
        average = agg;
        int regressors = c.hasNonNull("num_regressors")
            ? intValue(c.get("num_regressors"), "num_regressors") : 0;
        refuse(regressors != 0, "num_regressors", regressors,
            "0 (the adjusted R2 is not supported)");
      }
      case "f1_score" -> {
        average = c.hasNonNull("average") ? c.get("average").asText().toLowerCase(Locale.ROOT)
            : "none";
        if (c.hasNonNull("threshold")) {
          threshold = number(c.get("threshold"), "threshold");
          refuse(!(threshold > 0 && threshold <= 1), "threshold", threshold,
              "a number in (0, 1] or null");
        }
      }
      default -> { }
    }
    return new MetricSpec(kind, name, curve, numThresholds, threshold, k, average);
  }

  /** Whether Keras wrote its own evenly spaced inner thresholds (its get_config does). */
  private static boolean evenlySpaced(JsonNode t, int n) {
    if (!t.isArray() || t.size() != n - 2) {
      return false;
    }
    for (int i = 0; i < t.size(); i++) {
      if (Math.abs(t.get(i).asDouble(Double.NaN) - (i + 1.0) / (n - 1)) > 1e-6) {
        return false;
      }
    }
    return true;
  }

  private static void refuse(boolean bad, String key, Object value, String expected) {
    if (bad) {
      throw invalid(key, expected, value);
    }
  }

  private static int intValue(JsonNode n, String key) {
    if (!n.canConvertToInt() || n.asDouble() != n.asInt()) {
      throw invalid(key, "an integer", n);
    }
    return n.asInt();
  }

  private static double number(JsonNode n, String key) {
    if (!n.isNumber()) {
      throw invalid(key, "a number", n);
    }
    return n.asDouble();
  }

  private static SpecException invalid(String key, String expected, Object value) {
    return new SpecException("Received an invalid value for `" + key + "`, expected " + expected
        + ". Received: " + key + "=" + value);
  }

  /**
   * @return the plain kind when every setting is Keras' default, else the Keras object with the
   *     class name and the settings that differ
   */
  public String canonical() {
    MetricSpec d = of(kind);
    ObjectNode config = SpecJson.MAPPER.createObjectNode();
    String defaultName = "auc".equals(kind) && "PR".equals(curve) ? "pr_auc" : kind;
    if (!name.equals(defaultName)) {
      config.put("name", name);
    }
    if (!curve.equals(d.curve())) {
      config.put("curve", curve);
    }
    if (numThresholds != d.numThresholds()) {
      config.put("num_thresholds", numThresholds);
    }
    if (Double.compare(threshold, d.threshold()) != 0) {
      config.put("precision".equals(kind) || "recall".equals(kind) ? "thresholds" : "threshold",
          threshold);
    }
    if (k != d.k()) {
      config.put("k", k);
    }
    if (!average.equals(d.average())) {
      config.put("r2_score".equals(kind) ? "class_aggregation" : "average", average);
    }
    if (config.isEmpty()) {
      return kind;
    }
    ObjectNode n = SpecJson.MAPPER.createObjectNode();
    n.put("class_name", CLASS_NAMES.get(kind));
    n.set("config", config);
    return n.toString();
  }

  /**
   * @return Keras 3's serialized object, {@code {"module": "keras.metrics", "class_name",
   *     "config": {"name", ...the settings that differ from Keras' defaults}, "registered_name":
   *     null}}; an AUC always names its {@code num_thresholds} (spark-dl's default is not Keras')
   */
  public String kerasJson() {
    ObjectNode config = SpecJson.MAPPER.createObjectNode();
    config.put("name", name);
    String c = canonical();
    if (isObject(c)) {
      try {
        SpecJson.MAPPER.readTree(c).path("config").fields()
            .forEachRemaining(e -> config.set(e.getKey(), e.getValue()));
      } catch (java.io.IOException e) {
        throw new IllegalStateException(e);
      }
    }
    if ("auc".equals(kind)) {
      config.put("num_thresholds", numThresholds);
    }
    ObjectNode n = SpecJson.MAPPER.createObjectNode();
    n.put("module", "keras.metrics");
    n.put("class_name", CLASS_NAMES.get(kind));
    n.set("config", config);
    n.putNull("registered_name");
    return n.toString();
  }

  /** @return whether it reads a binary view of the outputs (auc, precision, recall) */
  public boolean isBinary() {
    return "auc".equals(kind) || "precision".equals(kind) || "recall".equals(kind);
  }

  /** @return whether it is a top-k accuracy */
  public boolean isTopK() {
    return kind.endsWith("top_k_categorical_accuracy");
  }

  /** @return whether it is for classifiers (every kind but rmse and r2_score) */
  public boolean isClassification() {
    return !"root_mean_squared_error".equals(kind) && !"r2_score".equals(kind);
  }
}
