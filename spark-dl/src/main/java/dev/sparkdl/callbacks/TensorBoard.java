package dev.sparkdl.callbacks;

import dev.sparkdl.engine.WeightSnapshot;
import dev.sparkdl.spec.Config;
import dev.sparkdl.spec.SpecException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * Keras' {@code keras.callbacks.TensorBoard}: writes event files TensorBoard reads, to {@code
 * log_dir/train} and {@code log_dir/validation} on any Hadoop file system (run {@code tensorboard
 * --logdir log_dir}).
 *
 * <p>What is written, following Keras 3, with Keras' 0-based epoch index as the step (epoch
 * {@code e} of {@link Callback#onEpochEnd}, counted from 1, is step {@code e - 1}):
 *
 * <ul>
 *   <li>train/: {@code epoch_<name>} for every entry of the epoch's logs that does not start
 *       with {@code val_} ({@code epoch_loss}, {@code epoch_<metric>}, {@code
 *       epoch_learning_rate}); with {@code write_steps_per_second}, {@code epoch_steps_per_second}
 *       (a step being an averaging round);
 *   <li>validation/: {@code epoch_<name>} for every {@code val_<name>} entry;
 *   <li>train/, with {@code histogram_freq > 0}, at step 0 and every {@code histogram_freq}
 *       epochs after: a histogram per weight array, tagged {@code <layer>/<weight>/histogram}
 *       with Keras' automatic layer names ({@code dense}, {@code dense_1}, ...), the path form
 *       Keras' own tag ({@code <weight>/histogram}) lacks, so that layers do not collide;
 *   <li>train/, with {@code write_graph}, at train begin: the model summary as text, tag {@code
 *       model_summary}, step 0 (Keras writes a graph there; there is no TensorFlow graph here);
 *   <li>train/, after every averaging round, at a global round step counted from 1 in this run
 *       (as Keras counts batches): {@code round_seconds} and {@code round_samples_per_second};
 *       with {@code update_freq "batch"} or an integer n, also {@code batch_loss} (and {@code
 *       batch_steps_per_second} with {@code write_steps_per_second}) every n-th round.
 * </ul>
 *
 * <p>Event files are flushed after every round and epoch and closed when training ends; a resumed
 * fit adds new files beside the old ones, which TensorBoard reads as one run. {@code
 * write_images} is accepted and ignored; {@code profile_batch} and {@code embeddings_freq} are
 * accepted only as 0 (there is no TensorFlow profiler or projector here).
 */
public final class TensorBoard implements KerasCallback {
  private static final String SUMMARY_TAG = "model_summary";

  private final String logDir;
  private final int histogramFreq;
  private final boolean writeGraph;
  private final boolean writeImages;
  private final boolean writeStepsPerSecond;
  private final Object updateFreq;
  private final Object embeddingsMetadata;

  private EventFileWriter train;
  private EventFileWriter validation;
  private Configuration conf;
  private long globalRound;
  private int roundsThisEpoch;

  /** Keras' defaults: {@code log_dir="logs"}, epoch-level scalars only. */
  public TensorBoard() {
    this("logs");
  }

  /**
   * Keras' defaults with a log directory.
   *
   * @param logDir the directory of the run, on any Hadoop file system
   */
  public TensorBoard(String logDir) {
    this(logDir, 0, true, false, false, "epoch", null);
  }

  private TensorBoard(String logDir, int histogramFreq, boolean writeGraph, boolean writeImages,
      boolean writeStepsPerSecond, Object updateFreq, Object embeddingsMetadata) {
    if (logDir == null || logDir.isEmpty()) {
      throw new IllegalArgumentException(
          "Received an invalid value for `log_dir` of TensorBoard, expected a directory. Received: "
              + "log_dir=" + (logDir == null ? "None" : "\"\""));
    }
    if (histogramFreq < 0) {
      throw new IllegalArgumentException("Received an invalid value for `histogram_freq` of "
          + "TensorBoard, expected a non-negative integer (0 for no histograms). Received: "
          + "histogram_freq=" + histogramFreq);
    }
    this.logDir = logDir;
    this.histogramFreq = histogramFreq;
    this.writeGraph = writeGraph;
    this.writeImages = writeImages;
    this.writeStepsPerSecond = writeStepsPerSecond;
    this.updateFreq = checkUpdateFreq(updateFreq);
    this.embeddingsMetadata = embeddingsMetadata;
  }

  /**
   * Reads Keras' serialized form (the callbacks registry calls it, then {@code c.finish()}).
   *
   * @param c the config: any of {@code log_dir, histogram_freq, write_graph, write_images,
   *     write_steps_per_second, update_freq, profile_batch, embeddings_freq, embeddings_metadata}
   * @return the callback
   * @throws IllegalArgumentException naming the argument and the value received
   */
  public static TensorBoard read(Config c) {
    String logDir = c.optString("log_dir", "logs");
    int histogramFreq = c.optInt("histogram_freq", 0);
    boolean writeGraph = c.optBoolean("write_graph", true);
    boolean writeImages = c.optBoolean("write_images", false);
    boolean writeStepsPerSecond = c.optBoolean("write_steps_per_second", false);
    Object updateFreq = c.optRaw("update_freq");
    Object profileBatch = c.optRaw("profile_batch");
    if (!isZero(profileBatch)) {
      throw new SpecException("TensorBoard: profile_batch=" + profileBatch + " is not supported;"
          + " profiling needs TensorFlow's profiler, which a DJL/PyTorch fit does not have. Use"
          + " profile_batch=0 (the default) and see the round_seconds scalars instead.");
    }
    int embeddingsFreq = c.optInt("embeddings_freq", 0);
    if (embeddingsFreq != 0) {
      throw new SpecException("TensorBoard: embeddings_freq=" + embeddingsFreq + " is not "
          + "supported; only embeddings_freq=0 (the Keras default) is: the projector's "
          + "checkpoints are TensorFlow's.");
    }
    Object embeddingsMetadata = c.optRaw("embeddings_metadata");
    return new TensorBoard(logDir, histogramFreq, writeGraph, writeImages, writeStepsPerSecond,
        updateFreq == null ? "epoch" : updateFreq, embeddingsMetadata);
  }

  /**
   * @param freq write weight histograms every {@code freq} epochs (from the first), 0 for never
   * @return a copy with this {@code histogram_freq}
   */
  public TensorBoard withHistogramFreq(int freq) {
    return new TensorBoard(logDir, freq, writeGraph, writeImages, writeStepsPerSecond,
        updateFreq, embeddingsMetadata);
  }

  /**
   * @param write true to write the model summary at train begin (Keras' {@code write_graph})
   * @return a copy with this {@code write_graph}
   */
  public TensorBoard withWriteGraph(boolean write) {
    return new TensorBoard(logDir, histogramFreq, write, writeImages, writeStepsPerSecond,
        updateFreq, embeddingsMetadata);
  }

  /**
   * @param write true to also write {@code epoch_steps_per_second} (and per round {@code
   *     batch_steps_per_second} with a batch-level {@code update_freq})
   * @return a copy with this {@code write_steps_per_second}
   */
  public TensorBoard withWriteStepsPerSecond(boolean write) {
    return new TensorBoard(logDir, histogramFreq, writeGraph, writeImages, write, updateFreq,
        embeddingsMetadata);
  }

  /**
   * @param freq {@code "epoch"} or {@code "batch"} (every round)
   * @return a copy with this {@code update_freq}
   */
  public TensorBoard withUpdateFreq(String freq) {
    return new TensorBoard(logDir, histogramFreq, writeGraph, writeImages, writeStepsPerSecond,
        freq, embeddingsMetadata);
  }

  /**
   * @param rounds write {@code batch_loss} every {@code rounds} averaging rounds (positive)
   * @return a copy with this {@code update_freq}
   */
  public TensorBoard withUpdateFreq(int rounds) {
    return new TensorBoard(logDir, histogramFreq, writeGraph, writeImages, writeStepsPerSecond,
        rounds, embeddingsMetadata);
  }

  /** @return the run's directory */
  public String logDir() {
    return logDir;
  }

  /** @return every how many epochs weight histograms are written, 0 for never */
  public int histogramFreq() {
    return histogramFreq;
  }

  @Override
  public String className() {
    return "TensorBoard";
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("log_dir", logDir);
    m.put("histogram_freq", histogramFreq);
    m.put("write_graph", writeGraph);
    m.put("write_images", writeImages);
    m.put("write_steps_per_second", writeStepsPerSecond);
    m.put("update_freq", updateFreq);
    m.put("profile_batch", 0);
    m.put("embeddings_freq", 0);
    m.put("embeddings_metadata", embeddingsMetadata);
    return m;
  }

  @Override
  public void onTrainBegin(TrainingContext context) {
    closeWriters();
    conf = context.hadoopConf();
    globalRound = 0;
    roundsThisEpoch = 0;
    train = open("train");
    String summary = context.summary();
    if (writeGraph && summary != null && !summary.isEmpty()) {
      // Four spaces make a Markdown code block: the Text tab keeps the table's columns.
      io(() -> train.text(SUMMARY_TAG, 0, "    " + summary.replace("\n", "\n    ")));
    }
    io(train::flush);
  }

  @Override
  public void onEpochBegin(int epoch, TrainingContext context) {
    roundsThisEpoch = 0;
  }

  @Override
  public void onRoundEnd(int epoch, int round, Map<String, Double> stats,
      TrainingContext context) {
    if (train == null) {
      return;
    }
    globalRound++;
    roundsThisEpoch++;
    long step = globalRound;
    io(() -> {
      scalarIfPresent(train, "round_seconds", step, stats.get("seconds"));
      scalarIfPresent(train, "round_samples_per_second", step, stats.get("samples_per_second"));
      int every = batchEvery();
      if (every > 0 && step % every == 0) {
        scalarIfPresent(train, "batch_loss", step, stats.get("loss"));
        Double seconds = stats.get("seconds");
        if (writeStepsPerSecond && seconds != null && seconds > 0) {
          train.scalar("batch_steps_per_second", step, 1.0 / seconds);
        }
      }
      train.flush();
    });
  }

  @Override
  public void onEpochEnd(int epoch, Map<String, Double> logs, double seconds,
      TrainingContext context) {
    if (train == null) {
      return;
    }
    long step = epoch - 1L;
    Map<String, Double> trainLogs = new LinkedHashMap<>();
    Map<String, Double> valLogs = new LinkedHashMap<>();
    logs.forEach((k, v) -> {
      if (k.startsWith("val_")) {
        valLogs.put(k.substring(4), v);
      } else {
        trainLogs.put(k, v);
      }
    });
    trainLogs.putIfAbsent("learning_rate", context.learningRate());
    if (writeStepsPerSecond && seconds > 0) {
      trainLogs.put("steps_per_second", roundsThisEpoch / seconds);
    }
    io(() -> {
      for (Map.Entry<String, Double> e : trainLogs.entrySet()) {
        train.scalar("epoch_" + e.getKey(), step, e.getValue());
      }
      if (histogramFreq > 0 && step % histogramFreq == 0) {
        writeHistograms(context.weights(), step);
      }
      train.flush();
      if (!valLogs.isEmpty()) {
        if (validation == null) {
          validation = open("validation");
        }
        for (Map.Entry<String, Double> e : valLogs.entrySet()) {
          validation.scalar("epoch_" + e.getKey(), step, e.getValue());
        }
        validation.flush();
      }
    });
  }

  @Override
  public void onTrainEnd(TrainingContext context) {
    closeWriters();
  }

  /**
   * Keras' tag paths of a snapshot's arrays: {@code 0_dense/kernel, 1_dense/bias} become {@code
   * dense/kernel, dense_1/bias}, numbering layers of one type as Keras names them
   * automatically; a name of another form is kept.
   *
   * @param weights the snapshot
   * @return one path per array
   */
  static List<String> kerasPaths(WeightSnapshot weights) {
    Map<String, String> layerNames = new HashMap<>();
    Map<String, Integer> perType = new HashMap<>();
    String[] out = new String[weights.size()];
    for (int i = 0; i < out.length; i++) {
      String name = weights.name(i);
      int slash = name.indexOf('/');
      int underscore = name.indexOf('_');
      if (slash < 0 || underscore < 0 || underscore > slash
          || !name.substring(0, underscore).chars().allMatch(Character::isDigit)
          || underscore == 0) {
        out[i] = name;
        continue;
      }
      String layer = name.substring(0, slash);
      String keras = layerNames.computeIfAbsent(layer, l -> {
        String type = l.substring(underscore + 1);
        int n = perType.merge(type, 1, Integer::sum) - 1;
        return n == 0 ? type : type + "_" + n;
      });
      out[i] = keras + name.substring(slash);
    }
    return List.of(out);
  }

  private void writeHistograms(WeightSnapshot weights, long step) throws IOException {
    if (weights == null) {
      return;
    }
    List<String> paths = kerasPaths(weights);
    for (int i = 0; i < weights.size(); i++) {
      train.histogram(paths.get(i) + "/histogram", step, weights.values(i));
    }
  }

  private int batchEvery() {
    if (updateFreq instanceof Integer n) {
      return n;
    }
    return "batch".equals(updateFreq) ? 1 : 0;
  }

  private EventFileWriter open(String sub) {
    String dir = new Path(logDir, sub).toString();
    try {
      return EventFileWriter.create(dir, conf);
    } catch (IOException e) {
      throw new UncheckedIOException("TensorBoard cannot create an event file in " + dir + ": "
          + e.getMessage() + ". Check that log_dir is writable.", e);
    }
  }

  private void closeWriters() {
    EventFileWriter t = train;
    EventFileWriter v = validation;
    train = null;
    validation = null;
    io(() -> {
      try {
        if (t != null) {
          t.close();
        }
      } finally {
        if (v != null) {
          v.close();
        }
      }
    });
  }

  private static void scalarIfPresent(EventFileWriter w, String tag, long step, Double value)
      throws IOException {
    if (value != null) {
      w.scalar(tag, step, value);
    }
  }

  private void io(IoAction action) {
    try {
      action.run();
    } catch (IOException e) {
      throw new UncheckedIOException("TensorBoard cannot write to " + logDir + ": "
          + e.getMessage(), e);
    }
  }

  private interface IoAction {
    void run() throws IOException;
  }

  private static Object checkUpdateFreq(Object freq) {
    if ("epoch".equals(freq) || "batch".equals(freq)) {
      return freq;
    }
    if (freq instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())
        && n.doubleValue() >= 1 && n.doubleValue() <= Integer.MAX_VALUE) {
      return n.intValue();
    }
    String shown = freq instanceof String ? "\"" + freq + "\"" : String.valueOf(freq);
    throw new SpecException("Received an invalid value for `update_freq` of TensorBoard, "
        + "expected \"epoch\", \"batch\" or a positive integer (rounds). Received: update_freq="
        + shown);
  }

  private static boolean isZero(Object profileBatch) {
    if (profileBatch == null) {
      return true;
    }
    if (profileBatch instanceof Number n) {
      return n.doubleValue() == 0;
    }
    if (profileBatch instanceof String s) {
      return s.trim().matches("0(\\s*,\\s*0)?");
    }
    if (profileBatch instanceof List<?> l) {
      return l.stream().allMatch(x -> x instanceof Number n && n.doubleValue() == 0);
    }
    return false;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TensorBoard t && config().equals(t.config());
  }

  @Override
  public int hashCode() {
    return Objects.hash(logDir, histogramFreq, updateFreq);
  }

  @Override
  public String toString() {
    return "TensorBoard" + config();
  }
}
