package dev.sparkdl.ml;

import dev.sparkdl.data.ColumnChecks;
import dev.sparkdl.engine.OutputDistribution;
import dev.sparkdl.spec.CompileOptions;
import dev.sparkdl.spec.LabelMode;
import dev.sparkdl.spec.Loss;
import dev.sparkdl.spec.NetworkContract;
import dev.sparkdl.spec.Optimizer;
import dev.sparkdl.spec.OutputHead;
import dev.sparkdl.spec.Sequential;
import dev.sparkdl.spec.SpecException;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Resolves an estimator's params and a DataFrame schema into the {@link NetworkContract} of a
 * fit, checking everything that needs no Spark job and no network: the columns, the head
 * against the task and the loss, the label form, the input shape and the initial weights' count.
 */
final class ContractResolver {
  private ContractResolver() {}

  /**
   * A fit's contract and what row validation needs besides it.
   *
   * @param contract the network contract (input shape set when the network or the column
   *     metadata gives it)
   * @param expectedLength values per feature vector required, or -1 when the data decides
   * @param expectedFrom where {@code expectedLength} comes from, in words
   * @param labelRule a valid label, in words
   */
  record Resolved(
      NetworkContract contract, int expectedLength, String expectedFrom, String labelRule) {}

  /** validationIndicatorCol: a boolean column, and not together with validationSplit. */
  static void checkValidationIndicator(NeuralNetParams p, StructType schema) {
    String col = p.getValidationIndicatorCol();
    if (col == null) {
      return;
    }
    if (!java.util.Arrays.asList(schema.fieldNames()).contains(col)) {
      throw new IllegalArgumentException("validationIndicatorCol '" + col + "' is not a column."
          + " Columns: " + java.util.Arrays.toString(schema.fieldNames()) + ".");
    }
    org.apache.spark.sql.types.DataType t = schema.apply(col).dataType();
    if (!(t instanceof org.apache.spark.sql.types.BooleanType)) {
      throw new IllegalArgumentException("validationIndicatorCol '" + col + "' must be a boolean"
          + " column (true marks a validation row); it is " + t.simpleString() + ". Cast it,"
          + " e.g. df.withColumn(\"" + col + "\", col(\"" + col + "\").cast(\"boolean\")).");
    }
    if (p.getValidationSplit() > 0) {
      throw new IllegalArgumentException("Both validationSplit (" + p.getValidationSplit()
          + ") and validationIndicatorCol ('" + col + "') are set; they are two ways to choose"
          + " validation rows. Set one: clear validationSplit with setValidationSplit(0).");
    }
  }

  /** weightCol: a numeric column other than the features and the label. */
  static void checkWeightCol(NeuralNetParams p, StructType schema, String featuresCol,
      String labelCol) {
    String col = p.getWeightCol();
    if (col == null) {
      return;
    }
    if (!Arrays.asList(schema.fieldNames()).contains(col)) {
      throw new IllegalArgumentException("weightCol '" + col + "' is not a column. Columns: "
          + String.join(", ", schema.fieldNames()) + ". Add a numeric column of sample weights or"
          + " clear weightCol (setWeightCol(null)).");
    }
    if (!(schema.apply(col).dataType() instanceof NumericType)) {
      throw new IllegalArgumentException("weightCol '" + col + "' must be a numeric column of"
          + " sample weights (finite, >= 0); it is " + schema.apply(col).dataType().simpleString()
          + ". Cast it, e.g. withColumn(\"" + col + "\", col(\"" + col + "\").cast(\"double\")).");
    }
    if (col.equals(featuresCol) || col.equals(labelCol)) {
      throw new IllegalArgumentException("weightCol '" + col + "' is the "
          + (col.equals(labelCol) ? "label" : "features") + " column; give a column of sample"
          + " weights.");
    }
  }

  /** classWeight: a classifier's, its class indices below the class count. */
  static void checkClassWeight(NeuralNetParams p, boolean classifier, LabelMode label) {
    java.util.Map<Integer, Double> w = p.getClassWeight();
    if (w.isEmpty()) {
      return;
    }
    if (!classifier) {
      throw new IllegalArgumentException("classWeight weighs the classes of a classifier;"
          + " NeuralNetRegressor has none. Use weightCol for per-row weights, or clear"
          + " classWeight.");
    }
    int top = java.util.Collections.max(w.keySet());
    if (top >= label.classes()) {
      throw new IllegalArgumentException("classWeight has class " + top + ", but the network"
          + " predicts " + label.classes() + " classes (indices 0 .. " + (label.classes() - 1)
          + "). Received: classWeight=" + w + ". Remove the class or widen the output layer.");
    }
  }

