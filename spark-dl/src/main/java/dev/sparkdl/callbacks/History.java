package dev.sparkdl.callbacks;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Per-epoch metrics of a training run, as Keras' {@code History}: {@code get("loss")} is the
 * list of Keras' {@code history.history['loss']}. The trainer makes a new one per fit, holding
 * the epochs a warm start or a restored backup continues.
 */
public final class History implements Callback, Serializable {
  private static final long serialVersionUID = 1L;

  /**
   * One epoch.
   *
   * @param epoch the epoch number, from 1
   * @param seconds wall time
   * @param logs metric name to value
   */
  public record Epoch(int epoch, double seconds, Map<String, Double> logs) implements Serializable {}

  private final List<Epoch> epochs = new ArrayList<>();

  @Override
  public void onEpochEnd(int epoch, Map<String, Double> logs, double seconds,
      TrainingContext context) {
    epochs.add(new Epoch(epoch, seconds, Collections.unmodifiableMap(new LinkedHashMap<>(logs))));
  }

  /** Appends a recorded epoch (used when loading a saved history). */
  public void add(Epoch epoch) {
    epochs.add(epoch);
  }

  /** @return the epochs in order */
  public List<Epoch> epochs() {
    return Collections.unmodifiableList(epochs);
  }

  /** @return the number of epochs recorded */
  public int size() {
    return epochs.size();
  }

  /** @return every metric name recorded, in first-seen order */
  public Set<String> keys() {
    Set<String> k = new LinkedHashSet<>();
    epochs.forEach(e -> k.addAll(e.logs().keySet()));
    return k;
  }

  /**
   * @param metric e.g. {@code "loss"}, {@code "val_accuracy"}
   * @return the metric per epoch
   * @throws IllegalArgumentException listing the recorded names if the metric is unknown
   */
  public double[] get(String metric) {
    if (!keys().contains(metric)) {
      throw new IllegalArgumentException(
          "No metric '" + metric + "' in the history. Recorded: " + keys() + ".");
    }
    double[] v = new double[epochs.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = epochs.get(i).logs().getOrDefault(metric, Double.NaN);
    }
    return v;
  }

  /** @return the metric's value in the last epoch */
  public double last(String metric) {
    double[] v = get(metric);
    return v[v.length - 1];
  }

  @Override
  public String toString() {
    return "History(" + epochs.size() + " epochs, " + keys() + ")";
  }
}
