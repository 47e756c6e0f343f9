package dev.sparkdl.data;

import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.ShortType;

/**
 * Reads one feature value of a Spark SQL row — a Spark ML Vector (dense or sparse) or an array
 * of numbers — straight from Spark's internal row format into floats, without building Vector
 * or Row objects.
 */
public final class Features {
  /** {@link #length} of a null value. */
  public static final int NULL = -1;
  private static final int VECTOR_FIELDS = 4;
  private static final byte SPARSE = 0;

  private Features() {}

  /**
   * @param row the row
   * @param col the column's position
   * @param type the column's type (Vector or array of numbers)
   * @return the number of values, or {@link #NULL}
   */
  public static int length(InternalRow row, int col, DataType type) {
    if (row.isNullAt(col)) {
      return NULL;
    }
    if (ColumnChecks.isVector(type)) {
      InternalRow v = row.getStruct(col, VECTOR_FIELDS);
      return v.getByte(0) == SPARSE ? v.getInt(1) : v.getArray(3).numElements();
    }
    return row.getArray(col).numElements();
  }

  /**
   * Writes the values at {@code dst[offset..]}; the caller has checked the length.
   *
   * @return true if every value is finite (NaN, infinities and null array elements are not)
   */
  public static boolean write(InternalRow row, int col, DataType type, float[] dst, int offset) {
    boolean finite = true;
    if (ColumnChecks.isVector(type)) {
      InternalRow v = row.getStruct(col, VECTOR_FIELDS);
      ArrayData values = v.getArray(3);
      if (v.getByte(0) == SPARSE) {
        java.util.Arrays.fill(dst, offset, offset + v.getInt(1), 0f);
        ArrayData idx = v.getArray(2);
        for (int i = 0; i < values.numElements(); i++) {
          float f = (float) values.getDouble(i);
          finite &= Float.isFinite(f);
          dst[offset + idx.getInt(i)] = f;
        }
      } else {
        double[] d = values.toDoubleArray(); // one bulk copy out of Spark's row format
        for (int i = 0; i < d.length; i++) {
          float f = (float) d[i];
          finite &= Float.isFinite(f);
          dst[offset + i] = f;
        }
      }
      return finite;
    }
    ArrayData a = row.getArray(col);
    DataType element = ((ArrayType) type).elementType();
    for (int i = 0; i < a.numElements(); i++) {
      if (a.isNullAt(i)) {
        return false;
      }
      float f = (float) element(a, i, element);
      finite &= Float.isFinite(f);
      dst[offset + i] = f;
    }
    return finite;
  }

  /** @return the values as doubles (for vector labels), or null if an element is null */
  public static double[] toDoubles(InternalRow row, int col, DataType type) {
    int n = length(row, col, type);
    if (n == NULL) {
      return null;
    }
    if (!ColumnChecks.isVector(type)) {
      ArrayData a = row.getArray(col);
      DataType element = ((ArrayType) type).elementType();
      double[] d = new double[n];
      for (int i = 0; i < n; i++) {
        if (a.isNullAt(i)) {
          return null;
        }
        d[i] = element(a, i, element);
      }
      return d;
    }
    float[] f = new float[n];
    write(row, col, type, f, 0);
    double[] d = new double[n];
    for (int i = 0; i < n; i++) {
      d[i] = f[i];
    }
    return d;
  }

  /** @return the first values of a feature for messages, e.g. {@code [1.0, NaN, 3.0, ...]} */
  public static String preview(InternalRow row, int col, DataType type) {
    int n = length(row, col, type);
    if (n == NULL) {
      return "null";
    }
    StringBuilder s = new StringBuilder("[");
    if (!ColumnChecks.isVector(type)) {
      ArrayData a = row.getArray(col);
      DataType element = ((ArrayType) type).elementType();
      for (int i = 0; i < Math.min(n, 8); i++) {
        s.append(i == 0 ? "" : ", ").append(a.isNullAt(i) ? "null" : element(a, i, element));
      }
    } else {
      float[] f = new float[n];
      write(row, col, type, f, 0);
      for (int i = 0; i < Math.min(n, 8); i++) {
        s.append(i == 0 ? "" : ", ").append(f[i]);
      }
    }
    return s.append(n > 8 ? ", ...]" : "]").toString();
  }

  private static double element(ArrayData a, int i, DataType t) {
    if (t instanceof DoubleType) {
      return a.getDouble(i);
    } else if (t instanceof FloatType) {
      return a.getFloat(i);
    } else if (t instanceof IntegerType) {
      return a.getInt(i);
    } else if (t instanceof LongType) {
      return a.getLong(i);
    } else if (t instanceof ShortType) {
      return a.getShort(i);
    } else if (t instanceof ByteType) {
      return a.getByte(i);
    } else if (t instanceof DecimalType d) {
      return a.getDecimal(i, d.precision(), d.scale()).toDouble();
    }
    throw new IllegalArgumentException("unsupported array element type " + t.simpleString());
  }
}