  static Resolved resolve(
      NeuralNetParams p, StructType schema, boolean classifier, String featuresCol,
      String labelCol) {
    Sequential spec = p.getLayersSpec();
    // a network whose output still carries Embedding(mask_zero)'s mask: refused before any job
    dev.sparkdl.spec.MaskChain.check(spec.layers());
    StructField features = ColumnChecks.features(schema, featuresCol);
    StructField labelField = ColumnChecks.label(schema, labelCol, classifier);
    checkValidationIndicator(p, schema);
    checkWeightCol(p, schema, featuresCol, labelCol);
    OutputHead head = OutputHead.of(spec);
    if (!head.hasUnits()) {
      throw new SpecException(
          "The network must end with a Dense output layer (possibly followed by Activation,"
              + " Dropout, Flatten or BatchNormalization layers); it ends with "
              + head.description() + ".");
    }
    String distribution =
        p instanceof DistributionParams<?> d ? d.getDistribution() : "normal_fixed";
    Loss loss = "normal_fixed".equals(distribution)
        ? resolveLoss(p.getLoss(), classifier, head)
        : distributionLoss(p.getLoss(), outputDistribution((DistributionParams<?>) p), head);
    String applied = lossActivation(loss);
    if (applied != null) {
      // the loss applies the activation: the engine splits it off as the head, so the network
      // outputs the probabilities (and the raw scores are the linear outputs)
      spec = spec.add(dev.sparkdl.spec.Activation.of(applied));
      head = OutputHead.of(spec);
    }
    Optimizer opt = Optimizer.fromJson(p.getOptimizer());
    if (!Double.isNaN(p.getLearningRate())) {
      opt = opt.withLearningRate(p.getLearningRate());
    }
    List<String> metrics = dev.sparkdl.spec.Metrics.check(Arrays.asList(p.getMetrics()));
    metrics = distributionMetrics(metrics, loss, p);
    String classification = metrics.stream()
        .filter(dev.sparkdl.spec.Metrics::isClassification).findFirst().orElse(null);
    if (!classifier && classification != null) {
      throw new IllegalArgumentException(
          "Metric '" + dev.sparkdl.spec.Metrics.historyName(classification) + "' is for"
              + " classifiers; NeuralNetRegressor reports mse, mae, root_mean_squared_error and"
              + " r2_score. Use setMetrics(\"mse\", \"mae\") or NeuralNetClassifier.");
    }
    checkMetricHeads(metrics, head, classifier);
    CompileOptions compile = new CompileOptions(loss, opt, metrics);

    LabelMode label;
    String rule;
    boolean vectorLabel = !(labelField.dataType() instanceof NumericType);
    if (classifier) {
      int classes = head.units() == 1 ? 2 : head.units();
      if (vectorLabel) {
        if (loss.isBinary() || "sparse_categorical_crossentropy".equals(loss.name())) {
          throw new IllegalArgumentException(
              "Column " + labelCol + " holds vectors (one-hot or probabilities), which only"
                  + " the categorical losses take (categorical_crossentropy,"
                  + " categorical_focal_crossentropy, categorical_hinge, kl_divergence,"
                  + " cosine_similarity); the loss is " + loss.name() + ". Use a"
                  + " class-index label column (StringIndexer) or"
                  + " setLoss(\"categorical_crossentropy\").");
        }
        label = new LabelMode(LabelMode.Kind.VECTOR, classes, false);
        rule = "vectors of " + classes + " target probabilities in [0, 1] (the output layer has "
            + classes + " units)";
      } else {
        boolean binary = loss.isBinary();
        label = new LabelMode(LabelMode.Kind.CLASS_INDEX, classes, !binary);
        rule = binary
            ? "class indices 0.0 or 1.0 (one output unit)"
            : "class indices 0.0 .. " + (classes - 1) + ".0 (the output layer has " + classes
                + " units)";
        int known = ColumnChecks.metadataClasses(labelField);
        if (known > classes) {
          throw new IllegalArgumentException(
              "Column " + labelCol + " has " + known + " classes (its StringIndexer metadata),"
                  + " but the network's output layer " + head.description() + " predicts "
                  + classes + ". Make the last Dense layer " + known + " units wide.");
        }
      }
    } else {
      if (head.units() != 1 && loss.distribution() == null) {
        throw new IllegalArgumentException(
            "NeuralNetRegressor predicts one value per row, but the output layer "
                + head.description() + " has " + head.units() + " units. End the network with"
                + " Dense(1).");
      }
      label = new LabelMode(LabelMode.Kind.VALUE, 0, false);
      rule = countLabels(distribution)
          ? "finite numbers >= 0 (counts, for distribution " + distribution + ")"
          : countLabels(loss)
              ? "finite numbers >= 0 (counts or rates, for loss poisson)"
              : "finite numbers";
    }
    checkClassWeight(p, classifier, label);
    NetworkContract contract = new NetworkContract(spec, compile, head, label);

    int expected = -1;
    String from = null;
    int metaSize = ColumnChecks.metadataSize(features);
    if (spec.inputShape() != null) {
      dev.sparkdl.spec.SizeLimits.checkInput(spec.inputShape());
      expected = product(spec.inputShape());
      from = "the network's input shape " + spec.inputShape();
      if (metaSize >= 0 && metaSize != expected) {
        throw new IllegalArgumentException(
            "Column " + featuresCol + " holds vectors of " + metaSize + " values (its"
                + " VectorAssembler metadata), but " + from + " needs " + expected
                + ". Fix the input shape or the assembled columns.");
      }
      contract = contract.withInputShape(spec.inputShape()); // names the first bad layer
    } else if (metaSize >= 0) {
      expected = metaSize;
      from = "the column's VectorAssembler metadata";
      if (metaSize > 0) {
        contract = contract.withInputShape(List.of(metaSize));
      }
    }
    if (contract.inputShape() != null) {
      // a network too large for memory is refused here, before any job or allocation
      dev.sparkdl.spec.SizeLimits.check(contract.network());
    }
    Vector init = p.getInitialWeights();
    boolean countsKnown = spec.layers().stream()
        .allMatch(l -> dev.sparkdl.spec.LayerTypes.isBuiltIn(l.className()));
    if (init != null && contract.inputShape() != null && countsKnown) {
      // custom layers may not count their weights: the fit checks them on the network it builds
      StartingPoint.checkInitialWeightsCount(contract, init);
    }
    return new Resolved(contract, expected, from, rule);
  }

