package dev.sparkdl.data;

import java.util.List;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;

/**
 * Reads one feature value of a row — a Spark ML {@link Vector} (dense or sparse) or an array of
 * numbers — into a float array.
 */
public final class Features {
  /** {@link #length} of a null value. */
  public static final int NULL = -1;

  private Features() {}

  /**
   * @param row the row
   * @param col the feature column's index in the row
   * @return the number of values of the feature, or {@link #NULL}
   */
  public static int length(Row row, int col) {
    if (row.isNullAt(col)) {
      return NULL;
    }
    Object v = row.get(col);
    if (v instanceof Vector vec) {
      return vec.size();
    }
    return row.getList(col).size();
  }

  /**
   * Writes the feature's values at {@code dst[offset..]}; the caller has checked the length.
   *
   * @return true if every value is finite (NaN, infinities and null array elements are not)
   */
  public static boolean write(Row row, int col, float[] dst, int offset) {
    Object v = row.get(col);
    boolean finite = true;
    if (v instanceof DenseVector d) {
      double[] values = d.values();
      for (int i = 0; i < values.length; i++) {
        float f = (float) values[i];
        finite &= Float.isFinite(f);
        dst[offset + i] = f;
      }
    } else if (v instanceof SparseVector s) {
      java.util.Arrays.fill(dst, offset, offset + s.size(), 0f);
      int[] idx = s.indices();
      double[] values = s.values();
      for (int i = 0; i < idx.length; i++) {
        float f = (float) values[i];
        finite &= Float.isFinite(f);
        dst[offset + idx[i]] = f;
      }
    } else {
      List<Object> list = row.getList(col);
      for (int i = 0; i < list.size(); i++) {
        Object o = list.get(i);
        if (o == null) {
          return false;
        }
        float f = ((Number) o).floatValue();
        finite &= Float.isFinite(f);
        dst[offset + i] = f;
      }
    }
    return finite;
  }

  /** @return the first values of a feature for messages, e.g. {@code [1.0, NaN, 3.0, ...]} */
  public static String preview(Row row, int col) {
    if (row.isNullAt(col)) {
      return "null";
    }
    Object v = row.get(col);
    String s = v instanceof Vector vec ? vec.toString() : String.valueOf(row.getList(col));
    return s.length() > 80 ? s.substring(0, 77) + "..." : s;
  }
}
