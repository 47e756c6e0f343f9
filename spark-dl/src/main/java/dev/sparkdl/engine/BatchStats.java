package dev.sparkdl.engine;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Sums over the samples of one or more batches: sample count, loss sum (mean loss × samples) and
 * one sum per compiled metric. Sums merge exactly across batches and partitions; divide by
 * {@link #count()} for means.
 */
public final class BatchStats implements Serializable {
  private static final long serialVersionUID = 1L;
  private long count;
  private double lossSum;
  private final double[] metricSums;

  /** @param metrics the number of compiled metrics */
  public BatchStats(int metrics) {
    this.metricSums = new double[metrics];
  }

  BatchStats(long count, double lossSum, double[] metricSums) {
    this.count = count;
    this.lossSum = lossSum;
    this.metricSums = metricSums;
  }

  /** Adds another set of sums to this one. */
  public BatchStats merge(BatchStats other) {
    count += other.count;
    lossSum += other.lossSum;
    for (int i = 0; i < metricSums.length; i++) {
      metricSums[i] += other.metricSums[i];
    }
    return this;
  }

  /** @return samples seen */
  public long count() {
    return count;
  }

  /** @return the mean loss over the samples (NaN when empty) */
  public double meanLoss() {
    return lossSum / count;
  }

  /** @return the mean of metric {@code index} over the samples */
  public double meanMetric(int index) {
    return metricSums[index] / count;
  }

  /** @return the number of metrics */
  public int metricCount() {
    return metricSums.length;
  }

  @Override
  public String toString() {
    return "BatchStats(count=" + count + ", loss=" + meanLoss() + ", metrics="
        + Arrays.toString(metricSums) + ")";
  }
}
