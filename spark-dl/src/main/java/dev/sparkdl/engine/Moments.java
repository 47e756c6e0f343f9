package dev.sparkdl.engine;

import java.io.Serializable;

/**
 * Per-channel count, mean and sum of squared deviations (M2) of some values, in double
 * precision. Two sets merge exactly (Chan et al.'s parallel update), so moments computed per
 * batch and per partition add up to those of all the values without the cancellation of
 * summing raw squares.
 */
public final class Moments implements Serializable {
  private static final long serialVersionUID = 1L;
  private long count;
  private final double[] mean;
  private final double[] m2;

  /** @param channels the number of channels */
  public Moments(int channels) {
    this.mean = new double[channels];
    this.m2 = new double[channels];
  }

  /**
   * Moments of one batch.
   *
   * @param count values per channel
   * @param mean the per-channel means
   * @param m2 the per-channel sums of squared deviations from the mean
   */
  public Moments(long count, double[] mean, double[] m2) {
    if (mean.length != m2.length) {
      throw new IllegalArgumentException("mean and m2 differ in length");
    }
    this.count = count;
    this.mean = mean;
    this.m2 = m2;
  }

  /** Adds another set of moments to this one (in place) and returns this. */
  public Moments merge(Moments other) {
    if (other.mean.length != mean.length) {
      throw new IllegalArgumentException(
          "moments of " + other.mean.length + " channels cannot merge into " + mean.length);
    }
    if (other.count == 0) {
      return this;
    }
    long n = count + other.count;
    for (int c = 0; c < mean.length; c++) {
      double delta = other.mean[c] - mean[c];
      mean[c] += delta * other.count / n;
      m2[c] += other.m2[c] + delta * delta * ((double) count * other.count / n);
    }
    count = n;
    return this;
  }

  /** @return values per channel */
  public long count() {
    return count;
  }

  /** @return the number of channels */
  public int channels() {
    return mean.length;
  }

  /** @return the per-channel means (a copy) */
  public double[] mean() {
    return mean.clone();
  }

  /** @return the per-channel population variances (M2 / count; a copy) */
  public double[] variance() {
    double[] v = new double[m2.length];
    for (int c = 0; c < v.length; c++) {
      v[c] = count == 0 ? 0 : m2[c] / count;
    }
    return v;
  }
}
