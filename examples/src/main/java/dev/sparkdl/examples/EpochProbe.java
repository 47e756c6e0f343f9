package dev.sparkdl.examples;

import static dev.sparkdl.examples.Benchmark.round;

import dev.sparkdl.callbacks.Callback;
import dev.sparkdl.callbacks.TrainingContext;
import dev.sparkdl.engine.Network;
import dev.sparkdl.spec.Sequential;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Scores the test set after every epoch on the driver; its time is kept out of training. The
 * time to read the weights counts as training: it includes recomputing BatchNormalization's
 * statistics for them, without which the weights are not a usable model.
 */
final class EpochProbe implements Callback {
  private final Sequential spec;
  private final float[][] test;
  private final List<Double> accuracies = new ArrayList<>();
  private final List<Double> cumulative = new ArrayList<>();
  private double trainSeconds;
  double evalSeconds;

  EpochProbe(Sequential spec, float[][] test) {
    this.spec = spec;
    this.test = test;
  }

  @Override
  public void onEpochEnd(int epoch, Map<String, Double> logs, double seconds,
      TrainingContext context) {
    long w0 = System.nanoTime();
    dev.sparkdl.engine.WeightSnapshot weights = context.weights();
    long t0 = System.nanoTime();
    trainSeconds += seconds + (t0 - w0) / 1e9;
    cumulative.add(trainSeconds);
    try (Network net = Network.create(spec, null, 0)) {
      net.setWeights(weights);
      int n = test[1].length;
      int correct = 0;
      for (int from = 0; from < n; from += 1000) {
        int b = Math.min(1000, n - from);
        float[] p = net.predict(java.util.Arrays.copyOfRange(test[0], from * 784, (from + b) * 784), b);
        for (int i = 0; i < b; i++) {
          int best = 0;
          for (int k = 1; k < 10; k++) {
            best = p[i * 10 + k] > p[i * 10 + best] ? k : best;
          }
          correct += best == (int) test[1][from + i] ? 1 : 0;
        }
      }
      accuracies.add(round(correct / (double) n));
    }
    evalSeconds += (System.nanoTime() - t0) / 1e9;
    System.err.printf("benchmark:   epoch %d: %.2f s, test accuracy %.4f%n", epoch, seconds,
        accuracies.get(accuracies.size() - 1));
  }

  double trainSeconds() {
    return trainSeconds;
  }

  List<Double> accuracies() {
    return accuracies;
  }

  Double secondsTo97() {
    for (int i = 0; i < accuracies.size(); i++) {
      if (accuracies.get(i) >= 0.97) {
        return round(cumulative.get(i));
      }
    }
    return null;
  }
}
