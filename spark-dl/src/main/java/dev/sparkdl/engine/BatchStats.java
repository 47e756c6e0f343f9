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
  private double weightSum;
  private double lossSum;
  private double[] metricSums;

  /**
   * @param metrics the number of metric sums ({@link MetricStatistics#size()}); 0 for an empty
   *     start that takes its size from the first merge
   */
  public BatchStats(int metrics) {
    this.metricSums = new double[metrics];
  }

  BatchStats(long count, double lossSum, double[] metricSums) {
    this(count, count, lossSum, metricSums);
  }

  /**
   * @param weightSum the rows' sample weights summed, the denominator of the per-sample
   *     metrics' means ({@code count} without weights)
   */
  BatchStats(long count, double weightSum, double lossSum, double[] metricSums) {
    this.count = count;
    this.weightSum = weightSum;
    this.lossSum = lossSum;
    this.metricSums = metricSums;
  }

  /** Adds another set of sums to this one. */
  public BatchStats merge(BatchStats other) {
    count += other.count;
    weightSum += other.weightSum;
    lossSum += other.lossSum;
    if (metricSums.length == 0) {
      metricSums = other.metricSums.clone();
      return this;
    }
    if (other.metricSums.length == 0) {
      return this;
    }
    if (other.metricSums.length != metricSums.length) {
      throw new IllegalArgumentException("metric sums of " + other.metricSums.length
          + " values cannot merge into " + metricSums.length);
    }
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

  /** @return the weighted mean of metric sum {@code index} over the samples */
  public double meanMetric(int index) {
    return metricSums[index] / weightSum;
  }

  /** @return the number of metric sums */
  public int metricCount() {
    return metricSums.length;
  }

  /** @return a copy of the metric sums, laid out by {@link MetricStatistics} */
  public double[] metricSums() {
    return metricSums.clone();
  }

  /**
   * @param layout where the sums of each metric are
   * @param prefix put before each name ({@code ""} or {@code "val_"})
   * @return the metric values by History name
   */
  public java.util.Map<String, Double> metricLogs(MetricStatistics layout, String prefix) {
    return layout.logs(metricSums, weightSum, prefix);
  }

  @Override
  public String toString() {
    return "BatchStats(count=" + count + ", loss=" + meanLoss() + ", metrics="
        + Arrays.toString(metricSums) + ")";
  }
}