  /** @return whether the distribution's labels are counts (must be >= 0) */
  /**
   * @param loss the resolved loss
   * @return whether value labels must be &gt;= 0: a count distribution's likelihood, or Keras'
   *     poisson loss (whose value has no minimum for a negative label)
   */
  static boolean countLabels(Loss loss) {
    return "poisson".equals(loss.name()) || countLabels(loss.distribution());
  }

  /**
   * @param loss the resolved loss
   * @return the activation the loss applies to a linear output layer and the contract appends
   *     (so that the classifier reports probabilities): sigmoid or softmax for {@code
   *     from_logits}, sigmoid for the hinges' score; null for none
   */
  static String lossActivation(Loss loss) {
    if (loss.fromLogits() || "hinge".equals(loss.name())
        || "squared_hinge".equals(loss.name())) {
      return loss.isBinary() ? "sigmoid" : "softmax";
    }
    return null;
  }

  static boolean countLabels(String distribution) {
    return distribution != null && !"normal_fixed".equals(distribution)
        && OutputDistribution.of(distribution, 1).isDiscrete();
  }

  /** @return the likelihood head a regressor's params describe */
  static OutputDistribution outputDistribution(DistributionParams<?> p) {
    return OutputDistribution.of(p.getDistribution(), p.getMixtureComponents());
  }

