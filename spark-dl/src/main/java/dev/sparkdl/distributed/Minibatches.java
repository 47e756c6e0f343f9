package dev.sparkdl.distributed;

import dev.sparkdl.spec.LabelMode;
import dev.sparkdl.data.PartitionData;
import java.util.SplittableRandom;

/**
 * A partition's minibatches in one epoch: the rows in a seeded random order, cut into batches
 * of {@code batchSize}. A last batch of a single row joins the one before it (BatchNorm cannot
 * train on one sample).
 */
final class Minibatches {
  private final PartitionData.Split data;
  private final LabelMode label;
  private final int batchSize;
  private final int[] order;
  private final int count;
  private float[] x;
  private float[] y;
  private float[] w;

  Minibatches(PartitionData.Split data, LabelMode label, int batchSize, long seed, int epoch,
      int partition) {
    this.data = data;
    this.label = label;
    this.batchSize = batchSize;
    this.order = order(data.rows(), seed, epoch, partition);
    this.count = count(data.rows(), batchSize);
  }

  /** @return the order in which a partition of {@code rows} rows visits them in an epoch */
  static int[] order(int rows, long seed, int epoch, int partition) {
    return permutation(rows, new SplittableRandom(mix(seed, epoch, partition)));
  }

  /** @return the number of minibatches of {@code rows} rows */
  static int count(int rows, int batchSize) {
    int n = (rows + batchSize - 1) / batchSize;
    return n > 1 && rows % batchSize == 1 ? n - 1 : n;
  }

  int count() {
    return count;
  }

  int start(int b) {
    return b * batchSize;
  }

  int end(int b) {
    return b == count - 1 ? data.rows() : (b + 1) * batchSize;
  }

  /** Fills the buffers with batch {@code b}; returns its size. */
  int fill(int b) {
    int from = start(b);
    int n = end(b) - from;
    int d = data.x().width();
    int t = label.targetWidth();
    if (x == null || x.length != n * d) {
      x = new float[n * d];
      y = new float[n * t];
      w = data.y().weighted(label) ? new float[n] : null;
    }
    for (int i = 0; i < n; i++) {
      int r = order[from + i];
      data.x().copyRow(r, x, i * d);
      data.y().writeTarget(label, r, y, i * t);
      if (w != null) {
        w[i] = data.y().weight(label, r);
      }
    }
    return n;
  }

  float[] x() {
    return x;
  }

  float[] y() {
    return y;
  }

  /** @return the batch's sample weights, or null when the rows carry none */
  float[] w() {
    return w;
  }

  static long mix(long seed, long a, long b) {
    long h = seed * 0x9E3779B97F4A7C15L + a * 0xBF58476D1CE4E5B9L + b * 0x94D049BB133111EBL;
    return h ^ (h >>> 31);
  }

  private static int[] permutation(int n, SplittableRandom rnd) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      int tmp = p[i];
      p[i] = p[j];
      p[j] = tmp;
    }
    return p;
  }
}
