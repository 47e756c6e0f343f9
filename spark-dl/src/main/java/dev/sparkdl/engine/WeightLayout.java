package dev.sparkdl.engine;

import java.io.Serializable;
import java.util.Arrays;

/**
 * What the code outside the engine needs to know about a network's {@link WeightSnapshot}
 * without building the network: which arrays are trained (the others are running statistics),
 * and where each BatchNormalization layer keeps its moving mean and variance.
 */
public final class WeightLayout implements Serializable {
  private static final long serialVersionUID = 1L;
  private final boolean[] trainable;
  private final int[] movingMean;
  private final int[] movingVariance;

  WeightLayout(boolean[] trainable, int[] movingMean, int[] movingVariance) {
    this.trainable = trainable;
    this.movingMean = movingMean;
    this.movingVariance = movingVariance;
  }

  /** @return the number of arrays in the snapshot */
  public int size() {
    return trainable.length;
  }

  /** @return true if array {@code index} is trained by the optimizer (not a running statistic) */
  public boolean trainable(int index) {
    return trainable[index];
  }

  /** @return the number of BatchNormalization layers */
  public int normalizationLayers() {
    return movingMean.length;
  }

  /** @return the snapshot index of normalization layer {@code layer}'s moving mean */
  public int movingMean(int layer) {
    return movingMean[layer];
  }

  /** @return the snapshot index of normalization layer {@code layer}'s moving variance */
  public int movingVariance(int layer) {
    return movingVariance[layer];
  }

  @Override
  public String toString() {
    return "WeightLayout(trainable=" + Arrays.toString(trainable) + ", movingMean="
        + Arrays.toString(movingMean) + ", movingVariance=" + Arrays.toString(movingVariance)
        + ")";
  }
}