  /**
   * The whole-epoch metrics against the head: auc, precision and recall need a binary view
   * (sigmoid outputs, flattened, or a 2-unit softmax), the top-k accuracies a softmax over
   * classes, root_mean_squared_error and r2_score a regressor.
   */
  static void checkMetricHeads(List<String> metrics, OutputHead head, boolean classifier) {
    for (String m : metrics) {
      dev.sparkdl.spec.MetricSpec s = dev.sparkdl.spec.MetricSpec.parse(m);
      if (s == null) {
        continue;
      }
      String headText = head.description() + " (" + head.units() + " "
          + head.activation() + " unit" + (head.units() == 1 ? "" : "s") + ")";
      if (s.isBinary() && !("sigmoid".equals(head.activation())
          || "softmax".equals(head.activation()) && head.units() == 2)) {
        throw new IllegalArgumentException("Metric '" + s.name() + "' scores a binary"
            + " classifier: one sigmoid unit (binary_crossentropy), several sigmoid units"
            + " (multi-label, flattened as Keras' multi_label=False) or a 2-unit softmax; the"
            + " output head is " + headText + ". For more classes use f1_score (with average"
            + " \"macro\" or \"weighted\") or top_k_categorical_accuracy.");
      }
      if (s.isTopK() && !("softmax".equals(head.activation()) && head.units() >= 2)) {
        throw new IllegalArgumentException("Metric '" + s.name() + "' ranks the classes of a"
            + " softmax head of 2 or more units; the output head is " + headText + ". Use"
            + " accuracy or auc for one sigmoid unit.");
      }
      if (s.isClassification() && classifier && !"sigmoid".equals(head.activation())
          && !"softmax".equals(head.activation())) {
        throw new IllegalArgumentException("Metric '" + s.name() + "' reads class"
            + " probabilities, but the output head is " + headText + ". End the network with"
            + " Activation(\"sigmoid\") or Activation(\"softmax\").");
      }
      if (!s.isClassification() && classifier) {
        throw new IllegalArgumentException("Metric '" + s.name() + "' is for regressors"
            + " (NeuralNetRegressor); a classifier reports accuracy, auc, precision, recall,"
            + " f1_score or top_k_categorical_accuracy. Remove it or use mse.");
      }
    }
  }

  /**
   * The metrics of the fit: a likelihood head always reports {@code nll} and the coverage of
   * the central interval at {@code intervalLevel}; asking for them without one is refused.
   */
  private static List<String> distributionMetrics(List<String> metrics, Loss loss,
      NeuralNetParams p) {
    if (loss.distribution() == null) {
      for (String m : metrics) {
        if (dev.sparkdl.spec.Metrics.isDistributional(m)) {
          throw new IllegalArgumentException(
              "Metric '" + m + "' scores a predicted distribution, but this network predicts"
                  + " one value (loss " + loss.name() + "). Use NeuralNetRegressor with"
                  + " setDistribution(\"normal\") (or poisson, negative_binomial, ...), or"
                  + " remove the metric.");
        }
      }
      return metrics;
    }
    List<String> out = new java.util.ArrayList<>(metrics);
    String coverage = dev.sparkdl.spec.Metrics.coverageName(
        ((DistributionParams<?>) p).getIntervalLevel());
    for (String m : List.of("nll", coverage)) {
      if (!out.contains(m)) {
        out.add(m);
      }
    }
    return List.copyOf(out);
  }

  /**
   * The loss of a regressor whose distribution is normal or poisson: its negative
   * log-likelihood, for {@code auto} or {@code nll}; the output layer must be linear with the
   * units the distribution needs.
   */
  private static Loss distributionLoss(String value, OutputDistribution dist, OutputHead head) {
    String distribution = dist.name();
    if (!"auto".equals(value) && !"nll".equals(value)
        && !(distribution + "_nll").equals(Loss.fromJson(value).name())) {
      throw new IllegalArgumentException(
          "Distribution '" + distribution + "' is fitted by its negative log-likelihood; the"
              + " loss is '" + value + "'. Use setLoss(\"nll\") or setLoss(\"auto\"), or"
              + " setDistribution(\"normal_fixed\") for loss " + value + ".");
    }
    int needed = dist.units();
    if (head.units() != needed) {
      boolean mixture = "mixture_normal".equals(distribution);
      throw new IllegalArgumentException(
          "Distribution '" + distribution + "' needs " + needed + " output unit"
              + (needed == 1 ? "" : "s") + " (" + dist.unitsMeaning() + "), but the"
              + " last Dense layer has " + head.units() + ". End the network with Dense("
              + needed + ")" + (mixture && head.units() % 3 == 0
                  ? " or setMixtureComponents(" + head.units() / 3 + ")" : "") + ".");
    }
    if (!"linear".equals(head.activation())) {
      throw new IllegalArgumentException(
          "Distribution '" + distribution + "' reads " + dist.unitsMeaning() + " from"
              + " linear outputs (the transforms are applied for you), but the output layer is "
              + head.description() + ". Remove its activation: Dense(" + needed + ").");
    }
    return Loss.of(distribution + "_nll");
  }

