package dev.sparkdl.callbacks;

import java.util.Map;

/**
 * A hook into training on the driver, as Keras' {@code keras.callbacks.Callback}. All methods
 * have no-op defaults; implementations reset their state in {@link #onTrainBegin}. A callback
 * reads and changes the run through the {@link TrainingContext}: the weights, the learning rate,
 * the history, a request to stop.
 */
public interface Callback {

  /**
   * Training starts (also when it resumes from a backup: {@link TrainingContext#initialEpoch()}
   * says where).
   *
   * @param context the run
   */
  default void onTrainBegin(TrainingContext context) {}

  /**
   * An epoch starts.
   *
   * @param epoch the epoch number, from 1
   * @param context the run
   */
  default void onEpochBegin(int epoch, TrainingContext context) {}

  /**
   * An averaging round ended.
   *
   * @param epoch the epoch number, from 1
   * @param round the round within the epoch, from 0
   * @param stats what the round measured: {@code seconds}, {@code samples}, {@code
   *     samples_per_second}, {@code overhead_fraction}, {@code loss}, and {@code
   *     rounds_per_epoch}
   * @param context the run
   */
  default void onRoundEnd(int epoch, int round, Map<String, Double> stats,
      TrainingContext context) {}

  /**
   * An epoch ended (after averaging and validation).
   *
   * @param epoch the epoch number, from 1
   * @param logs metric name to value: {@code loss}, compiled metrics, {@code val_*}, {@code
   *     learning_rate}; a callback may add entries for the callbacks after it
   * @param seconds the epoch's wall time
   * @param context the run
   */
  default void onEpochEnd(int epoch, Map<String, Double> logs, double seconds,
      TrainingContext context) {}

  /**
   * The loss or the averaged weights stopped being finite. By default the fit fails with a
   * {@link dev.sparkdl.engine.NonFiniteLossException}; a callback that returns true (Keras'
   * {@code TerminateOnNaN}) ends it cleanly instead, the model keeping the last finite weights.
   *
   * @param epoch the epoch number, from 1
   * @param message what was not finite, and where
   * @param context the run
   * @return true to stop training without an error
   */
  default boolean onNonFiniteLoss(int epoch, String message, TrainingContext context) {
    return false;
  }

  /**
   * Training ended (normally or stopped by a callback).
   *
   * @param context the run
   */
  default void onTrainEnd(TrainingContext context) {}
}
