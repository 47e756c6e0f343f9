package dev.sparkdl.callbacks;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Keras' {@code ProgbarLogger}, by name in serialized callbacks: the {@link ProgressLogger} on
 * standard output (a bar on a terminal, one line per epoch otherwise), for fits whose {@code
 * verbose} is 0.
 */
public final class ProgbarLogger implements KerasCallback {
  private final ProgressLogger delegate = new ProgressLogger(System.out);

  @Override
  public String className() {
    return "ProgbarLogger";
  }

  @Override
  public Map<String, Object> config() {
    return new LinkedHashMap<>();
  }

  @Override
  public void onTrainBegin(TrainingContext context) {
    delegate.onTrainBegin(context);
  }

  @Override
  public void onEpochBegin(int epoch, TrainingContext context) {
    delegate.onEpochBegin(epoch, context);
  }

  @Override
  public void onRoundEnd(int epoch, int round, Map<String, Double> stats,
      TrainingContext context) {
    delegate.onRoundEnd(epoch, round, stats, context);
  }

  @Override
  public void onEpochEnd(int epoch, Map<String, Double> logs, double seconds,
      TrainingContext context) {
    delegate.onEpochEnd(epoch, logs, seconds, context);
  }
}
