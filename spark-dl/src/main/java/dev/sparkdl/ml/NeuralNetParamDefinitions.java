package dev.sparkdl.ml;

import dev.sparkdl.spec.Loss;
import dev.sparkdl.spec.Optimizer;
import dev.sparkdl.spec.Sequential;
import dev.sparkdl.callbacks.Callback;
import dev.sparkdl.distributed.Averaging;
import dev.sparkdl.engine.Engines;
import java.io.Serializable;
import java.util.List;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.param.Params;

/**
 * The one declaration of spark-dl's params — name, doc, validator — shared by the estimators
 * and their models, with the defaults in {@link #setDefaults}. Every value is JSON-encodable so
 * stages can be saved.
 */
public final class NeuralNetParamDefinitions implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The network as Keras JSON (a {@link Sequential}). Required. */
  public final Param<String> layers;
  /** Loss name or Keras JSON; "auto" picks it from the output layer. */
  public final Param<String> loss;
  /** Optimizer name or Keras JSON. */
  public final Param<String> optimizer;
  /** Overrides the optimizer's learning rate when set. */
  public final DoubleParam learningRate;
  /** Metric names. */
  public final StringArrayParam metrics;
  /** Passes over the training data. */
  public final IntParam epochs;
  /** Training minibatch size. */
  public final IntParam batchSize;
  /** Rows per prediction call when scoring and validating. */
  public final IntParam inferenceBatchSize;
  /** Partitions trained in parallel; 0 = as many as help (see minBatchesPerWorker). */
  public final IntParam numWorkers;
  /** Minibatches per partition between two parameter averagings; 0 = chosen from the data. */
  public final IntParam averagingFrequency;
  /** With numWorkers 0: the fewest minibatches per epoch a worker gets. */
  public final IntParam minBatchesPerWorker;
  /** Nesterov momentum of the outer update; -1 = chosen from the number of workers. */
  public final DoubleParam outerMomentum;
  /** auto, none, sqrt or linear: the learning rate times f(workers). */
  public final Param<String> learningRateScaling;
  /** Epochs over which the scaled learning rate is reached. */
  public final DoubleParam warmupEpochs;
  /** recompute or average: where BatchNormalization's moving statistics come from. */
  public final Param<String> batchNormStatistics;
  /** Seed of initialisation, shuffling, dropout and the validation draw. */
  public final LongParam seed;
  /** Fraction of rows held out for validation metrics each epoch. */
  public final DoubleParam validationSplit;
  /** 0: silent, 1: one progress line per epoch, 2: also one line per round. */
  public final IntParam verbose;
  /** Starting weights, flat in Keras' get_weights order and layout. */
  public final Param<Vector> initialWeights;
  /** Where tasks compute: auto, cpu, gpu. */
  public final Param<String> device;
  /** The per-sample input shape, overriding the network's. */
  public final IntArrayParam inputShape;

  /** Keras callbacks in Keras' serialized form (a JSON list), saved with the stage. */
  public final Param<String> callbacks;
  /** A boolean column: true marks a validation row (instead of validationSplit). */
  public final Param<String> validationIndicatorCol;
  /** Spark's weightCol: a numeric column of per-row sample weights (unset: every row 1). */
  public final Param<String> weightCol;
  /** Keras' class_weight as a JSON object, class index to weight. */
  public final Param<String> classWeight;

  /**
   * Java callbacks of the next fit that have no Keras serialized form: not a param, so never
   * saved; copies of the stage share them.
   */
  transient List<Callback> javaCallbacks = List.of();

  /**
   * The model the next fit continues from (weights, optimizer state, history), or null: not a
   * param, so never saved; copies of the stage share it.
   */
  transient ModelState initialModel;

  /**
   * Gives a copy of the stage the values that are not Spark params (callbacks, the initial
   * model), as {@code copy(ParamMap)} must.
   *
   * @param copy the copy's definitions
   */
  void copyNonParamsTo(NeuralNetParamDefinitions copy) {
    copy.javaCallbacks = javaCallbacks;
    copy.initialModel = initialModel;
  }

  NeuralNetParamDefinitions(Params owner) {
    layers = new Param<>(owner, "layers",
        "the network: Keras JSON of a Sequential model ({\"class_name\": \"Sequential\", ...}) or"
            + " a list of layers", s -> validLayers(s));
    loss = new Param<>(owner, "loss",
        "loss: categorical_crossentropy, sparse_categorical_crossentropy, binary_crossentropy,"
            + " binary_focal_crossentropy, categorical_focal_crossentropy, hinge, squared_hinge,"
            + " categorical_hinge, kl_divergence, cosine_similarity, mse, mae, huber, log_cosh,"
            + " mape, msle, poisson, Keras JSON {\"class_name\": \"BinaryCrossentropy\","
            + " \"config\": {\"from_logits\": true}}, or auto (cross-entropy for classifiers from the output layer,"
            + " mse for regressors; nll, the distribution's negative log-likelihood, for"
            + " regressors whose distribution is not normal_fixed)",
        s -> "auto".equals(s) || "nll".equals(s) || validLoss(s));
    optimizer = new Param<>(owner, "optimizer",
        "optimizer: sgd, adam, adamw, rmsprop, adagrad, adadelta, nadam, adamax, lion, ftrl,"
            + " adafactor, or Keras JSON"
            + " {\"class_name\": \"Adam\", \"config\": {...}} with its arguments",
        s -> validOptimizer(s));
    learningRate = new DoubleParam(owner, "learningRate",
        "learning rate; overrides the optimizer's own (Keras default) when set (> 0)",
        ParamValidators.gt(0.0));
    metrics = new StringArrayParam(owner, "metrics",
        "metrics reported per epoch: accuracy, binary_accuracy, mse, mae, auc, precision, recall,"
            + " f1_score, top_k_categorical_accuracy, sparse_top_k_categorical_accuracy,"
            + " root_mean_squared_error (rmse), r2_score, nll, coverage, or Keras' serialized"
            + " metric objects such as {\"class_name\": \"AUC\", \"config\": {\"curve\":"
            + " \"PR\"}}", a -> a != null);
    epochs = new IntParam(owner, "epochs", "passes over the training data (>= 1)",
        ParamValidators.gtEq(1.0));
    batchSize = new IntParam(owner, "batchSize", "training minibatch size (>= 1)",
        ParamValidators.gtEq(1.0));
    inferenceBatchSize = new IntParam(owner, "inferenceBatchSize",
        "rows per prediction call in transform() and validation (>= 1)",
        ParamValidators.gtEq(1.0));
    numWorkers = new IntParam(owner, "numWorkers",
        "partitions trained in parallel, each by one task (>= 0; 0 = Spark's default"
            + " parallelism, but each worker with at least minBatchesPerWorker minibatches; an"
            + " explicit count is lowered so that each worker has two full minibatches)",
        ParamValidators.gtEq(0.0));
    averagingFrequency = new IntParam(owner, "averagingFrequency",
        "minibatches each partition trains between two parameter averagings (>= 0; 0 = chosen"
            + " from the data: about " + Averaging.AUTO_ROUNDS_PER_EPOCH + " rounds per epoch with"
            + " several workers, one per epoch with one; a value >= the minibatches per epoch"
            + " averages once per epoch)", ParamValidators.gtEq(0.0));
    minBatchesPerWorker = new IntParam(owner, "minBatchesPerWorker",
        "with numWorkers = 0, the fewest minibatches per epoch each worker trains: small data"
            + " gets fewer workers (>= 1)", ParamValidators.gtEq(1.0));
    outerMomentum = new DoubleParam(owner, "outerMomentum",
        "Nesterov momentum applied by the driver to the averaged change of each round, in [0, 1)"
            + " (0 = the plain average), or -1 = auto: min(0.9, 1 - 1/workers), which is 0 for one"
            + " worker; 0 for optimizers with a momentum of their own (Adam, AdamW, SGD or RMSprop"
            + " with momentum)", v -> validOuterMomentum((Double) v));
    learningRateScaling = new Param<>(owner, "learningRateScaling",
        "the optimizer's learning rate times f(workers): none, sqrt, linear, or auto (linear for"
            + " optimizers with a momentum of their own: Adam, AdamW, SGD or RMSprop with momentum;"
            + " sqrt for the others)",
        s -> Averaging.SCALINGS.contains(s));
    warmupEpochs = new DoubleParam(owner, "warmupEpochs",
        "epochs over which the learning-rate factor of learningRateScaling rises linearly from 1"
            + " (a finite number >= 0), or -1 = auto: when the rate is scaled linearly, "
            + (int) Averaging.AUTO_WARMUP_EPOCHS + " epochs but at most "
            + Averaging.AUTO_WARMUP_STEPS + " minibatches per worker up to "
            + Averaging.WARMUP_FROM_WORKERS + " workers, the full " + (int) Averaging.AUTO_WARMUP_EPOCHS
            + " epochs from " + 2 * Averaging.WARMUP_FROM_WORKERS + " workers on; else none", v -> validWarmup((Double) v));
    batchNormStatistics = new Param<>(owner, "batchNormStatistics",
        "BatchNormalization's moving mean and variance: recompute (exactly, for the averaged"
            + " weights, after every epoch) or average (the partitions' own, averaged)",
        s -> "recompute".equals(s) || "average".equals(s));
    seed = new LongParam(owner, "seed", "random seed");
    validationSplit = new DoubleParam(owner, "validationSplit",
        "fraction of rows held out (at random, seeded) for validation metrics, in [0, 1)",
        ParamValidators.inRange(0.0, 1.0, true, false));
    callbacks = new Param<>(owner, "callbacks",
        "Keras callbacks in Keras' serialized form, a JSON list such as [{\"class_name\":"
            + " \"EarlyStopping\", \"config\": {\"monitor\": \"val_loss\", \"patience\": 3}}];"
            + " known: " + dev.sparkdl.callbacks.Callbacks.names(), s -> validCallbacks(s));
    validationIndicatorCol = new Param<>(owner, "validationIndicatorCol",
        "name of a boolean column: true marks a row held out for validation metrics (null counts"
            + " as false); instead of validationSplit", s -> s != null && !s.isBlank());
    weightCol = new Param<>(owner, "weightCol",
        "weight column name. If this is not set or empty, we treat all instance weights as 1.0"
            + " (finite numbers >= 0; each row's loss is multiplied by its weight, Keras'"
            + " sample_weight; rows of weight 0 are left out)", s -> s != null);
    classWeight = new Param<>(owner, "classWeight",
        "Keras' class_weight: a JSON object of class index to weight, e.g. {\"0\": 1.0, \"1\":"
            + " 5.0}; each row's loss is multiplied by its class's weight (classes not listed weigh"
            + " 1), times its weightCol value", s -> parses(s, NeuralNetParamDefinitions::classWeights));
    verbose = new IntParam(owner, "verbose",
        "0: silent, 1: one line per epoch, 2: also one line per averaging round (where its time"
            + " went)", ParamValidators.inArray(new int[] {0, 1, 2}));
    device = new Param<>(owner, "device",
        "where tasks compute: auto (the GPU Spark assigned to the task, resource \"gpu\", when"
            + " the engine has CUDA natives; else the CPU), cpu, or gpu (fails without one)",
        s -> Engines.DEVICES.contains(s));
    inputShape = new IntArrayParam(owner, "inputShape",
        "per-sample input shape, e.g. [28, 28, 1] to read 784-value vectors as images or [12, 1]"
            + " to read 12-value arrays as sequences; overrides the network's own input shape",
        a -> a != null && a.length > 0 && java.util.Arrays.stream(a).allMatch(d -> d > 0));
    initialWeights = new Param<>(owner, "initialWeights",
        "starting weights, all arrays of Keras' get_weights() flattened and concatenated in"
            + " order (Dense kernels (input_dim, units) row-major)");
  }

  /** Sets the defaults shared by every stage; {@code classifier} picks the default metric. */
  static void setDefaults(NeuralNetParams p, boolean classifier) {
    NeuralNetParamDefinitions s = p.nnParams();
    p.setDefault(s.loss, "auto");
    p.setDefault(s.optimizer, "adam");
    p.setDefault(s.metrics, classifier ? new String[] {"accuracy"} : new String[] {"mse"});
    p.setDefault(s.epochs, 10);
    p.setDefault(s.batchSize, 32);
    p.setDefault(s.inferenceBatchSize, 1024);
    p.setDefault(s.numWorkers, 0);
    p.setDefault(s.averagingFrequency, 0);
    p.setDefault(s.minBatchesPerWorker, 16);
    p.setDefault(s.outerMomentum, -1.0);
    p.setDefault(s.learningRateScaling, "auto");
    p.setDefault(s.warmupEpochs, -1.0);
    p.setDefault(s.batchNormStatistics, "recompute");
    p.setDefault(s.seed, (long) "dev.sparkdl".hashCode());
    p.setDefault(s.validationSplit, 0.0);
    p.setDefault(s.callbacks, "[]");
    p.setDefault(s.verbose, 1);
    p.setDefault(s.device, "auto");
  }

  /**
   * @param json Keras' class_weight as a JSON object, e.g. {@code {"0": 1.0, "1": 5.0}}
   * @return the weights by class index up to the largest listed (unlisted classes 1)
   * @throws IllegalArgumentException naming the bad key or value
   */
  static double[] classWeights(String json) {
    com.fasterxml.jackson.databind.JsonNode n;
    try {
      n = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
    } catch (java.io.IOException e) {
      n = null;
    }
    if (n == null || !n.isObject() || n.isEmpty()) {
      throw new IllegalArgumentException("Received an invalid value for `class_weight`, expected"
          + " a JSON object of class index to weight such as {\"0\": 1.0, \"1\": 5.0}."
          + " Received: class_weight=" + json);
    }
    java.util.TreeMap<Integer, Double> m = new java.util.TreeMap<>();
    java.util.Iterator<java.util.Map.Entry<String, com.fasterxml.jackson.databind.JsonNode>> it =
        n.fields();
    while (it.hasNext()) {
      java.util.Map.Entry<String, com.fasterxml.jackson.databind.JsonNode> e = it.next();
      int c;
      try {
        c = Integer.parseInt(e.getKey().trim());
      } catch (NumberFormatException x) {
        c = -1;
      }
      if (c < 0 || c > 100_000) {
        throw new IllegalArgumentException("`class_weight` must map class indices (integers >="
            + " 0) to weights. Received an invalid key: '" + e.getKey() + "'.");
      }
      double w = e.getValue().isNumber() ? e.getValue().asDouble() : Double.NaN;
      if (!(Double.isFinite(w) && w >= 0)) {
        throw new IllegalArgumentException("Received an invalid value for `class_weight[" + c
            + "]`, expected a finite number >= 0. Received: " + e.getValue());
      }
      m.put(c, w);
    }
    double[] out = new double[m.lastKey() + 1];
    java.util.Arrays.fill(out, 1.0);
    m.forEach((c, w) -> out[c] = w);
    return out;
  }

  private static boolean validCallbacks(String json) {
    dev.sparkdl.callbacks.Callbacks.fromJson(json); // throws with Keras' message
    return true;
  }

  private static boolean validWarmup(double v) {
    return (v == -1 || v >= 0) && !Double.isInfinite(v);
  }

  private static boolean validOuterMomentum(double v) {
    return v == -1 || (v >= 0 && v < 1);
  }

  private static boolean validLayers(String s) {
    return parses(s, Sequential::fromJson);
  }

  private static boolean validLoss(String s) {
    return parses(s, Loss::fromJson);
  }

  private static boolean validOptimizer(String s) {
    return parses(s, Optimizer::fromJson);
  }

  /** @return whether {@code reader} accepts {@code json} */
  private static boolean parses(String json, java.util.function.Function<String, ?> reader) {
    try {
      reader.apply(json);
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }
}
