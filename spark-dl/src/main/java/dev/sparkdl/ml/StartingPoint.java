package dev.sparkdl.ml;

import dev.sparkdl.callbacks.History;
import dev.sparkdl.callbacks.TrainingContext;
import dev.sparkdl.engine.Network;
import dev.sparkdl.engine.OptimizerState;
import dev.sparkdl.engine.Tensor;
import dev.sparkdl.engine.WeightLayout;
import dev.sparkdl.engine.WeightSnapshot;
import dev.sparkdl.spec.NetworkContract;
import dev.sparkdl.spec.Sequential;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.linalg.Vector;

/**
 * Where a fit starts: fresh seeded weights, the estimator's {@code initialWeights} (Keras
 * order), or a warm start from a fitted model's weights, optimizer state and history. Built
 * with the one network the driver needs for a fit.
 *
 * @param weights the initial weights
 * @param optimizer the optimizer state to continue from, or null for a fresh one
 * @param history the history to continue, or null
 * @param layout the network's weight layout (which arrays are trained, which are statistics)
 */
record StartingPoint(
    WeightSnapshot weights, OptimizerState optimizer, History history, WeightLayout layout) {

  /**
   * @param p the estimator's params
   * @param contract the fit's contract, input shape set
   * @param seed the fit's seed
   * @return the starting point
   */
  static StartingPoint of(NeuralNetParams p, NetworkContract contract, long seed) {
    ModelState from = p.nnParams().initialModel;
    try (Network net = Network.create(contract.network(), contract.compile(), seed)) {
      if (from != null) {
        checkWarmStart(from, contract.network());
        OptimizerState optimizer = from.optimizer() != null
            && from.compile().optimizer().getClass()
                .equals(contract.compile().optimizer().getClass())
            ? from.optimizer() : null;
        return new StartingPoint(from.weights(), optimizer, from.history(), net.layout());
      }
      Vector init = p.getInitialWeights();
      if (init != null) {
        net.setKerasWeights(split(net, contract, init));
      }
      return new StartingPoint(net.weights(), null, null, net.layout());
    }
  }

  /**
   * The starting point of a fit resumed from a BackupAndRestore backup: its weights, optimizer
   * state and history, checked against this network.
   *
   * @param backup the last completed epoch's backup
   * @param dir the backup directory, for messages
   * @return the resumed starting point
   */
  StartingPoint resumedFrom(TrainingContext.Backup backup, String dir) {
    WeightSnapshot w = backup.weights();
    boolean same = w.size() == weights.size();
    for (int i = 0; same && i < w.size(); i++) {
      same = w.name(i).equals(weights.name(i))
          && java.util.Arrays.equals(w.shape(i), weights.shape(i));
    }
    if (!same) {
      throw new IllegalArgumentException("BackupAndRestore: " + dir + " holds the backup of"
          + " another network (" + w.size() + " weight arrays, " + w.totalValues() + " values;"
          + " this network has " + weights.size() + ", " + weights.totalValues() + "). Give this"
          + " fit its own backup_dir, or delete the directory to start afresh.");
    }
    return new StartingPoint(w, backup.optimizer(), backup.history(), layout);
  }

  /** A warm start needs the very network the initial model was trained with. */
  private static void checkWarmStart(ModelState from, Sequential spec) {
    Sequential trained = from.spec();
    if (!trained.equals(spec)) {
      throw new IllegalArgumentException(
          "initialModel was trained with another network (" + trained.toJson() + ") than this"
              + " estimator's layers (" + spec.toJson() + "). Warm start continues the same"
              + " network: set the estimator's layers to the model's network().");
    }
  }

  /**
   * Checks a flat Keras-order weight vector's length against the network's parameter count,
   * without building a network.
   */
  static void checkInitialWeightsCount(NetworkContract contract, Vector flat) {
    long total = contract.paramCount();
    if (flat.size() != total) {
      throw new IllegalArgumentException(
          "initialWeights has " + flat.size() + " values, the network needs " + total
              + " (Keras get_weights order, every layer's weights in turn;"
              + " model.count_params() in Keras).");
    }
  }

  /** Splits a flat Keras-order vector into the network's arrays, checking the total size. */
  private static List<Tensor> split(Network net, NetworkContract contract, Vector flat) {
    List<Tensor> shapes = net.kerasWeights();
    int total = shapes.stream().mapToInt(Tensor::size).sum();
    if (flat.size() != total) {
      throw new IllegalArgumentException(
          "initialWeights has " + flat.size() + " values, the network needs " + total
              + " (Keras get_weights order: " + net.kerasDescription() + ").");
    }
    double[] v = flat.toArray();
    List<Tensor> out = new ArrayList<>();
    int at = 0;
    for (Tensor t : shapes) {
      float[] f = new float[t.size()];
      for (int i = 0; i < f.length; i++) {
        f[i] = (float) v[at++];
      }
      out.add(new Tensor(t.shape(), f));
    }
    return out;
  }
}
