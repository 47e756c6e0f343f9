package dev.sparkdl.ml;

import dev.sparkdl.spec.Sequential;
import java.util.List;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.param.StringArrayParam;

/**
 * The params of spark-dl's estimators and models, with their getters. Spark discovers params by
 * reflection over public zero-argument methods returning {@code Param}; these default methods
 * are such methods. The instances live in {@link NeuralNetParamDefinitions}.
 */
public interface NeuralNetParams extends Params {

  /** @return the stage's param instances (not itself a param) */
  NeuralNetParamDefinitions nnParams();

  /**
   * @return the param {@code layers}: the network as Keras JSON (read it with {@code getLayers()})
   */
  default Param<String> layers() {
    return nnParams().layers;
  }

  /**
   * @return the param {@code loss}: the loss name or JSON, or "auto" (read it with {@code
   *     getLoss()})
   */
  default Param<String> loss() {
    return nnParams().loss;
  }

  /**
   * @return the param {@code optimizer}: the optimizer name or JSON (read it with {@code
   *     getOptimizer()})
   */
  default Param<String> optimizer() {
    return nnParams().optimizer;
  }

  /**
   * @return the param {@code learningRate}: the learning-rate override (read it with {@code
   *     getLearningRate()})
   */
  default DoubleParam learningRate() {
    return nnParams().learningRate;
  }

  /** @return the param {@code metrics}: the metric names (read it with {@code getMetrics()}) */
  default StringArrayParam metrics() {
    return nnParams().metrics;
  }

  /** @return the param {@code epochs}: passes over the data (read it with {@code getEpochs()}) */
  default IntParam epochs() {
    return nnParams().epochs;
  }

  /**
   * @return the param {@code batchSize}: the training minibatch size (read it with {@code
   *     getBatchSize()})
   */
  default IntParam batchSize() {
    return nnParams().batchSize;
  }

  /**
   * @return the param {@code inferenceBatchSize}: rows per prediction call (read it with {@code
   *     getInferenceBatchSize()})
   */
  default IntParam inferenceBatchSize() {
    return nnParams().inferenceBatchSize;
  }

  /**
   * @return the param {@code numWorkers}: partitions trained in parallel (read it with {@code
   *     getNumWorkers()})
   */
  default IntParam numWorkers() {
    return nnParams().numWorkers;
  }

  /**
   * @return the param {@code averagingFrequency}: minibatches per partition between averagings
   *     (read it with {@code getAveragingFrequency()})
   */
  default IntParam averagingFrequency() {
    return nnParams().averagingFrequency;
  }

  /**
   * @return the param {@code minBatchesPerWorker}: the fewest minibatches per worker when
   *     numWorkers is 0 (read it with {@code getMinBatchesPerWorker()})
   */
  default IntParam minBatchesPerWorker() {
    return nnParams().minBatchesPerWorker;
  }

  /**
   * @return the param {@code outerMomentum}: the outer momentum (-1: auto) (read it with {@code
   *     getOuterMomentum()})
   */
  default DoubleParam outerMomentum() {
    return nnParams().outerMomentum;
  }

  /**
   * @return the param {@code learningRateScaling}: auto, none, sqrt or linear (read it with {@code
   *     getLearningRateScaling()})
   */
  default Param<String> learningRateScaling() {
    return nnParams().learningRateScaling;
  }

  /**
   * @return the param {@code warmupEpochs}: epochs of learning-rate warm-up (read it with {@code
   *     getWarmupEpochs()})
   */
  default DoubleParam warmupEpochs() {
    return nnParams().warmupEpochs;
  }

  /**
   * @return the param {@code batchNormStatistics}: recompute or average (read it with {@code
   *     getBatchNormStatistics()})
   */
  default Param<String> batchNormStatistics() {
    return nnParams().batchNormStatistics;
  }

  /** @return the fewest minibatches per worker when numWorkers is 0 */
  default int getMinBatchesPerWorker() {
    return (Integer) getOrDefault(minBatchesPerWorker());
  }

  /** @return the outer momentum (-1: auto) */
  default double getOuterMomentum() {
    return (Double) getOrDefault(outerMomentum());
  }

  /** @return auto, none, sqrt or linear */
  default String getLearningRateScaling() {
    return getOrDefault(learningRateScaling());
  }

  /** @return epochs of learning-rate warm-up */
  default double getWarmupEpochs() {
    return (Double) getOrDefault(warmupEpochs());
  }

  /** @return recompute or average */
  default String getBatchNormStatistics() {
    return getOrDefault(batchNormStatistics());
  }

  /** @return the averaging strategy these params describe (automatic choices unresolved) */
  default dev.sparkdl.distributed.Averaging getAveraging() {
    return new dev.sparkdl.distributed.Averaging(getAveragingFrequency(), getOuterMomentum(),
        getLearningRateScaling(), getWarmupEpochs(), "recompute".equals(getBatchNormStatistics()));
  }

  /** @return the param {@code seed}: the seed (read it with {@code getSeed()}) */
  default LongParam seed() {
    return nnParams().seed;
  }

  /**
   * @return the param {@code validationSplit}: the validation fraction (read it with {@code
   *     getValidationSplit()})
   */
  default DoubleParam validationSplit() {
    return nnParams().validationSplit;
  }

  /** @return the param {@code verbose}: the verbosity (read it with {@code getVerbose()}) */
  default IntParam verbose() {
    return nnParams().verbose;
  }

  /** @return the param {@code device}: where tasks compute (read it with {@code getDevice()}) */
  default Param<String> device() {
    return nnParams().device;
  }

  /** @return auto, cpu or gpu */
  default String getDevice() {
    return getOrDefault(device());
  }

