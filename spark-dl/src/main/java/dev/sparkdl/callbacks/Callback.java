package dev.sparkdl.callbacks;

import java.util.Map;

/**
 * A hook into training on the driver. All methods have no-op defaults; implementations reset
 * their state in {@link #onTrainBegin}.
 */
public interface Callback {

  /**
   * Training starts.
   *
   * @param epochs the number of epochs requested
   */
  default void onTrainBegin(int epochs) {}

  /**
   * An epoch ended (after averaging and validation).
   *
   * @param epoch the epoch number, from 1
   * @param logs metric name to value: {@code loss}, compiled metrics, {@code val_*}
   * @param seconds the epoch's wall time
   * @param context the current weights, and a way to stop training
   */
  default void onEpochEnd(int epoch, Map<String, Double> logs, double seconds,
      TrainingContext context) {}

  /** Training ended (normally or stopped by a callback). */
  default void onTrainEnd() {}
}
