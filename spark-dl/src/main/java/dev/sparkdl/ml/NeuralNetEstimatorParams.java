package dev.sparkdl.ml;

import dev.sparkdl.callbacks.Callback;
import dev.sparkdl.callbacks.Callbacks;
import dev.sparkdl.callbacks.KerasCallback;
import dev.sparkdl.spec.Loss;
import java.util.List;
import dev.sparkdl.spec.Optimizer;
import dev.sparkdl.spec.Sequential;
import org.apache.spark.ml.linalg.Vector;

/**
 * Fluent setters of the training params, shared by both estimators. Names are checked as they
 * are set, so a misspelt loss or layer fails on the line that set it.
 *
 * @param <T> the estimator type the setters return
 */
public interface NeuralNetEstimatorParams<T extends NeuralNetEstimatorParams<T>>
    extends NeuralNetParams {

  /** @return this, typed */
  @SuppressWarnings("unchecked")
  default T self() {
    return (T) this;
  }

  /** Sets the network. */
  default T setLayers(Sequential network) {
    set(layers(), network.toJson());
    return self();
  }

  /** Sets the network from Keras JSON (a Sequential model or a list of layers). */
  default T setLayers(String json) {
    set(layers(), Sequential.fromJson(json).toJson());
    return self();
  }

  /**
   * Sets the loss by name ("categorical_crossentropy", ..., "auto", or "nll" for a regressor
   * whose distribution is normal or poisson).
   */
  default T setLoss(String name) {
    // "nll": a regressor's distribution's negative log-likelihood, resolved when fitting
    set(loss(), "auto".equals(name) || "nll".equals(name)
        ? name : ParamValues.of(Loss.fromJson(name)));
    return self();
  }

  /** Sets the loss. */
  default T setLoss(Loss value) {
    set(loss(), ParamValues.of(value));
    return self();
  }

  /** Sets the optimizer by name (Keras defaults) or Keras JSON. */
  default T setOptimizer(String nameOrJson) {
    set(optimizer(), ParamValues.of(Optimizer.fromJson(nameOrJson)));
    return self();
  }

  /** Sets the optimizer with its arguments. */
  default T setOptimizer(Optimizer value) {
    set(optimizer(), ParamValues.of(value));
    return self();
  }

  /** Overrides the optimizer's learning rate. */
  default T setLearningRate(double value) {
    set(learningRate(), ParamValues.checked(learningRate(), value, "setLearningRate"));
    return self();
  }

  /** Sets the metrics. */
  default T setMetrics(String... names) {
    for (String n : names) {
      dev.sparkdl.spec.Metrics.check(n);
    }
    set(metrics(), names);
    return self();
  }

  /** Sets the number of epochs. */
  default T setEpochs(int value) {
    set(epochs(), ParamValues.checked(epochs(), value, "setEpochs"));
    return self();
  }

  /** Sets the training minibatch size. */
  default T setBatchSize(int value) {
    set(batchSize(), ParamValues.checked(batchSize(), value, "setBatchSize"));
    return self();
  }

  /** Sets the rows per prediction call. */
  default T setInferenceBatchSize(int value) {
    set(inferenceBatchSize(), ParamValues.checked(inferenceBatchSize(), value, "setInferenceBatchSize"));
    return self();
  }

  /**
   * Sets the number of partitions trained in parallel (0, the default: as many as help —
   * Spark's default parallelism, each worker with at least minBatchesPerWorker minibatches).
   */
  default T setNumWorkers(int value) {
    set(numWorkers(), ParamValues.checked(numWorkers(), value, "setNumWorkers"));
    return self();
  }

  /**
   * Sets minibatches per partition between averagings (0, the default: chosen from the data,
   * about 4 rounds per epoch with several workers; a value at least the minibatches per epoch
   * averages once per epoch).
   */
  default T setAveragingFrequency(int value) {
    set(averagingFrequency(), ParamValues.checked(averagingFrequency(), value, "setAveragingFrequency"));
    return self();
  }

  /** Sets the fewest minibatches per epoch a worker trains when numWorkers is 0 (default 16). */
  default T setMinBatchesPerWorker(int value) {
    set(minBatchesPerWorker(), ParamValues.checked(minBatchesPerWorker(), value, "setMinBatchesPerWorker"));
    return self();
  }

  /**
   * Sets the Nesterov momentum of the driver's outer update (0: the plain average; -1, the
   * default: {@code min(0.9, 1 - 1/workers)}, and 0 for optimizers with a momentum of their
   * own).
   */
  default T setOuterMomentum(double value) {
    set(outerMomentum(), ParamValues.checked(outerMomentum(), value, "setOuterMomentum"));
    return self();
  }

  /**
   * Sets how the learning rate scales with the workers: auto (the default: linear for
   * optimizers with a momentum of their own, sqrt for the others), none, sqrt or linear.
   */
  default T setLearningRateScaling(String value) {
    set(learningRateScaling(), ParamValues.checked(learningRateScaling(), value, "setLearningRateScaling"));
    return self();
  }

  /**
   * Sets the epochs over which the scaled learning rate is reached (-1, the default: when the
   * rate is scaled linearly, 2 epochs but at most 50 minibatches per worker up to 16 workers,
   * the full 2 epochs from 32 workers on; else 0).
   */
  default T setWarmupEpochs(double value) {
    set(warmupEpochs(), ParamValues.checked(warmupEpochs(), value, "setWarmupEpochs"));
    return self();
  }

  /** Sets where BatchNormalization's moving statistics come from: recompute (default), average. */
  default T setBatchNormStatistics(String value) {
    set(batchNormStatistics(), ParamValues.checked(batchNormStatistics(), value, "setBatchNormStatistics"));
    return self();
  }

  /**
   * Sets the whole averaging strategy, e.g. {@link dev.sparkdl.distributed.Averaging#plain()}
   * for the plain average once per epoch.
   */
  default T setAveraging(dev.sparkdl.distributed.Averaging value) {
    set(averagingFrequency(), value.frequency());
    set(outerMomentum(), value.outerMomentum());
    set(learningRateScaling(), value.learningRateScaling());
    set(warmupEpochs(), value.warmupEpochs());
    set(batchNormStatistics(), value.recomputeStatistics() ? "recompute" : "average");
    return self();
  }

  /** Sets the seed. */
  default T setSeed(long value) {
    set(seed(), value);
    return self();
  }

  /** Sets the fraction of rows held out for validation. */
  default T setValidationSplit(double value) {
    set(validationSplit(), ParamValues.checked(validationSplit(), value, "setValidationSplit"));
    return self();
  }

  /** Sets the verbosity: 0 silent, 1 a line per epoch, 2 also a line per averaging round. */
  default T setVerbose(int value) {
    set(verbose(), ParamValues.checked(verbose(), value, "setVerbose"));
    return self();
  }

  /**
   * Sets the per-sample input shape, e.g. {@code setInputShape(28, 28, 1)} to read 784-value
   * vectors as images; overrides the network's own.
   */
  default T setInputShape(int... dims) {
    set(inputShape(), dims);
    return self();
  }

  /** Sets where tasks compute: auto (default), cpu or gpu. */
  default T setDevice(String value) {
    set(device(), ParamValues.checked(device(), value, "setDevice"));
    return self();
  }

  /** Sets starting weights, flat in Keras' get_weights order (MLPC's initialWeights). */
  default T setInitialWeights(Vector value) {
    set(initialWeights(), value);
    return self();
  }

  /**
   * Sets the callbacks of {@code fit} (Keras' {@code fit(callbacks=[...])}; history and the
   * progress line are always on), replacing those set before. Keras callbacks ({@link
   * KerasCallback}: EarlyStopping, ModelCheckpoint, BackupAndRestore, ...) go into the {@code
   * callbacks} param in Keras' serialized form, so they are saved with the stage, and each fit
   * runs fresh instances of them; other Java callbacks are kept as objects, not saved.
   */
  default T setCallbacks(Callback... values) {
    List<KerasCallback> keras = new java.util.ArrayList<>();
    List<Callback> java = new java.util.ArrayList<>();
    for (Callback c : values) {
      if (c instanceof KerasCallback k && k.serializable()) {
        keras.add(k);
      } else {
        java.add(c);
      }
    }
    set(callbacks(), Callbacks.toJson(keras));
    nnParams().javaCallbacks = List.copyOf(java);
    return self();
  }

  /**
   * Sets Keras callbacks in Keras' serialized form, e.g. {@code [{"class_name":
   * "EarlyStopping", "config": {"monitor": "val_loss", "patience": 3}}]}; saved with the stage.
   * Java callbacks set before are kept.
   */
  default T setCallbacks(String kerasJson) {
    set(callbacks(), kerasJson);
    return self();
  }

  /**
   * Sets the boolean column whose true rows are held out for validation metrics (Spark's
   * validationIndicatorCol, as the GBT estimators have), instead of validationSplit.
   */
  default T setValidationIndicatorCol(String value) {
    set(validationIndicatorCol(), value);
    return self();
  }

  /**
   * Sets Spark's weightCol: a numeric column of per-row sample weights (finite, &gt;= 0), Keras'
   * {@code sample_weight}: each row's loss is multiplied by its weight and the batch's sum is
   * divided by the batch size (Keras' {@code sum_over_batch_size}); rows of weight 0 are left
   * out. The metrics are weighted the same way (as Spark's evaluators; Keras' {@code
   * weighted_metrics}). Null or empty: every row 1.
   */
  default T setWeightCol(String value) {
    set(weightCol(), value == null ? "" : value);
    return self();
  }

  /**
   * Sets Keras' {@code class_weight}: each row's loss is multiplied by its class's weight
   * (classes not listed weigh 1), and by its weightCol value if that is set; e.g. {@code
   * setClassWeight(Map.of(0, 1.0, 1, 5.0))}. Checked against the number of classes at fit
   * start. Null clears it.
   */
  default T setClassWeight(java.util.Map<Integer, Double> weights) {
    if (weights == null) {
      clear(classWeight());
      return self();
    }
    com.fasterxml.jackson.databind.node.ObjectNode n =
        new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
    new java.util.TreeMap<>(weights).forEach((c, w) -> n.put(String.valueOf(c), w));
    return setClassWeight(n.toString());
  }

  /** Sets Keras' {@code class_weight} as a JSON object, e.g. {@code {"0": 1.0, "1": 5.0}}. */
  default T setClassWeight(String json) {
    NeuralNetParamDefinitions.classWeights(json); // Keras-style message on a bad one
    set(classWeight(), json);
    return self();
  }

  /**
   * Warm start: the next fit continues from this model — its weights, its optimizer state
   * (when the optimizer is the same kind) and its history, with epochs numbered on from it — as
   * if training had not stopped. The network must be the same. Not a param: not saved with
   * the estimator.
   */
  default T setInitialModel(NeuralNetModel model) {
    nnParams().initialModel = model == null ? null : model.state();
    return self();
  }
}
