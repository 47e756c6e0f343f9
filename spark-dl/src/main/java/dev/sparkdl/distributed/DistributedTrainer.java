package dev.sparkdl.distributed;

import dev.sparkdl.callbacks.Callback;
import dev.sparkdl.callbacks.History;
import dev.sparkdl.callbacks.TrainingContext;
import dev.sparkdl.engine.BatchStats;
import dev.sparkdl.engine.MetricStatistics;
import dev.sparkdl.engine.Moments;
import dev.sparkdl.engine.NonFiniteLossException;
import dev.sparkdl.engine.OptimizerState;
import dev.sparkdl.engine.WeightLayout;
import dev.sparkdl.engine.WeightSnapshot;
import dev.sparkdl.spec.LearningRateSchedule;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * Parameter-averaging training over cached {@link TrainingBlocks}.
 *
 * <p>One round: broadcast the weights and optimizer state; every partition trains its next K
 * minibatches from them; the driver tree-aggregates weights × samples and optimizer slots ×
 * samples and divides by the samples (sample-weighted averages). The optimizer state (Adam's
 * moments, Adadelta's accumulators, momentum...) is averaged the same way and broadcast with the
 * weights, so adaptive optimizers keep their memory across rounds; see docs/distributed-training.md.
 */
public final class DistributedTrainer {
  /**
   * Spark conf key (or local property, {@code sc.setLocalProperty}) that fixes PyTorch's
   * intra-op threads per task, overriding the rule of {@link #threadsPerTask}.
   */
  public static final String THREADS_KEY = "spark.sparkdl.task.threads";

  /**
   * Rows (over all partitions) from which BatchNormalization's moving statistics are
   * recomputed when they are needed after an epoch other than the last (for validation or a
   * callback); the model's own come from every training row.
   */
  static final int STATISTICS_SAMPLE = 8192;

  /** Every training round's Spark job description starts with this. */
  public static final String JOB_PREFIX = "spark-dl: training ";

  private DistributedTrainer() {}

  /**
   * PyTorch intra-op threads per task: {@value #THREADS_KEY} when set; otherwise in local mode
   * the machine's cores shared by the tasks that run at once ({@code local[2]} with one worker:
   * 2 threads; with two: 1 each), and on a cluster {@code spark.task.cpus}.
   *
   * @param jsc the Spark context
   * @param concurrentTasks tasks of one stage (the number of partitions)
   * @return threads per task, &gt;= 1
   */
  public static int threadsPerTask(JavaSparkContext jsc, int concurrentTasks) {
    String explicit = jsc.getLocalProperty(THREADS_KEY);
    if (explicit == null) {
      explicit = jsc.getConf().get(THREADS_KEY, null);
    }
    if (explicit != null) {
      try {
        int n = Integer.parseInt(explicit.trim());
        if (n >= 1) {
          return n;
        }
      } catch (NumberFormatException e) {
        // fall through to the error
      }
      throw new IllegalArgumentException(
          THREADS_KEY + " must be a positive integer (PyTorch threads per task). Received: "
              + explicit);
    }
    SparkConf conf = jsc.getConf();
    int taskCpus = conf.getInt("spark.task.cpus", 1);
    if (jsc.master().startsWith("local")) {
      int cores = jsc.defaultParallelism();
      return Math.max(taskCpus, cores / Math.max(1, Math.min(concurrentTasks, cores)));
    }
    return taskCpus;
  }

  /** @return the minibatches a partition of {@code rows} training rows has per epoch */
  public static int minibatches(int rows, int batchSize) {
    return Minibatches.count(rows, batchSize);
  }

  /**
   * Trains.
   *
   * @param jsc the Spark context
   * @param blocks the cached training (and validation) rows
   * @param plan what each task needs
   * @param averaging how the partitions' weights become the next round's (see {@link
   *     Averaging#resolve})
   * @param layout which weight arrays are trained and where the normalization statistics are
   * @param baseLearningRate the optimizer's learning rate before any warm-up or scaling
   * @param initial the starting weights
   * @param initialOptimizer the starting optimizer state, or null for a fresh one
   * @param prior the history this run continues (warm start or restored backup), or null;
   *     epochs are numbered on from it, which also continues the per-epoch shuffling and
   *     dropout seeds
   * @param epochs the epoch number to train to, counting the prior's (a fresh fit: the epochs)
   * @param metricNames the compiled metric names, for the logs
   * @param callbacks driver-side hooks (progress, Keras callbacks, the user's)
   * @param model saving the model and its summary, for callbacks
   * @param onRound receives each round's statistics as it ends, or null
   * @return the final weights, optimizer state, history and round statistics
   * @throws NonFiniteLossException if the loss or the averaged weights stop being finite
   */
  public static TrainingResult fit(
      JavaSparkContext jsc,
      TrainingBlocks blocks,
      TrainingPlan plan,
      Averaging.Resolved averaging,
      WeightLayout layout,
      double baseLearningRate,
      WeightSnapshot initial,
      OptimizerState initialOptimizer,
      History prior,
      int epochs,
      List<String> metricNames,
      List<Callback> callbacks,
      ModelAccess model,
      Consumer<RoundStats> onRound) {
    Run run = new Run(jsc, blocks, plan, averaging, layout, initial, initialOptimizer, model);
    History history = new History();
    if (prior != null) {
      prior.epochs().forEach(history::add);
    }
    int first = history.size() + 1;
    int last = Math.max(epochs, history.size());
    TrainingContext context = new TrainingContext(run, jsc::hadoopConfiguration, first - 1, last,
        history, baseLearningRate);
    run.context = context;
    run.history = history;
    List<Callback> all = List.copyOf(callbacks);
    all.forEach(c -> c.onTrainBegin(context));
    List<RoundStats> rounds = new ArrayList<>();
    LearningRateSchedule schedule = plan.compile().optimizer().schedule();
    boolean validate = blocks.report().validationRows() > 0;
    int roundsPerEpoch = averaging.roundsPerEpoch();
    MetricStatistics metricLayout = MetricStatistics.of(metricNames, plan.label().targetWidth(),
        plan.contract().head().activation());
    long t0 = System.nanoTime();
    for (int epoch = first; epoch <= last && !context.stopRequested(); epoch++) {
      long e0 = System.nanoTime();
      run.epoch = epoch;
      for (Callback c : all) {
        c.onEpochBegin(epoch, context);
      }
      BatchStats epochStats = null;
      for (int round = 0; round < roundsPerEpoch && !context.stopRequested(); round++) {
        long b0 = System.nanoTime();
        double progress = (epoch - 1) + (double) round / roundsPerEpoch; // warm starts continue
        double factor = averaging.learningRateFactor(progress);
        boolean scheduled = schedule != null && !context.learningRateSet();
        double lr = context.learningRate() * factor;
        Broadcast<RoundInput> input =
            jsc.broadcast(new RoundInput(run.weights,
                run.optimizer == null ? null : run.optimizer.withOuterVelocity(null), epoch,
                round, lr, scheduled ? factor : 0));
        long b1 = System.nanoTime();
        jsc.setJobDescription(JOB_PREFIX + "epoch " + epoch + "/" + last + ", round " + (round + 1)
            + "/" + roundsPerEpoch);
        RoundAccumulator acc;
        try {
          acc = runRound(blocks, plan, input);
        } catch (NonFiniteLossException e) {
          if (!stopsOnNonFinite(all, epoch, e.getMessage(), context)) {
            throw e;
          }
          break;
        } finally {
          jsc.setJobDescription(null);
          input.destroy();
        }
        long b2 = System.nanoTime();
        if (acc.samples == 0) {
          continue;
        }
        WeightSnapshot averaged =
            run.outer.step(run.weights, RoundAccumulator.divide(acc.weights, acc.samples));
        String broken = averaged.firstNonFinite();
        if (broken != null) {
          String m = "After averaging round " + round + " of epoch " + epoch + " the weights of "
              + broken + " are not finite. Lower the learning rate or scale the features.";
          if (!stopsOnNonFinite(all, epoch, m, context)) {
            throw new NonFiniteLossException(m);
          }
          break;
        }
        run.setAveraged(averaged, new OptimizerState(acc.iterations,
            RoundAccumulator.divide(acc.slots, acc.samples), run.outer.velocity()));
        epochStats = epochStats == null ? acc.stats : epochStats.merge(acc.stats);
        long b3 = System.nanoTime();
        RoundStats stats = new RoundStats(epoch, round, acc.samples, (b1 - b0) / 1e9,
            (b2 - b1) / 1e9, (b3 - b2) / 1e9, List.copyOf(acc.timings));
        rounds.add(stats);
        if (onRound != null) {
          onRound.accept(stats);
        }
        Map<String, Double> roundLogs = roundLogs(stats, acc.stats, roundsPerEpoch);
        for (Callback c : all) {
          c.onRoundEnd(epoch, round, roundLogs, context);
        }
      }
      if (epochStats == null) {
        break; // stopped before any round of this epoch ended
      }
      if (epoch == last) {
        run.observed.complete(); // the model's statistics: from every training row
      }
      Map<String, Double> logs = new LinkedHashMap<>();
      logs.put("loss", epochStats.meanLoss());
      // every metric from the epoch's merged sums: exact over all rows and partitions
      logs.putAll(epochStats.metricLogs(metricLayout, ""));
      if (validate) {
        jsc.setJobDescription("spark-dl: validation, epoch " + epoch + "/" + last);
        BatchStats val;
        try {
          val = evaluate(jsc, blocks, plan, run.observed.get());
        } finally {
          jsc.setJobDescription(null);
        }
        logs.put("val_loss", val.meanLoss());
        logs.putAll(val.metricLogs(metricLayout, "val_"));
      }
      if (schedule != null && !context.learningRateSet()) {
        // Keras logs the schedule's rate after the epoch's last step: at the iteration count
        context.reportLearningRate(schedule.at(run.optimizer == null ? 0 : run.optimizer.iterations()));
      }
      logs.put("learning_rate", context.learningRate());
      run.completedEpoch = epoch;
      double seconds = (System.nanoTime() - e0) / 1e9;
      history.onEpochEnd(epoch, logs, seconds, context);
      for (Callback c : all) {
        c.onEpochEnd(epoch, logs, seconds, context);
      }
    }
    run.observed.complete();
    all.forEach(c -> c.onTrainEnd(context));
    return new TrainingResult(run.observed.get(), run.optimizer, history, List.copyOf(rounds),
        blocks.seconds(), (System.nanoTime() - t0) / 1e9, blocks.report().trainRows(),
        blocks.report().validationRows());
  }

  /**
   * What callbacks may do with the model being trained beyond its weights: save it (the ml
   * layer knows how) and describe it.
   */
  public interface ModelAccess {
    /**
     * Saves a model with these weights and history.
     *
     * @param path a directory on any Hadoop file system
     * @param weights the weights to save
     * @param history the history so far
     * @param weightsOnly the weights alone
     * @throws java.io.IOException if the file system fails
     */
    void save(String path, WeightSnapshot weights, History history, boolean weightsOnly)
        throws java.io.IOException;

    /** @return Keras' {@code model.summary()} text */
    String summary();
  }

  private static boolean stopsOnNonFinite(List<Callback> callbacks, int epoch, String message,
      TrainingContext context) {
    boolean stop = false;
    for (Callback c : callbacks) {
      stop |= c.onNonFiniteLoss(epoch, message, context);
    }
    if (stop) {
      context.stop();
    }
    return stop;
  }

  private static Map<String, Double> roundLogs(RoundStats stats, BatchStats batch,
      int roundsPerEpoch) {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("rounds_per_epoch", (double) roundsPerEpoch);
    double seconds = stats.broadcastSeconds() + stats.roundSeconds() + stats.averageSeconds();
    m.put("seconds", seconds);
    m.put("samples", (double) stats.samples());
    m.put("samples_per_second", seconds > 0 ? stats.samples() / seconds : 0.0);
    m.put("overhead_fraction", stats.overheadFraction());
    if (batch != null && batch.count() > 0) {
      m.put("loss", batch.meanLoss());
    }
    return m;
  }

  /** One fit's state, and the trainer's side of the callbacks' {@link TrainingContext}. */
  private static final class Run implements TrainingContext.Host {
    final Observed observed;
    final OuterOptimizer outer;
    final ModelAccess model;
    TrainingContext context;
    History history;
    WeightSnapshot weights;
    OptimizerState optimizer;
    int epoch;
    int completedEpoch;

    Run(JavaSparkContext jsc, TrainingBlocks blocks, TrainingPlan plan,
        Averaging.Resolved averaging, WeightLayout layout, WeightSnapshot initial,
        OptimizerState initialOptimizer, ModelAccess model) {
      boolean recompute = averaging.recomputeStatistics() && layout.normalizationLayers() > 0;
      this.observed = new Observed(jsc, blocks, plan, layout, recompute);
      this.outer = new OuterOptimizer(layout, averaging.outerMomentum(),
          initialOptimizer == null ? null : initialOptimizer.outerVelocity());
      this.model = model;
      this.weights = initial;
      this.optimizer = initialOptimizer;
      observed.set(initial, 0);
    }

    void setAveraged(WeightSnapshot w, OptimizerState o) {
      weights = w;
      optimizer = o;
      observed.set(w, epoch);
    }

    @Override
    public WeightSnapshot weights() {
      return observed.get();
    }

    @Override
    public void setWeights(WeightSnapshot w) {
      if (w.size() != weights.size()) {
        throw new IllegalArgumentException("setWeights: the network has " + weights.size()
            + " weight arrays, received " + w.size() + ".");
      }
      for (int i = 0; i < w.size(); i++) {
        if (!w.name(i).equals(weights.name(i))
            || !java.util.Arrays.equals(w.shape(i), weights.shape(i))) {
          throw new IllegalArgumentException("setWeights: array " + i + " must be "
              + weights.name(i) + " " + java.util.Arrays.toString(weights.shape(i))
              + ", received " + w.name(i) + " " + java.util.Arrays.toString(w.shape(i)) + ".");
        }
      }
      weights = w;
      observed.given(w, epoch);
    }

    @Override
    public TrainingContext.Backup backup() {
      return new TrainingContext.Backup(completedEpoch, weights,
          optimizer == null ? null : optimizer.withOuterVelocity(outer.velocity()), history,
          context.learningRateSet() ? context.learningRate() : Double.NaN);
    }

    @Override
    public void save(String path, boolean weightsOnly) throws java.io.IOException {
      if (model == null) {
        throw new UnsupportedOperationException("this fit cannot save models");
      }
      model.save(path, weights(), history, weightsOnly);
    }

    @Override
    public String summary() {
      return model == null ? "" : model.summary();
    }
  }

  /**
   * The weights as validation, callbacks and the model see them. The moving statistics of
   * BatchNormalization serve inference only (training normalises with each batch's own), so
   * when they are recomputed it happens on first use after an epoch, from a sample of {@value
   * #STATISTICS_SAMPLE} rows, and from every training row for the model itself.
   */
  private static final class Observed {
    private final JavaSparkContext jsc;
    private final TrainingBlocks blocks;
    private final TrainingPlan plan;
    private final WeightLayout layout;
    private final boolean recompute;
    private WeightSnapshot raw;
    private WeightSnapshot recomputed;
    private boolean complete;
    private int epoch;

    Observed(JavaSparkContext jsc, TrainingBlocks blocks, TrainingPlan plan, WeightLayout layout,
        boolean recompute) {
      this.jsc = jsc;
      this.blocks = blocks;
      this.plan = plan;
      this.layout = layout;
      this.recompute = recompute;
    }

    /** New averaged weights (their statistics are the partitions' average). */
    void set(WeightSnapshot weights, int epoch) {
      raw = weights;
      recomputed = null;
      complete = false;
      this.epoch = epoch;
    }

    /** @return the weights, statistics recomputed (from a sample unless complete) */
    WeightSnapshot get() {
      if (!recompute || epoch == 0) {
        return raw;
      }
      if (recomputed == null) {
        int perPartition = (STATISTICS_SAMPLE + blocks.partitions() - 1) / blocks.partitions();
        recomputed = recomputeStatistics(jsc, blocks, plan, layout, raw, perPartition,
            "epoch " + epoch + " (sample)");
      }
      return recomputed;
    }

    /** Weights a callback set: taken as they are, statistics included. */
    void given(WeightSnapshot weights, int epoch) {
      raw = weights;
      recomputed = weights;
      complete = true;
      this.epoch = epoch;
    }

    /** Recomputes the statistics from every training row, once. */
    void complete() {
      if (recompute && epoch > 0 && !complete) {
        recomputed = recomputeStatistics(jsc, blocks, plan, layout, raw, 0, "epoch " + epoch);
        complete = true;
      }
    }
  }

  private static RoundAccumulator runRound(
      TrainingBlocks blocks, TrainingPlan plan, Broadcast<RoundInput> input) {
    try {
      return blocks.rdd()
          .mapPartitionsWithIndex(
              (i, it) -> Collections.singletonList(
                  PartitionTasks.trainRound(plan, input.value(), i, it)).iterator(),
              true)
          .treeAggregate(new RoundAccumulator(), RoundAccumulator::add, RoundAccumulator::merge, 2);
    } catch (Exception e) {
      throw rethrow(e);
    }
  }

  /**
   * BatchNormalization's moving statistics for these weights: for each normalization layer in
   * order, one pass over the training rows computes the exact mean and (population) variance of
   * what the layer receives in inference mode, the layers before it already using their
   * recomputed statistics.
   *
   * @return the weights with every moving mean and variance replaced
   */
  static WeightSnapshot recomputeStatistics(JavaSparkContext jsc, TrainingBlocks blocks,
      TrainingPlan plan, WeightLayout layout, WeightSnapshot weights, int maxRowsPerPartition,
      String when) {
    float[][] values = weights.arrays().clone();
    for (int l = 0; l < layout.normalizationLayers(); l++) {
      WeightSnapshot w = weights.withValues(values);
      Broadcast<WeightSnapshot> b = jsc.broadcast(w);
      int layer = l;
      jsc.setJobDescription("spark-dl: BatchNormalization statistics " + (l + 1) + "/"
          + layout.normalizationLayers() + ", " + when);
      Moments m;
      try {
        m = blocks.rdd()
            .map(data -> PartitionTasks.normalizationMoments(plan, b.value(), layer,
                maxRowsPerPartition, Collections.singletonList(data).iterator()))
            .filter(java.util.Objects::nonNull)
            .reduce(Moments::merge);
      } catch (Exception e) {
        throw rethrow(e);
      } finally {
        jsc.setJobDescription(null);
        b.destroy();
      }
      values[layout.movingMean(l)] = toFloats(m.mean());
      values[layout.movingVariance(l)] = toFloats(m.variance());
    }
    return weights.withValues(values);
  }

  private static float[] toFloats(double[] d) {
    float[] f = new float[d.length];
    for (int i = 0; i < d.length; i++) {
      f[i] = (float) d[i];
    }
    return f;
  }

  private static BatchStats evaluate(
      JavaSparkContext jsc, TrainingBlocks blocks, TrainingPlan plan, WeightSnapshot weights) {
    Broadcast<WeightSnapshot> w = jsc.broadcast(weights);
    try {
      return blocks.rdd()
          .map(data -> PartitionTasks.evaluate(plan, w.value(), Collections.singletonList(data).iterator()))
          .reduce(BatchStats::merge);
    } catch (Exception e) {
      throw rethrow(e);
    } finally {
      w.destroy();
    }
  }

  /** Unwraps a task failure whose cause is a non-finite loss into that exception. */
  static RuntimeException rethrow(Exception e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof NonFiniteLossException n) {
        return new NonFiniteLossException(n.getMessage());
      }
    }
    String m = String.valueOf(e.getMessage());
    String marker = NonFiniteLossException.class.getName() + ": ";
    int at = m.indexOf(marker);
    if (at >= 0) {
      String rest = m.substring(at + marker.length());
      int nl = rest.indexOf('\n');
      return new NonFiniteLossException(nl < 0 ? rest : rest.substring(0, nl));
    }
    return e instanceof RuntimeException r ? r : new IllegalStateException(m, e);
  }
}