  private static Loss resolveLoss(String value, boolean classifier, OutputHead head) {
    String act = head.activation();
    int units = head.units();
    if ("auto".equals(value)) {
      if (!classifier) {
        return Loss.of("mse");
      }
      if ("softmax".equals(act) && units >= 2) {
        return Loss.of("categorical_crossentropy");
      }
      if ("sigmoid".equals(act) && units == 1) {
        return Loss.of("binary_crossentropy");
      }
      throw new IllegalArgumentException(
          "A classifier's network must end with a softmax layer of one unit per class, or one"
              + " sigmoid unit for two classes; it ends with " + head.description() + ". Use"
              + " e.g. Dense.units(k).activation(\"softmax\").");
    }
    if ("nll".equals(value) || Loss.fromJson(value).distribution() != null) {
      throw new IllegalArgumentException(classifier
          ? "Loss '" + value + "' is a regressor's negative log-likelihood (NeuralNetRegressor"
              + " with setDistribution(\"normal\"), \"poisson\", ...); a classifier's is the"
              + " cross-entropy: use setLoss(\"auto\")."
          : "Loss '" + value + "' is a distribution's negative log-likelihood, but the"
              + " distribution is normal_fixed (one output, a fixed-variance loss). Use"
              + " setDistribution(\"normal\") or setDistribution(\"poisson\"), or a loss"
              + " such as mse.");
    }
    Loss loss = Loss.fromJson(value);
    String name = loss.name();
    if (classifier && !loss.isClassification()) {
      throw new IllegalArgumentException(
          "NeuralNetClassifier needs a classification loss (categorical_crossentropy,"
              + " sparse_categorical_crossentropy, binary_crossentropy, the focal"
              + " cross-entropies, hinge, squared_hinge, categorical_hinge, kl_divergence,"
              + " cosine_similarity); received '" + name + "'. Use NeuralNetRegressor for"
              + " regression.");
    }
    if (!classifier && loss.isClassification()) {
      throw new IllegalArgumentException(
          "NeuralNetRegressor needs a regression loss (mse, mae, huber, log_cosh, mape, msle,"
              + " poisson); received '" + name + "'. Use NeuralNetClassifier for"
              + " classification.");
    }
    if (loss.fromLogits()) {
      if (!"linear".equals(act)) {
        throw new IllegalArgumentException(
            "Loss " + name + " with from_logits=true applies the "
                + (loss.isBinary() ? "sigmoid" : "softmax") + " itself and expects a linear"
                + " output layer, but the output layer is " + head.description() + ". Remove"
                + " the output activation (Dense(" + units + ")), or set from_logits=false.");
      }
      act = loss.isBinary() ? "sigmoid" : "softmax";
    }
    if ("hinge".equals(name) || "squared_hinge".equals(name)) {
      if (!(units == 1 && "linear".equals(act))) {
        throw new IllegalArgumentException(
            "Loss " + name + " scores two classes with one linear output unit (labels 0/1"
                + " become -1/1; the class is the score's sign, the probability column its"
                + " sigmoid), but the output layer is " + head.description() + ". End the"
                + " network with Dense(1)" + (units > 2 || "softmax".equals(act)
                    ? ", or use categorical_hinge for " + units + " classes" : "") + ".");
      }
    } else if (loss.isBinary() && !(units == 1 && "sigmoid".equals(act))) {
      throw new IllegalArgumentException(
          "Loss " + name + " expects one sigmoid output unit (the probability of class"
              + " 1), but the output layer is " + head.description() + ". Use"
              + " categorical_crossentropy or sparse_categorical_crossentropy for " + units
              + " classes, or end the network with Dense(1, activation='sigmoid').");
    }
    if (loss.isClassification() && !loss.isBinary()
        && !("softmax".equals(act) && units >= 2)) {
      throw new IllegalArgumentException(
          "Loss " + name + " expects a softmax output layer with one unit per class (at"
              + " least 2), but the output layer is " + head.description() + ". End the"
              + " network with Dense(k, activation='softmax'), or use binary_crossentropy for"
              + " one sigmoid unit.");
    }
    if ("poisson".equals(name) && !List.of("exponential", "softplus", "relu").contains(act)) {
      throw new IllegalArgumentException(
          "Loss poisson needs predictions > 0 (a rate; Keras computes y_pred - y_true *"
              + " log(y_pred + 1e-7)), but the output layer is " + head.description()
              + ", which can predict negative values. End the network with Dense(1,"
              + " activation='exponential') or Dense(1, activation='softplus').");
    }
    return loss;
  }

  private static int product(List<Integer> shape) {
    int n = 1;
    for (int d : shape) {
      n *= d;
    }
    return n;
  }
}
