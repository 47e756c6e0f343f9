package dev.sparkdl.callbacks;

import java.util.Map;

/**
 * Keras' {@code TerminateOnNaN}: when the loss (or the averaged weights) stops being finite,
 * training ends cleanly instead of failing, and the model keeps the last finite weights (Keras
 * would keep the broken ones; spark-dl never returns NaN weights). The message says where it
 * happened.
 */
public final class TerminateOnNaN implements KerasCallback {
  private int terminatedEpoch;

  @Override
  public String className() {
    return "TerminateOnNaN";
  }

  @Override
  public Map<String, Object> config() {
    return new java.util.LinkedHashMap<>();
  }

  @Override
  public void onTrainBegin(TrainingContext context) {
    terminatedEpoch = 0;
  }

  @Override
  public boolean onNonFiniteLoss(int epoch, String message, TrainingContext context) {
    terminatedEpoch = epoch;
    System.out.println("Epoch " + epoch + ": Invalid loss, terminating training (" + message
        + "). The model keeps the weights of the last finite round.");
    return true;
  }

  @Override
  public void onEpochEnd(int epoch, Map<String, Double> logs, double seconds,
      TrainingContext context) {
    Double loss = logs.get("loss");
    if (loss != null && !Double.isFinite(loss)) {
      onNonFiniteLoss(epoch, "loss " + loss, context);
      context.stop();
    }
  }

  /** @return the epoch training was terminated in, 0 if it was not */
  public int terminatedEpoch() {
    return terminatedEpoch;
  }
}
