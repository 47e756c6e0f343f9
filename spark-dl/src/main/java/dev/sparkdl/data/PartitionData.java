package dev.sparkdl.data;

import dev.sparkdl.spec.LabelMode;
import java.io.Serializable;

/**
 * One partition's rows as floats, converted once and cached: features and stored labels of the
 * training rows and of the validation rows drawn from this partition.
 *
 * @param train training rows
 * @param validation validation rows (possibly none)
 * @param report what the conversion saw, including the rows it rejected
 */
public record PartitionData(Split train, Split validation, ConversionReport report)
    implements Serializable {

  /**
   * @return this partition with its training rows in an order that depends only on their
   *     content (a hash of features and label), so that the same rows train the same way however
   *     the DataFrame was partitioned or ordered; identical rows stay together
   */
  public PartitionData canonical() {
    int n = train.rows();
    long[] keys = new long[n];
    float[] x = new float[train.x().width()];
    float[] y = new float[train.y().width()];
    boolean weightedLabels = report.weighted;
    for (int r = 0; r < n; r++) {
      train.x().copyRow(r, x, 0);
      train.y().copyRow(r, y, 0);
      long h = 0x9E3779B97F4A7C15L;
      for (float v : x) {
        h = (h ^ Float.floatToIntBits(v)) * 0xBF58476D1CE4E5B9L;
        h ^= h >>> 29;
      }
      for (int j = 0; j < y.length; j++) {
        if (j == y.length - 1 && weightedLabels) {
          break; // a weight does not move a row: weight 1 orders as no weight
        }
        float v = y[j];
        h = (h ^ Float.floatToIntBits(v)) * 0x94D049BB133111EBL;
        h ^= h >>> 32;
      }
      keys[r] = h;
    }
    Integer[] order = new Integer[n];
    for (int r = 0; r < n; r++) {
      order[r] = r;
    }
    java.util.Arrays.sort(order, (a, b) -> Long.compare(keys[a], keys[b]));
    Split sorted = new Split(new FloatRows(train.x().width()), new FloatRows(train.y().width()));
    for (int r : order) {
      train.x().copyRow(r, x, 0);
      train.y().copyRow(r, y, 0);
      sorted.x().append(x, 0);
      sorted.y().append(y, 0);
    }
    sorted.x().trim();
    sorted.y().trim();
    return new PartitionData(sorted, validation, report);
  }

  /** @return the rows of all the parts, in order, as one partition's (ordered by content) */
  public static PartitionData concat(java.util.List<PartitionData> parts) {
    java.util.List<PartitionData> rows = parts.stream()
        .filter(p -> p.train().rows() + p.validation().rows() > 0).toList();
    // an empty part may not even know the row width: the widths come from a part with rows
    PartitionData first = rows.isEmpty() ? parts.get(0) : rows.get(0);
    Split train = new Split(new FloatRows(first.train().x().width()),
        new FloatRows(first.train().y().width()));
    Split validation = new Split(new FloatRows(first.validation().x().width()),
        new FloatRows(first.validation().y().width()));
    ConversionReport report = new ConversionReport();
    parts.forEach(p -> report.merge(p.report()));
    for (PartitionData p : rows) {
      train.x().appendAll(p.train().x());
      train.y().appendAll(p.train().y());
      validation.x().appendAll(p.validation().x());
      validation.y().appendAll(p.validation().y());
    }
    for (FloatRows r : new FloatRows[] {train.x(), train.y(), validation.x(), validation.y()}) {
      r.trim();
    }
    return new PartitionData(train, validation, report).canonical();
  }

  /**
   * Features and labels of the same rows.
   *
   * @param x features, {@code featureSize} floats per row
   * @param y stored labels, {@link LabelMode#storedWidth()} floats per row
   */
  public record Split(FloatRows x, FloatRows y) implements Serializable {
    /** @return the number of rows */
    public int rows() {
      return x.rows();
    }
  }
}
