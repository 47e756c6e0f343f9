package dev.sparkdl.data;

import dev.sparkdl.spec.LabelMode;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * A growable table of float rows of fixed width, stored in chunks of {@value #CHUNK_ROWS} rows so
 * that no single array gets huge and nothing is copied as it grows.
 */
public final class FloatRows implements Serializable {
  private static final long serialVersionUID = 1L;
  /** Rows per chunk. */
  public static final int CHUNK_ROWS = 1024;
  private final int width;
  private final List<float[]> chunks = new ArrayList<>();
  private int rows;

  /** @param width floats per row */
  public FloatRows(int width) {
    this.width = width;
  }

  /** @return floats per row */
  public int width() {
    return width;
  }

  /** @return the number of rows */
  public int rows() {
    return rows;
  }

  /** Appends one row taken from {@code src[offset .. offset + width)}. */
  public void append(float[] src, int offset) {
    int c = rows / CHUNK_ROWS;
    if (c == chunks.size()) {
      chunks.add(new float[CHUNK_ROWS * width]);
    }
    System.arraycopy(src, offset, chunks.get(c), (rows % CHUNK_ROWS) * width, width);
    rows++;
  }

  /** Appends every row of {@code other} (of the same width). */
  public void appendAll(FloatRows other) {
    if (other.rows == 0) {
      return;
    }
    if (other.width != width) {
      throw new IllegalArgumentException(
          "rows of width " + other.width + " cannot join rows of width " + width);
    }
    float[] row = new float[width];
    for (int r = 0; r < other.rows; r++) {
      other.copyRow(r, row, 0);
      append(row, 0);
    }
  }

  /** Copies row {@code r} to {@code dst[offset .. offset + width)}. */
  public void copyRow(int r, float[] dst, int offset) {
    System.arraycopy(chunks.get(r / CHUNK_ROWS), (r % CHUNK_ROWS) * width, dst, offset, width);
  }

  /**
   * Writes the training target of stored label row {@code r} at {@code dst[offset..]}: a class
   * index expanded to one-hot when the label form says so, else the stored values.
   *
   * @param label how the stored labels become targets
   * @param r the row
   * @param dst the target buffer
   * @param offset where the row's target starts
   */
  public void writeTarget(LabelMode label, int r, float[] dst, int offset) {
    if (label.kind() == LabelMode.Kind.CLASS_INDEX && label.oneHot()) {
      java.util.Arrays.fill(dst, offset, offset + label.classes(), 0f);
      dst[offset + (int) get(r, 0)] = 1f;
    } else {
      System.arraycopy(chunks.get(r / CHUNK_ROWS), (r % CHUNK_ROWS) * width, dst, offset,
          label.storedWidth());
    }
  }

  /**
   * @param label the stored labels' form
   * @return whether these label rows carry a weight after the label ({@link RowConverter})
   */
  public boolean weighted(LabelMode label) {
    return width > label.storedWidth();
  }

  /** @return row {@code r}'s weight: its last value when {@link #weighted}, else 1 */
  public float weight(LabelMode label, int r) {
    return weighted(label) ? get(r, width - 1) : 1f;
  }

  /** @return value {@code j} of row {@code r} */
  public float get(int r, int j) {
    return chunks.get(r / CHUNK_ROWS)[(r % CHUNK_ROWS) * width + j];
  }

  /** Releases the unused tail of the last chunk (after the last append). */
  public void trim() {
    if (!chunks.isEmpty()) {
      int last = chunks.size() - 1;
      int used = (rows - last * CHUNK_ROWS) * width;
      float[] c = chunks.get(last);
      if (used < c.length) {
        chunks.set(last, java.util.Arrays.copyOf(c, used));
      }
    }
  }
}
