package dev.sparkdl.examples;

import dev.sparkdl.callbacks.Callback;
import dev.sparkdl.callbacks.TrainingContext;
import dev.sparkdl.engine.Network;
import dev.sparkdl.spec.Sequential;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A callback that scores a held-out test set on the driver after every epoch with the weights
 * as they stand (the averaged weights, their BatchNormalization statistics included): test
 * accuracy and categorical cross-entropy per epoch.
 */
final class TestSetMonitor implements Callback {
  /**
   * One epoch's figures.
   *
   * @param seconds the epoch's training time, including the time to read the weights (which
   *     recomputes BatchNormalization's statistics for them)
   */
  record Epoch(int epoch, double accuracy, double loss, double trainLoss, double seconds) {}

  private final Sequential spec;
  private final float[] x;
  private final int[] labels;
  private final Consumer<Epoch> onEpoch;
  private final List<Epoch> epochs = new ArrayList<>();

  /**
   * @param spec the network, with its input shape
   * @param x the test features, row-major
   * @param labels the test class indices
   * @param onEpoch receives each epoch's figures as they are computed
   */
  TestSetMonitor(Sequential spec, float[] x, int[] labels, Consumer<Epoch> onEpoch) {
    this.spec = spec;
    this.x = x;
    this.labels = labels;
    this.onEpoch = onEpoch;
  }

  List<Epoch> epochs() {
    return epochs;
  }

  @Override
  public void onTrainBegin(TrainingContext context) {
    this.epochs.clear();
  }

  @Override
  public void onEpochEnd(int epoch, Map<String, Double> logs, double seconds,
      TrainingContext context) {
    long t0 = System.nanoTime();
    dev.sparkdl.engine.WeightSnapshot weights = context.weights();
    double read = (System.nanoTime() - t0) / 1e9;
    double[] r = score(weights);
    Epoch e = new Epoch(epoch, r[0], r[1], logs.getOrDefault("loss", Double.NaN), seconds + read);
    epochs.add(e);
    onEpoch.accept(e);
  }

  private double[] score(dev.sparkdl.engine.WeightSnapshot weights) {
    try (Network net = Network.create(spec, null, 0)) {
      net.setWeights(weights);
      int d = net.inputSize();
      int k = net.outputSize();
      int n = labels.length;
      int correct = 0;
      double loss = 0;
      int batch = 1000;
      for (int from = 0; from < n; from += batch) {
        int m = Math.min(batch, n - from);
        float[] xb = new float[m * d];
        System.arraycopy(x, from * d, xb, 0, m * d);
        float[] p = net.predict(xb, m);
        for (int i = 0; i < m; i++) {
          int label = labels[from + i];
          int best = 0;
          double pLabel;
          if (k == 1) { // one sigmoid unit: p is the probability of class 1
            best = p[i] >= 0.5f ? 1 : 0;
            pLabel = label == 1 ? p[i] : 1 - p[i];
          } else {
            for (int j = 1; j < k; j++) {
              if (p[i * k + j] > p[i * k + best]) {
                best = j;
              }
            }
            pLabel = p[i * k + label];
          }
          correct += best == label ? 1 : 0;
          loss -= Math.log(Math.max(pLabel, 1e-7));
        }
      }
      return new double[] {(double) correct / n, loss / n};
    }
  }
}
