package dev.sparkdl.distributed;

import dev.sparkdl.data.PartitionData;
import dev.sparkdl.engine.BatchStats;
import dev.sparkdl.engine.Engines;
import dev.sparkdl.engine.Moments;
import dev.sparkdl.engine.Network;
import dev.sparkdl.engine.OptimizerState;
import dev.sparkdl.engine.WeightSnapshot;
import dev.sparkdl.spec.LearningRateSchedule;
import java.util.Iterator;

/** The functions that run inside Spark tasks: one training round, one validation pass. */
final class PartitionTasks {
  private PartitionTasks() {}

  /**
   * Trains this partition's minibatches {@code [round·K, (round+1)·K)} of the epoch, starting
   * from the broadcast weights and optimizer state.
   */
  static RoundResult trainRound(
      TrainingPlan plan, RoundInput in, int partition, Iterator<PartitionData> it) {
    FaultInjection.atRoundStart(in, partition);
    long start = System.currentTimeMillis();
    long t0 = System.nanoTime();
    PartitionData data = it.next();
    Engines.setIntraOpThreads(plan.threadsPerTask());
    Minibatches batches =
        new Minibatches(data.train(), plan.label(), plan.batchSize(), plan.seed(), in.epoch(),
            partition);
    int k = plan.averagingFrequency();
    int from = Math.min(in.round() * k, batches.count());
    int to = Math.min(from + k, batches.count());
    BatchStats stats = new BatchStats(0);
    if (from == to) {
      return new RoundResult(partition, 0, stats, null, null, 0,
          timing(partition, 0, 0, 0, start));
    }
    try (Network net = Network.create(plan.spec(), plan.compile(), plan.inputShape(), plan.seed(),
        TaskDevices.current(plan.device()))) {
      net.setWeights(in.weights());
      if (in.optimizer() != null) {
        net.setOptimizerState(in.optimizer());
      }
      net.setLearningRate(in.learningRate());
      net.seedDropout(Minibatches.mix(plan.seed() + 17, in.epoch() * 100_003L + in.round(), partition));
      long t1 = System.nanoTime();
      long samples = 0;
      LearningRateSchedule schedule = in.scheduleFactor() > 0
          ? plan.compile().optimizer().schedule() : null;
      long iteration = in.optimizer() == null ? 0 : in.optimizer().iterations();
      for (int b = from; b < to; b++) {
        if (schedule != null) {
          net.setLearningRate(schedule.at(iteration++) * in.scheduleFactor());
        }
        int n = batches.fill(b);
        stats.merge(net.trainBatch(batches.x(), batches.y(), batches.w(), n));
        samples += n;
      }
      long t2 = System.nanoTime();
      WeightSnapshot w = net.weights();
      OptimizerState o = net.optimizerState();
      float[][] ww = scale(w.arrays(), samples);
      float[][] ws = scale(o.slots(), samples);
      long t3 = System.nanoTime();
      return new RoundResult(partition, samples, stats, ww, ws, o.iterations(),
          timing(partition, (t1 - t0) / 1e9, (t2 - t1) / 1e9, (t3 - t2) / 1e9, start));
    }
  }

  /** Loss and metrics of this partition's validation rows under the given weights. */
  static BatchStats evaluate(TrainingPlan plan, WeightSnapshot weights, Iterator<PartitionData> it) {
    PartitionData data = it.next();
    PartitionData.Split val = data.validation();
    BatchStats stats = new BatchStats(0);
    if (val.rows() == 0) {
      return stats;
    }
    Engines.setIntraOpThreads(plan.threadsPerTask());
    try (Network net = Network.create(plan.spec(), plan.compile(), plan.inputShape(), plan.seed(),
        TaskDevices.current(plan.device()))) {
      net.setWeights(weights);
      int d = val.x().width();
      int t = plan.label().targetWidth();
      int bs = plan.evalBatchSize();
      boolean weighted = val.y().weighted(plan.label());
      for (int from = 0; from < val.rows(); from += bs) {
        int n = Math.min(bs, val.rows() - from);
        float[] x = new float[n * d];
        float[] y = new float[n * t];
        float[] w = weighted ? new float[n] : null;
        for (int i = 0; i < n; i++) {
          val.x().copyRow(from + i, x, i * d);
          val.y().writeTarget(plan.label(), from + i, y, i * t);
          if (weighted) {
            w[i] = val.y().weight(plan.label(), from + i);
          }
        }
        stats.merge(net.evaluate(x, y, w, n));
      }
    }
    return stats;
  }

  /**
   * Moments of what normalization layer {@code layer} receives from this partition's training
   * rows under the given weights, in inference mode: all rows, or every {@code s}-th row when
   * there are more than {@code maxRows} (a stride, so sorted data is still sampled evenly).
   *
   * @return the moments, or null for a partition without training rows
   */
  static Moments normalizationMoments(TrainingPlan plan, WeightSnapshot weights, int layer,
      int maxRows, Iterator<PartitionData> it) {
    PartitionData.Split train = it.next().train();
    if (train.rows() == 0) {
      return null;
    }
    int stride = maxRows <= 0 ? 1 : (train.rows() + maxRows - 1) / maxRows;
    int rows = (train.rows() + stride - 1) / stride;
    Engines.setIntraOpThreads(plan.threadsPerTask());
    try (Network net = Network.create(plan.spec(), null, plan.inputShape(), plan.seed(),
        TaskDevices.current(plan.device()))) {
      net.setWeights(weights);
      int d = train.x().width();
      int bs = plan.evalBatchSize();
      Moments total = null;
      float[] x = null;
      for (int from = 0; from < rows; from += bs) {
        int n = Math.min(bs, rows - from);
        if (x == null || x.length != n * d) {
          x = new float[n * d];
        }
        for (int i = 0; i < n; i++) {
          train.x().copyRow((from + i) * stride, x, i * d);
        }
        Moments m = net.normalizationInputMoments(layer, x, n);
        total = total == null ? m : total.merge(m);
      }
      return total;
    }
  }

  private static float[][] scale(float[][] arrays, long factor) {
    float f = factor;
    for (float[] a : arrays) {
      for (int i = 0; i < a.length; i++) {
        a[i] *= f;
      }
    }
    return arrays;
  }

  private static TaskTiming timing(int partition, double setup, double train, double export,
      long start) {
    return new TaskTiming(partition, setup, train, export, start, System.currentTimeMillis(),
        Thread.currentThread().getName(), ProcessHandle.current().pid());
  }
}
