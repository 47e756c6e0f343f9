package dev.sparkdl.ml;

import dev.sparkdl.spec.Sequential;
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
 * are such methods. The instances live in {@link NeuralNetParamSet}.
 */
public interface NeuralNetParams extends Params {

  /** @return the stage's param instances (not itself a param) */
  NeuralNetParamSet nnParams();

  /** @return the network as Keras JSON */
  default Param<String> layers() {
    return nnParams().layers;
  }

  /** @return the loss name or JSON, or "auto" */
  default Param<String> loss() {
    return nnParams().loss;
  }

  /** @return the optimizer name or JSON */
  default Param<String> optimizer() {
    return nnParams().optimizer;
  }

  /** @return the learning-rate override */
  default DoubleParam learningRate() {
    return nnParams().learningRate;
  }

  /** @return the metric names */
  default StringArrayParam metrics() {
    return nnParams().metrics;
  }

  /** @return passes over the data */
  default IntParam epochs() {
    return nnParams().epochs;
  }

  /** @return the training minibatch size */
  default IntParam batchSize() {
    return nnParams().batchSize;
  }

  /** @return rows per prediction call */
  default IntParam inferenceBatchSize() {
    return nnParams().inferenceBatchSize;
  }

  /** @return partitions trained in parallel */
  default IntParam numWorkers() {
    return nnParams().numWorkers;
  }

  /** @return minibatches per partition between averagings */
  default IntParam averagingFrequency() {
    return nnParams().averagingFrequency;
  }

  /** @return the fewest minibatches per worker when numWorkers is 0 */
  default IntParam minBatchesPerWorker() {
    return nnParams().minBatchesPerWorker;
  }

  /** @return the outer momentum (-1: auto) */
  default DoubleParam outerMomentum() {
    return nnParams().outerMomentum;
  }

  /** @return auto, none, sqrt or linear */
  default Param<String> learningRateScaling() {
    return nnParams().learningRateScaling;
  }

  /** @return epochs of learning-rate warm-up */
  default DoubleParam warmupEpochs() {
    return nnParams().warmupEpochs;
  }

  /** @return recompute or average */
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

  /** @return the seed */
  default LongParam seed() {
    return nnParams().seed;
  }

  /** @return the validation fraction */
  default DoubleParam validationSplit() {
    return nnParams().validationSplit;
  }

  /** @return the verbosity */
  default IntParam verbose() {
    return nnParams().verbose;
  }

  /** @return where tasks compute */
  default Param<String> device() {
    return nnParams().device;
  }

  /** @return auto, cpu or gpu */
  default String getDevice() {
    return getOrDefault(device());
  }

  /** @return the starting weights */
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
