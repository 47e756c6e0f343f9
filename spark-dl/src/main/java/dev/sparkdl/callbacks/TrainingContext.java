package dev.sparkdl.callbacks;

import dev.sparkdl.engine.OptimizerState;
import dev.sparkdl.engine.WeightSnapshot;
import java.io.IOException;
import java.util.Objects;
import java.util.function.Supplier;
import org.apache.hadoop.conf.Configuration;

/**
 * What a callback sees of the running fit (Keras' {@code self.model}): the averaged weights (read
 * and replace), the learning rate (read and set), the history so far, the model summary, a way to
 * save the model, the Hadoop configuration for files, and a way to stop after the current epoch.
 * The trainer creates it; {@link #detached} makes one for tests and tools.
 */
public final class TrainingContext {

  /** What the trainer provides; everything else is state kept here. */
  public interface Host {
    /** @return the weights as the model sees them (BatchNormalization statistics current) */
    WeightSnapshot weights();

    /** Replaces the weights the next round starts from. */
    void setWeights(WeightSnapshot weights);

    /** @return what a backup needs to continue bit-exactly after the last completed epoch */
    Backup backup();

    /**
     * Saves the model as it is now.
     *
     * @param path a directory on any Hadoop file system
     * @param weightsOnly true for the weights alone (Keras {@code save_weights_only})
     * @throws IOException if the file system fails
     */
    void save(String path, boolean weightsOnly) throws IOException;

    /** @return Keras' {@code model.summary()} text */
    String summary();
  }

  /**
   * What BackupAndRestore writes: the raw averaged weights (statistics as averaged, which the
   * next round starts from), the optimizer state (with the outer optimizer's velocity), the
   * history, and the learning rate callbacks set.
   *
   * @param epoch the last completed epoch
   * @param weights the weights the next round starts from
   * @param optimizer the optimizer state, or null
   * @param history the epochs completed
   * @param learningRate the base learning rate in effect, NaN when a schedule sets it
   */
  public record Backup(int epoch, WeightSnapshot weights, OptimizerState optimizer,
      History history, double learningRate) implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
  }

  private final Host host;
  private final Supplier<Configuration> hadoop;
  private final int initialEpoch;
  private final int epochs;
  private final History history;
  private double learningRate;
  private boolean learningRateChanged;
  private boolean stopRequested;

  /**
   * @param host the trainer's side
   * @param hadoop the Hadoop configuration for files (the Spark context's)
   * @param initialEpoch epochs completed before this run (a warm start or a restored backup)
   * @param epochs the last epoch number this run trains to
   * @param history the history, filled as epochs end
   * @param learningRate the base learning rate at the start
   */
  public TrainingContext(Host host, Supplier<Configuration> hadoop, int initialEpoch, int epochs,
      History history, double learningRate) {
    this.host = Objects.requireNonNull(host, "host");
    this.hadoop = hadoop;
    this.initialEpoch = initialEpoch;
    this.epochs = epochs;
    this.history = history;
    this.learningRate = learningRate;
  }

  /**
   * A context over fixed weights, for tests and tools: setting weights replaces them, saving
   * fails.
   *
   * @param weights the weights, or null
   * @param epochs the last epoch number
   * @return the context
   */
  public static TrainingContext detached(WeightSnapshot weights, int epochs) {
    WeightSnapshot[] w = {weights};
    Host h = new Host() {
      @Override
      public WeightSnapshot weights() {
        return w[0];
      }

      @Override
      public void setWeights(WeightSnapshot weights) {
        w[0] = weights;
      }

      @Override
      public Backup backup() {
        throw new UnsupportedOperationException("a detached context has no trainer to back up");
      }

      @Override
      public void save(String path, boolean weightsOnly) {
        throw new UnsupportedOperationException("a detached context has no model to save");
      }

      @Override
      public String summary() {
        return "";
      }
    };
    return new TrainingContext(h, Configuration::new, 0, epochs, new History(), 0.001);
  }

  /** @return the weights as averaged at the end of the last round (DJL layout) */
  public WeightSnapshot weights() {
    return host.weights();
  }

  /**
   * Replaces the weights the next round (or the fitted model, after the last epoch) starts
   * from, e.g. EarlyStopping's best weights.
   *
   * @param weights weights of this network (same names and shapes)
   */
  public void setWeights(WeightSnapshot weights) {
    host.setWeights(weights);
  }

  /** @return the base learning rate of the epoch that is running or just ended */
  public double learningRate() {
    return learningRate;
  }

  /**
   * Sets the base learning rate from the next round on (Keras' {@code
   * model.optimizer.learning_rate = ...}); it replaces a schedule's rate for the rest of the fit.
   *
   * @param rate a positive, finite rate
   */
  public void setLearningRate(double rate) {
    if (!(rate > 0) || Double.isInfinite(rate)) {
      throw new IllegalArgumentException(
          "The learning rate must be a positive finite number. Received: " + rate);
    }
    learningRate = rate;
    learningRateChanged = true;
  }

  /**
   * The trainer reports the rate in effect (a schedule's) without marking it set by a callback.
   *
   * @param rate the rate
   */
  public void reportLearningRate(double rate) {
    learningRate = rate;
  }

  /** @return true once a callback set the learning rate */
  public boolean learningRateSet() {
    return learningRateChanged;
  }

  /** @return the epochs so far, this run's and those it continues */
  public History history() {
    return history;
  }

  /** @return epochs completed before this run started (0 for a fresh fit) */
  public int initialEpoch() {
    return initialEpoch;
  }

  /** @return the number of the last epoch this run trains to */
  public int epochs() {
    return epochs;
  }

  /** @return the Hadoop configuration for reading and writing files */
  public Configuration hadoopConf() {
    return hadoop == null ? new Configuration() : hadoop.get();
  }

  /** @return what BackupAndRestore writes after an epoch */
  public Backup backup() {
    return host.backup();
  }

  /**
   * Saves the model as it is now (ModelCheckpoint).
   *
   * @param path a directory on any Hadoop file system
   * @param weightsOnly the weights alone
   * @throws IOException if the file system fails
   */
  public void saveModel(String path, boolean weightsOnly) throws IOException {
    host.save(path, weightsOnly);
  }

  /** @return Keras' {@code model.summary()} text of the network */
  public String summary() {
    return host.summary();
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
