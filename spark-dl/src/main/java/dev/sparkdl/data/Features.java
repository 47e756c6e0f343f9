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
 * Reads one feature value of a Spark SQL row straight from Spark's internal row format into
 * floats, without building Vector or Row objects. Supported: a Spark ML Vector (dense or
 * sparse), an array of numbers, an array of arrays of numbers (a sequence: {@code (steps,
 * features)}), and the image struct of Spark's image data source ({@code (height, width,
 * channels)}, values 0..255, channels reordered from Spark's BGR(A) to RGB(A) as Keras expects).
 */
public final class Features {
  /** {@link #length} of a null value. */
  public static final int NULL = -1;
  /** {@link #length} of a sequence whose inner arrays differ in length. */
  public static final int RAGGED = -2;
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
    int[] s = shape(row, col, type);
    if (s == null) {
      return NULL;
    }
    if (s.length == 2 && s[1] == RAGGED) {
      return RAGGED;
    }
    int n = 1;
    for (int d : s) {
      n *= d;
    }
    return n;
  }

  /**
   * @return the value's per-sample shape ({@code [n]}, {@code [steps, features]}, {@code
   *     [height, width, channels]}), null for a null value; {@code [steps, RAGGED]} for a
   *     sequence whose inner arrays differ in length
   */
  public static int[] shape(InternalRow row, int col, DataType type) {
    if (row.isNullAt(col)) {
      return null;
    }
    if (ColumnChecks.isVector(type)) {
      InternalRow v = row.getStruct(col, VECTOR_FIELDS);
      return new int[] {v.getByte(0) == SPARSE ? v.getInt(1) : v.getArray(3).numElements()};
    }
    if (ColumnChecks.isImage(type)) {
      InternalRow img = row.getStruct(col, ((org.apache.spark.sql.types.StructType) type).size());
      int[] f = ColumnChecks.imageFields((org.apache.spark.sql.types.StructType) type);
      return new int[] {img.getInt(f[0]), img.getInt(f[1]), img.getInt(f[2])};
    }
    ArrayData outer = row.getArray(col);
    if (((ArrayType) type).elementType() instanceof ArrayType) {
      int steps = outer.numElements();
      int width = -1;
      for (int t = 0; t < steps; t++) {
        int w = outer.isNullAt(t) ? RAGGED : outer.getArray(t).numElements();
        if (width >= 0 && w != width || w == RAGGED) {
          return new int[] {steps, RAGGED};
        }
        width = w;
      }
      return new int[] {steps, Math.max(width, 0)};
    }
    return new int[] {outer.numElements()};
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
        // read in place: copying the array out first (toDoubleArray) allocates a double[] per row
        int n = values.numElements();
        for (int i = 0; i < n; i++) {
          float f = (float) values.getDouble(i);
          finite &= Float.isFinite(f);
          dst[offset + i] = f;
        }
      }
      return finite;
    }
    if (ColumnChecks.isImage(type)) {
      org.apache.spark.sql.types.StructType st = (org.apache.spark.sql.types.StructType) type;
      InternalRow img = row.getStruct(col, st.size());
      int[] f = ColumnChecks.imageFields(st);
      int pixels = img.getInt(f[0]) * img.getInt(f[1]);
      int channels = img.getInt(f[2]);
      byte[] data = img.getBinary(f[3]);
      if (data == null || data.length < pixels * channels) {
        return false;
      }
      for (int p = 0; p < pixels; p++) {
        for (int c = 0; c < channels; c++) {
          // Spark stores BGR(A); Keras models expect RGB(A)
          int from = channels >= 3 && c < 3 ? 2 - c : c;
          dst[offset + p * channels + c] = data[p * channels + from] & 0xff;
        }
      }
      return true;
    }
    ArrayData a = row.getArray(col);
    DataType element = ((ArrayType) type).elementType();
    if (element instanceof ArrayType inner) {
      int at = offset;
      for (int t = 0; t < a.numElements(); t++) {
        ArrayData step = a.getArray(t);
        for (int i = 0; i < step.numElements(); i++) {
          if (step.isNullAt(i)) {
            return false;
          }
          float f = (float) element(step, i, inner.elementType());
          finite &= Float.isFinite(f);
          dst[at++] = f;
        }
      }
      return finite;
    }
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
    if (n < 0) {
      return "a sequence whose steps differ in length";
    }
    if (!ColumnChecks.isVector(type) && !ColumnChecks.isImage(type)
        && !(((ArrayType) type).elementType() instanceof ArrayType)) {
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
