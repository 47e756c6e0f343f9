package dev.sparkdl.callbacks;

import dev.sparkdl.engine.WeightSnapshot;
import dev.sparkdl.spec.Config;
import dev.sparkdl.spec.SpecException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Keras' {@code EarlyStopping}: stops training when the monitored quantity has stopped improving
 * for {@code patience} epochs, optionally restoring the weights of the best epoch when training
 * ends. Same arguments, defaults and semantics as Keras 3 (epochs in {@code start_from_epoch}
 * count from 0 as in Keras; an improvement means beating the best by more than {@code
 * min_delta}; with a {@code baseline}, the wait only resets once the baseline is beaten).
 */
public final class EarlyStopping implements KerasCallback {
  private final Monitor monitor;
  private final double minDelta;
  private final int patience;
  private final int verbose;
  private final Double baseline;
  private final boolean restoreBestWeights;
  private final int startFromEpoch;

  private int wait;
  private int stoppedEpoch;
  private double best;
  private int bestEpoch;
  private WeightSnapshot bestWeights;

  /**
   * @param monitor the quantity to watch, e.g. {@code "val_loss"}
   * @param minDelta the least change that counts as an improvement (its sign is ignored)
   * @param patience epochs without improvement after which training stops
   * @param verbose 1 to print when it stops and restores
   * @param mode "auto", "min" or "max"
   * @param baseline a value the quantity must beat, or null
   * @param restoreBestWeights restore the best epoch's weights when training ends
   * @param startFromEpoch epochs (from 0) to wait before watching
   */
  public EarlyStopping(String monitor, double minDelta, int patience, int verbose, String mode,
      Double baseline, boolean restoreBestWeights, int startFromEpoch) {
    this.monitor = new Monitor("EarlyStopping", monitor, mode);
    if (patience < 0 || startFromEpoch < 0 || Double.isNaN(minDelta)) {
      throw new SpecException("EarlyStopping: patience and start_from_epoch must be >= 0 and"
          + " min_delta a number. Received: patience=" + patience + ", start_from_epoch="
          + startFromEpoch + ", min_delta=" + minDelta);
    }
    this.minDelta = Math.abs(minDelta);
    this.patience = patience;
    this.verbose = verbose;
    this.baseline = baseline;
    this.restoreBestWeights = restoreBestWeights;
    this.startFromEpoch = startFromEpoch;
  }

  /** Keras' defaults: monitor val_loss, patience 0. */
  public EarlyStopping() {
    this("val_loss", 0, 0, 0, "auto", null, false, 0);
  }

  /**
   * @param monitor the quantity to watch
   * @param patience epochs without improvement after which training stops
   * @param restoreBestWeights restore the best epoch's weights when training ends
   */
  public EarlyStopping(String monitor, int patience, boolean restoreBestWeights) {
    this(monitor, 0, patience, 0, "auto", null, restoreBestWeights, 0);
  }

  static EarlyStopping read(Config c) {
    Object b = c.optRaw("baseline");
    if (b != null && !(b instanceof Number)) {
      throw new SpecException("EarlyStopping: baseline must be a number or null. Received: " + b);
    }
    return new EarlyStopping(c.optString("monitor", "val_loss"), c.optDouble("min_delta", 0),
        c.optInt("patience", 0), c.optInt("verbose", 0), c.optString("mode", "auto"),
        b == null ? null : ((Number) b).doubleValue(),
        c.optBoolean("restore_best_weights", false), c.optInt("start_from_epoch", 0));
  }

  @Override
  public String className() {
    return "EarlyStopping";
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("monitor", monitor.name());
    m.put("min_delta", minDelta);
    m.put("patience", patience);
    m.put("verbose", verbose);
    m.put("mode", monitor.mode());
    m.put("baseline", baseline);
    m.put("restore_best_weights", restoreBestWeights);
    m.put("start_from_epoch", startFromEpoch);
    return m;
  }

  @Override
  public void onTrainBegin(TrainingContext context) {
    wait = 0;
    stoppedEpoch = 0;
    best = monitor.worst();
    bestEpoch = 0;
    bestWeights = null;
  }

  @Override
  public void onEpochEnd(int epoch, Map<String, Double> logs, double seconds,
      TrainingContext context) {
    int index = epoch - 1; // Keras counts from 0
    if (index < startFromEpoch) {
      return;
    }
    Double current = monitor.read("Early stopping", logs);
    if (current == null) {
      return;
    }
    if (restoreBestWeights && bestWeights == null) {
      bestWeights = context.weights(); // until something beats it, the first watched epoch
      bestEpoch = epoch;
    }
    wait++;
    if (monitor.improves(current, best, minDelta)) {
      best = current;
      bestEpoch = epoch;
      if (restoreBestWeights) {
        bestWeights = context.weights();
      }
      if (baseline == null || monitor.improves(current, baseline, minDelta)) {
        wait = 0;
        return;
      }
    }
    if (wait >= patience && index > 0) {
      stoppedEpoch = epoch;
      context.stop();
    }
  }

  @Override
  public void onTrainEnd(TrainingContext context) {
    if (stoppedEpoch > 0 && verbose > 0) {
      System.out.println("Epoch " + stoppedEpoch + ": early stopping");
    }
    if (restoreBestWeights && bestWeights != null) {
      if (verbose > 0) {
        System.out.println("Restoring model weights from the end of the best epoch: " + bestEpoch
            + ".");
      }
      context.setWeights(bestWeights);
    }
  }

  /** @return the epoch (from 1) training stopped at, 0 if it ran to the end */
  public int stoppedEpoch() {
    return stoppedEpoch;
  }

  /** @return the epoch (from 1) with the best monitored value, 0 if none was watched */
  public int bestEpoch() {
    return bestEpoch;
  }
}
