package dev.sparkdl.callbacks;

import dev.sparkdl.spec.Config;
import dev.sparkdl.spec.SpecException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Keras' {@code ReduceLROnPlateau}: multiplies the learning rate by {@code factor} when the
 * monitored quantity has not improved by more than {@code min_delta} for {@code patience} epochs,
 * then waits {@code cooldown} epochs before watching again, never going below {@code min_lr}.
 * Same arguments, defaults and order of checks as Keras 3; the new rate reaches the executors
 * with the next round's weights.
 */
public final class ReduceLROnPlateau implements KerasCallback {
  private final Monitor monitor;
  private final double factor;
  private final int patience;
  private final int verbose;
  private final double minDelta;
  private final int cooldown;
  private final double minLr;

  private double best;
  private int wait;
  private int cooldownCounter;

  /**
   * @param monitor the quantity to watch
   * @param factor the factor the rate is multiplied by, in (0, 1)
   * @param patience epochs without improvement before the rate is reduced
   * @param verbose 1 to print each reduction
   * @param mode "auto", "min" or "max"
   * @param minDelta the least change that counts as an improvement
   * @param cooldown epochs to wait after a reduction
   * @param minLr the lowest rate
   */
  public ReduceLROnPlateau(String monitor, double factor, int patience, int verbose, String mode,
      double minDelta, int cooldown, double minLr) {
    this.monitor = new Monitor("ReduceLROnPlateau", monitor, mode);
    if (!(factor < 1.0)) {
      throw new SpecException("ReduceLROnPlateau does not support a factor >= 1.0. Received:"
          + " factor=" + factor);
    }
    if (!(factor > 0) || patience < 0 || cooldown < 0 || !(minLr >= 0) || Double.isNaN(minDelta)) {
      throw new SpecException("ReduceLROnPlateau: expected factor in (0, 1), patience, cooldown"
          + " and min_lr >= 0. Received: factor=" + factor + ", patience=" + patience
          + ", cooldown=" + cooldown + ", min_lr=" + minLr);
    }
    this.factor = factor;
    this.patience = patience;
    this.verbose = verbose;
    this.minDelta = Math.abs(minDelta);
    this.cooldown = cooldown;
    this.minLr = minLr;
  }

  /**
   * @param monitor the quantity to watch
   * @param factor the factor the rate is multiplied by, in (0, 1)
   * @param patience epochs without improvement before the rate is reduced
   */
  public ReduceLROnPlateau(String monitor, double factor, int patience) {
    this(monitor, factor, patience, 0, "auto", 1e-4, 0, 0.0);
  }

  static ReduceLROnPlateau read(Config c) {
    return new ReduceLROnPlateau(c.optString("monitor", "val_loss"), c.optDouble("factor", 0.1),
        c.optInt("patience", 10), c.optInt("verbose", 0), c.optString("mode", "auto"),
        c.optDouble("min_delta", 1e-4), c.optInt("cooldown", 0), c.optDouble("min_lr", 0.0));
  }

  @Override
  public String className() {
    return "ReduceLROnPlateau";
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("monitor", monitor.name());
    m.put("factor", factor);
    m.put("patience", patience);
    m.put("verbose", verbose);
    m.put("mode", monitor.mode());
    m.put("min_delta", minDelta);
    m.put("cooldown", cooldown);
    m.put("min_lr", minLr);
    return m;
  }

  @Override
  public void onTrainBegin(TrainingContext context) {
    best = monitor.worst();
    wait = 0;
    cooldownCounter = 0;
  }

  @Override
  public void onEpochEnd(int epoch, Map<String, Double> logs, double seconds,
      TrainingContext context) {
    Double current = monitor.read("Learning rate reduction", logs);
    if (current == null) {
      return;
    }
    if (cooldownCounter > 0) {
      cooldownCounter--;
      wait = 0;
    }
    if (monitor.improves(current, best, minDelta)) {
      best = current;
      wait = 0;
    } else if (cooldownCounter <= 0) {
      wait++;
      if (wait >= patience) {
        double old = context.learningRate();
        if (old > minLr) {
          double lr = Math.max(old * factor, minLr);
          context.setLearningRate(lr);
          if (verbose > 0) {
            System.out.println(String.format(Locale.ROOT,
                "Epoch %d: ReduceLROnPlateau reducing learning rate to %s.", epoch, lr));
          }
          cooldownCounter = cooldown;
          wait = 0;
        }
      }
    }
  }
}
