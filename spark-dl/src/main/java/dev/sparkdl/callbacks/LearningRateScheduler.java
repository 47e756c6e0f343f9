package dev.sparkdl.callbacks;

import dev.sparkdl.spec.Config;
import dev.sparkdl.spec.LearningRateSchedule;
import dev.sparkdl.spec.SpecException;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Keras' {@code LearningRateScheduler}: at the start of every epoch, sets the learning rate to
 * {@code schedule(epoch, lr)} (epoch counted from 0, as Keras passes it). Keras takes a Python
 * function, which cannot be serialized; here the serialized form takes a Keras schedule object
 * evaluated at the epoch index ({@code {"schedule": {"class_name": "ExponentialDecay", "config":
 * {"initial_learning_rate": 0.01, "decay_steps": 1, "decay_rate": 0.9}}}}), and Java users may
 * pass any {@link EpochSchedule}.
 */
public final class LearningRateScheduler implements KerasCallback {

  /** Keras' {@code schedule(epoch, lr)} function. */
  @FunctionalInterface
  public interface EpochSchedule extends Serializable {
    /**
     * @param epoch the epoch about to start, from 0
     * @param learningRate the current rate
     * @return the epoch's rate
     */
    double rate(int epoch, double learningRate);
  }

  private final EpochSchedule schedule;
  private final LearningRateSchedule keras;
  private final int verbose;

  /**
   * @param schedule the function of epoch (from 0) and current rate
   * @param verbose 1 to print each change
   */
  public LearningRateScheduler(EpochSchedule schedule, int verbose) {
    if (schedule == null) {
      throw new SpecException("LearningRateScheduler: schedule is required.");
    }
    this.schedule = schedule;
    this.keras = null;
    this.verbose = verbose;
  }

  /**
   * @param schedule a Keras schedule, evaluated at the epoch index (from 0) as its step
   * @param verbose 1 to print each change
   */
  public LearningRateScheduler(LearningRateSchedule schedule, int verbose) {
    if (schedule == null) {
      throw new SpecException("LearningRateScheduler: schedule is required.");
    }
    this.keras = schedule;
    this.schedule = (epoch, lr) -> schedule.at(epoch);
    this.verbose = verbose;
  }

  static LearningRateScheduler read(Config c) {
    Object s = c.optRaw("schedule");
    if (!(s instanceof Map<?, ?> m)) {
      throw new SpecException("LearningRateScheduler: config needs \"schedule\", a Keras"
          + " learning-rate schedule evaluated at the epoch index, e.g. {\"class_name\":"
          + " \"ExponentialDecay\", \"config\": {\"initial_learning_rate\": 0.01,"
          + " \"decay_steps\": 1, \"decay_rate\": 0.9}} (a Python function cannot be serialized;"
          + " Java users pass an EpochSchedule). Received: " + s);
    }
    @SuppressWarnings("unchecked")
    Map<String, ?> map = (Map<String, ?>) m;
    return new LearningRateScheduler(LearningRateSchedule.fromMap(map), c.optInt("verbose", 0));
  }

  @Override
  public String className() {
    return "LearningRateScheduler";
  }

  @Override
  public Map<String, Object> config() {
    if (keras == null) {
      throw new UnsupportedOperationException("A LearningRateScheduler with a Java function has"
          + " no serialized form; pass a Keras LearningRateSchedule to save it with the stage.");
    }
    Map<String, Object> m = new LinkedHashMap<>();
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("class_name", keras.className());
    s.put("config", keras.config());
    m.put("schedule", s);
    m.put("verbose", verbose);
    return m;
  }

  /** @return true if this scheduler has Keras' serialized form (a Keras schedule) */
  @Override
  public boolean serializable() {
    return keras != null;
  }

  @Override
  public void onEpochBegin(int epoch, TrainingContext context) {
    double lr = schedule.rate(epoch - 1, context.learningRate());
    if (!(lr > 0) || Double.isInfinite(lr)) {
      throw new IllegalArgumentException("LearningRateScheduler: the schedule gave " + lr
          + " for epoch " + (epoch - 1) + "; the learning rate must be a positive finite number.");
    }
    context.setLearningRate(lr);
    if (verbose > 0) {
      System.out.println(String.format(Locale.ROOT,
          "Epoch %d: LearningRateScheduler setting learning rate to %s.", epoch, lr));
    }
  }
}
