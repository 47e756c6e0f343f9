package dev.sparkdl.engine;

/**
 * Row-major array helpers: transposes and axis permutations of flat float arrays (weights between
 * DJL, Keras and ONNX layouts).
 */
public final class FlatArrays {
  private FlatArrays() {}

  /** @return the {@code (cols, rows)} transpose of a {@code (rows, cols)} array */
  public static float[] transpose(float[] v, int rows, int cols) {
    float[] t = new float[v.length];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        t[c * rows + r] = v[r * cols + c];
      }
    }
    return t;
  }

  /** @return {@code data} (of {@code shape}) with its axes permuted: out axis i = in axis axes[i] */
  public static float[] permute(float[] data, int[] shape, int[] axes) {
    int rank = shape.length;
    int[] inStrides = new int[rank];
    int stride = 1;
    for (int i = rank - 1; i >= 0; i--) {
      inStrides[i] = stride;
      stride *= shape[i];
    }
    int[] outShape = permuteShape(shape, axes);
    float[] out = new float[data.length];
    int[] idx = new int[rank];
    for (int o = 0; o < out.length; o++) {
      int src = 0;
      for (int i = 0; i < rank; i++) {
        src += idx[i] * inStrides[axes[i]];
      }
      out[o] = data[src];
      for (int i = rank - 1; i >= 0; i--) {
        if (++idx[i] < outShape[i]) {
          break;
        }
        idx[i] = 0;
      }
    }
    return out;
  }

  /** @return the shape after permuting its axes */
  public static int[] permuteShape(int[] shape, int[] axes) {
    int[] s = new int[axes.length];
    for (int i = 0; i < axes.length; i++) {
      s[i] = shape[axes[i]];
    }
    return s;
  }
}
