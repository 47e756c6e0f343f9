package dev.sparkdl.data;

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
