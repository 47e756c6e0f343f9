package dev.sparkdl.distributed;

import dev.sparkdl.callbacks.Callback;
import dev.sparkdl.callbacks.History;
import dev.sparkdl.callbacks.TrainingContext;
import dev.sparkdl.engine.BatchStats;
import dev.sparkdl.engine.NonFiniteLossException;
import dev.sparkdl.engine.OptimizerState;
import dev.sparkdl.engine.WeightSnapshot;
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

  /**
   * Trains.
   *
   * @param jsc the Spark context
   * @param blocks the cached training (and validation) rows
   * @param plan what each task needs
   * @param initial the starting weights
   * @param initialOptimizer the starting optimizer state, or null for a fresh one
   * @param prior the history this run continues (warm start), or null; epochs are numbered on
   *     from it, which also continues the per-epoch shuffling and dropout seeds
   * @param epochs epochs to run
   * @param metricNames the compiled metric names, for the logs
   * @param callbacks driver-side hooks (history, progress...)
   * @param onRound receives each round's statistics as it ends, or null
   * @return the final weights, optimizer state, history and round statistics
   * @throws NonFiniteLossException if the loss or the averaged weights stop being finite
   */
  public static TrainingResult fit(
      JavaSparkContext jsc,
      TrainingBlocks blocks,
      TrainingPlan plan,
      WeightSnapshot initial,
      OptimizerState initialOptimizer,
      History prior,
      int epochs,
      List<String> metricNames,
      List<Callback> callbacks,
      Consumer<RoundStats> onRound) {
    History history = new History();
    List<Callback> all = new ArrayList<>(callbacks);
    all.add(0, history);
    int first = prior == null ? 1 : prior.size() + 1;
    int last = first + epochs - 1;
    all.forEach(c -> c.onTrainBegin(last));
    if (prior != null) {
      prior.epochs().forEach(history::add);
    }
    List<RoundStats> rounds = new ArrayList<>();
    WeightSnapshot[] current = {initial};
    TrainingContext context = new TrainingContext(() -> current[0]);
    WeightSnapshot weights = initial;
    OptimizerState optimizer = initialOptimizer;
    boolean validate = blocks.report().validationRows() > 0;
    int maxBatches = 0;
    for (int rows : blocks.trainRowsPerPartition()) {
      maxBatches = Math.max(maxBatches, Minibatches.count(rows, plan.batchSize()));
    }
    int k = plan.averagingFrequency() > 0 ? plan.averagingFrequency() : maxBatches;
    int roundsPerEpoch = (maxBatches + k - 1) / k;
    long t0 = System.nanoTime();
    for (int epoch = first; epoch <= last && !context.stopRequested(); epoch++) {
      long e0 = System.nanoTime();
      BatchStats epochStats = null;
      for (int round = 0; round < roundsPerEpoch; round++) {
        long b0 = System.nanoTime();
        Broadcast<RoundInput> input = jsc.broadcast(new RoundInput(weights, optimizer, epoch, round));
        long b1 = System.nanoTime();
        jsc.setJobDescription(JOB_PREFIX + "epoch " + epoch + "/" + last + ", round " + (round + 1)
            + "/" + roundsPerEpoch);
        RoundAccumulator acc;
        try {
          acc = runRound(blocks, plan, input);
        } finally {
          jsc.setJobDescription(null);
        }
        long b2 = System.nanoTime();
        input.destroy();
        if (acc.samples == 0) {
          continue;
        }
        weights = weights.withValues(RoundAccumulator.divide(acc.weights, acc.samples));
        current[0] = weights;
        optimizer = new OptimizerState(acc.iterations, RoundAccumulator.divide(acc.slots, acc.samples));
        String broken = weights.firstNonFinite();
        if (broken != null) {
          throw new NonFiniteLossException(
              "After averaging round " + round + " of epoch " + epoch + " the weights of "
                  + broken + " are not finite. Lower the learning rate or scale the features.");
        }
        epochStats = epochStats == null ? acc.stats : epochStats.merge(acc.stats);
        long b3 = System.nanoTime();
        RoundStats stats = new RoundStats(epoch, round, acc.samples, (b1 - b0) / 1e9,
            (b2 - b1) / 1e9, (b3 - b2) / 1e9, List.copyOf(acc.timings));
        rounds.add(stats);
        if (onRound != null) {
          onRound.accept(stats);
        }
      }
      Map<String, Double> logs = new LinkedHashMap<>();
      if (epochStats != null) {
        logs.put("loss", epochStats.meanLoss());
        for (int i = 0; i < metricNames.size(); i++) {
          logs.put(metricNames.get(i), epochStats.meanMetric(i));
        }
      }
      if (validate) {
        jsc.setJobDescription("spark-dl: validation, epoch " + epoch + "/" + last);
        BatchStats val;
        try {
          val = evaluate(jsc, blocks, plan, weights);
        } finally {
          jsc.setJobDescription(null);
        }
        logs.put("val_loss", val.meanLoss());
        for (int i = 0; i < metricNames.size(); i++) {
          logs.put("val_" + metricNames.get(i), val.meanMetric(i));
        }
      }
      double seconds = (System.nanoTime() - e0) / 1e9;
      for (Callback c : all) {
        c.onEpochEnd(epoch, logs, seconds, context);
      }
    }
    all.forEach(Callback::onTrainEnd);
    return new TrainingResult(weights, optimizer, history, List.copyOf(rounds), blocks.seconds(),
        (System.nanoTime() - t0) / 1e9, blocks.report().trainRows(),
        blocks.report().validationRows());
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
