package dev.sparkdl.callbacks;

import dev.sparkdl.spec.Config;
import dev.sparkdl.spec.SpecException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Keras' {@code ModelCheckpoint}: saves the model (or its weights alone) after epochs, to a
 * directory on any Hadoop file system whose path may hold {@code {epoch}} and metric fields
 * ({@code hdfs:///ckpt/model-{epoch:02d}-{val_loss:.2f}}). With {@code save_best_only} it saves
 * only when the monitored quantity improves (and then, without fields, keeps overwriting the same
 * path). A saved model loads with {@code NeuralNetClassificationModel.load} (or the regressor's);
 * weights alone load as an estimator's starting weights. Saves go through the model writer, so a
 * failed save leaves no half-written model.
 */
public final class ModelCheckpoint implements KerasCallback {
  private final String filepath;
  private final Monitor monitor;
  private final int verbose;
  private final boolean saveBestOnly;
  private final boolean saveWeightsOnly;
  private final Double initialValueThreshold;
  private double best;

  /**
   * @param filepath where to save, with optional {@code {epoch}} and metric fields
   * @param monitor the quantity for {@code saveBestOnly}
   * @param verbose 1 to print each save
   * @param saveBestOnly save only when the monitored quantity improves
   * @param saveWeightsOnly save the weights alone
   * @param mode "auto", "min" or "max"
   * @param initialValueThreshold the value the first saved epoch must beat, or null
   */
  public ModelCheckpoint(String filepath, String monitor, int verbose, boolean saveBestOnly,
      boolean saveWeightsOnly, String mode, Double initialValueThreshold) {
    if (filepath == null || filepath.isBlank()) {
      throw new SpecException("ModelCheckpoint: filepath is required, a directory on any Hadoop"
          + " file system, e.g. hdfs:///checkpoints/model-{epoch:02d}.");
    }
    PathTemplate.check(filepath);
    this.filepath = filepath;
    this.monitor = new Monitor("ModelCheckpoint", monitor, mode);
    this.verbose = verbose;
    this.saveBestOnly = saveBestOnly;
    this.saveWeightsOnly = saveWeightsOnly;
    this.initialValueThreshold = initialValueThreshold;
  }

  /** @param filepath where to save after every epoch */
  public ModelCheckpoint(String filepath) {
    this(filepath, "val_loss", 0, false, false, "auto", null);
  }

  static ModelCheckpoint read(Config c) {
    Object saveFreq = c.optRaw("save_freq");
    if (saveFreq != null && !"epoch".equals(saveFreq)) {
      throw new SpecException("ModelCheckpoint: only save_freq=\"epoch\" is supported (spark-dl"
          + " trains in averaging rounds, not single batches). Received: save_freq=" + saveFreq);
    }
    Object t = c.optRaw("initial_value_threshold");
    if (t != null && !(t instanceof Number)) {
      throw new SpecException(
          "ModelCheckpoint: initial_value_threshold must be a number or null. Received: " + t);
    }
    if (!c.has("filepath")) {
      throw new SpecException("ModelCheckpoint: config needs \"filepath\", a directory on any"
          + " Hadoop file system, e.g. \"hdfs:///checkpoints/model-{epoch:02d}\".");
    }
    return new ModelCheckpoint(c.optString("filepath", null), c.optString("monitor", "val_loss"),
        c.optInt("verbose", 0), c.optBoolean("save_best_only", false),
        c.optBoolean("save_weights_only", false), c.optString("mode", "auto"),
        t == null ? null : ((Number) t).doubleValue());
  }

  @Override
  public String className() {
    return "ModelCheckpoint";
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("filepath", filepath);
    m.put("monitor", monitor.name());
    m.put("verbose", verbose);
    m.put("save_best_only", saveBestOnly);
    m.put("save_weights_only", saveWeightsOnly);
    m.put("mode", monitor.mode());
    m.put("save_freq", "epoch");
    m.put("initial_value_threshold", initialValueThreshold);
    return m;
  }

  @Override
  public void onTrainBegin(TrainingContext context) {
    best = initialValueThreshold != null ? initialValueThreshold : monitor.worst();
  }

  @Override
  public void onEpochEnd(int epoch, Map<String, Double> logs, double seconds,
      TrainingContext context) {
    String path = PathTemplate.fill(filepath, epoch, logs);
    if (saveBestOnly) {
      Double current = monitor.read("Can save best model only with " + monitor.name()
          + " available, skipping. ModelCheckpoint", logs);
      if (current == null) {
        return;
      }
      if (!monitor.improves(current, best, 0)) {
        if (verbose > 0) {
          System.out.println("Epoch " + epoch + ": " + monitor.name() + " did not improve from "
              + best);
        }
        return;
      }
      if (verbose > 0) {
        System.out.println("Epoch " + epoch + ": " + monitor.name() + " improved from " + best
            + " to " + current + ", saving model to " + path);
      }
      best = current;
    } else if (verbose > 0) {
      System.out.println("Epoch " + epoch + ": saving model to " + path);
    }
    try {
      context.saveModel(path, saveWeightsOnly);
    } catch (IOException e) {
      throw new UncheckedIOException("ModelCheckpoint could not save to " + path + ": "
          + e.getMessage(), e);
    }
  }
}
