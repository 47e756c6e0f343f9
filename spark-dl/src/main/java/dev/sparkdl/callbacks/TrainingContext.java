package dev.sparkdl.callbacks;

import dev.sparkdl.engine.WeightSnapshot;
import java.util.function.Supplier;

/**
 * What a callback sees of the running fit (Keras' {@code self.model}): the current averaged
 * weights, and a way to stop training after the current epoch.
 */
public final class TrainingContext {
  private final Supplier<WeightSnapshot> weights;
  private boolean stopRequested;

  /** @param weights supplies the weights as averaged at the end of the last round */
  public TrainingContext(Supplier<WeightSnapshot> weights) {
    this.weights = weights;
  }

  /** @return the weights as averaged at the end of the last round (DJL layout) */
  public WeightSnapshot weights() {
    return weights.get();
  }

  /** Asks the trainer to stop after the current epoch. */
  public void stop() {
    stopRequested = true;
  }

  /** @return true once a callback asked to stop */
  public boolean stopRequested() {
    return stopRequested;
  }
}