  /**
   * @return the param {@code initialWeights}: the starting weights (read it with {@code
   *     getInitialWeights()})
   */
  default Param<Vector> initialWeights() {
    return nnParams().initialWeights;
  }

  /** @return the network JSON */
  default String getLayers() {
    if (!isDefined(layers())) {
      throw new IllegalArgumentException(
          "The network is not set: call setLayers(Sequential.of(...)) or setLayers(json) before"
              + " fit.");
    }
    return getOrDefault(layers());
  }

  /** @return the network spec, with the inputShape param applied when set */
  default Sequential getLayersSpec() {
    Sequential net = Sequential.fromJson(getLayers());
    if (isDefined(inputShape())) {
      java.util.List<Integer> shape = new java.util.ArrayList<>();
      for (int d : (int[]) getOrDefault(inputShape())) {
        shape.add(d);
      }
      net = net.withInputShape(shape);
    }
    return net;
  }

  /** @return the per-sample input shape param */
  default org.apache.spark.ml.param.IntArrayParam inputShape() {
    return nnParams().inputShape;
  }

  /** @return the loss */
  default String getLoss() {
    return getOrDefault(loss());
  }

  /** @return the optimizer */
  default String getOptimizer() {
    return getOrDefault(optimizer());
  }

  /** @return the learning-rate override, or NaN if not set */
  default double getLearningRate() {
    return isDefined(learningRate()) ? (Double) getOrDefault(learningRate()) : Double.NaN;
  }

  /** @return the metric names */
  default String[] getMetrics() {
    return getOrDefault(metrics());
  }

  /** @return epochs */
  default int getEpochs() {
    return (Integer) getOrDefault(epochs());
  }

  /** @return the minibatch size */
  default int getBatchSize() {
    return (Integer) getOrDefault(batchSize());
  }

  /** @return rows per prediction call */
  default int getInferenceBatchSize() {
    return (Integer) getOrDefault(inferenceBatchSize());
  }

  /** @return partitions trained in parallel (0: default parallelism) */
  default int getNumWorkers() {
    return (Integer) getOrDefault(numWorkers());
  }

  /** @return minibatches between averagings (0: chosen from the data) */
  default int getAveragingFrequency() {
    return (Integer) getOrDefault(averagingFrequency());
  }

  /**
   * @return the param {@code callbacks}: Keras callbacks in Keras' serialized form (read them
   *     with {@code getCallbacks()})
   */
  default Param<String> callbacks() {
    return nnParams().callbacks;
  }

  /**
   * @return the param {@code validationIndicatorCol}: a boolean column marking validation rows
   */
  default Param<String> validationIndicatorCol() {
    return nnParams().validationIndicatorCol;
  }

  /** @return the Keras callbacks param, a JSON list in Keras' serialized form */
  default String getCallbacksJson() {
    return (String) getOrDefault(callbacks());
  }

  /**
   * @return the callbacks of the next fit: new instances of the Keras callbacks of the {@code
   *     callbacks} param (each fit, and each CrossValidator fold, gets its own state), then the
   *     Java callbacks set with {@code setCallbacks(Callback...)} that have no serialized form
   */
  default List<dev.sparkdl.callbacks.Callback> getCallbacks() {
    List<dev.sparkdl.callbacks.Callback> all =
        new java.util.ArrayList<>(dev.sparkdl.callbacks.Callbacks.fromJson(getCallbacksJson()));
    if (nnParams().javaCallbacks != null) {
      all.addAll(nnParams().javaCallbacks);
    }
    return all;
  }

  /** @return the param {@code weightCol}: Spark's per-row sample-weight column */
  default Param<String> weightCol() {
    return nnParams().weightCol;
  }

  /** @return the param {@code classWeight}: Keras' class_weight as JSON */
  default Param<String> classWeight() {
    return nnParams().classWeight;
  }

  /** @return the sample-weight column's name, or null if not set or empty */
  default String getWeightCol() {
    String c = isDefined(weightCol()) ? (String) getOrDefault(weightCol()) : null;
    return c == null || c.isEmpty() ? null : c;
  }

  /**
   * @return Keras' class_weight by class index (classes past the end weigh 1), or null if not
   *     set
   */
  default double[] getClassWeights() {
    return isDefined(classWeight())
        ? NeuralNetParamDefinitions.classWeights((String) getOrDefault(classWeight())) : null;
  }

  /** @return Keras' class_weight, class index to weight (empty if not set) */
  default java.util.Map<Integer, Double> getClassWeight() {
    double[] w = getClassWeights();
    java.util.Map<Integer, Double> m = new java.util.TreeMap<>();
    if (w != null) {
      com.fasterxml.jackson.databind.JsonNode n;
      try {
        n = new com.fasterxml.jackson.databind.ObjectMapper().readTree(
            (String) getOrDefault(classWeight()));
      } catch (java.io.IOException e) {
        throw new IllegalStateException(e);
      }
      n.fieldNames().forEachRemaining(k -> m.put(Integer.parseInt(k.trim()),
          w[Integer.parseInt(k.trim())]));
    }
    return m;
  }

  /** @return the validation indicator column's name, or null if not set */
  default String getValidationIndicatorCol() {
    return isDefined(validationIndicatorCol()) ? (String) getOrDefault(validationIndicatorCol())
        : null;
  }

  /** @return the seed */
  default long getSeed() {
    return (Long) getOrDefault(seed());
  }

  /** @return the validation fraction */
  default double getValidationSplit() {
    return (Double) getOrDefault(validationSplit());
  }

  /** @return the verbosity */
  default int getVerbose() {
    return (Integer) getOrDefault(verbose());
  }

  /** @return the starting weights, or null */
  default Vector getInitialWeights() {
    return isDefined(initialWeights()) ? getOrDefault(initialWeights()) : null;
  }
}
