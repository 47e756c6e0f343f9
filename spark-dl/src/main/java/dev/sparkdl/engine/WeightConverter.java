package dev.sparkdl.engine;

import java.util.ArrayList;
import java.util.List;

/**
 * Converts one layer's weights between DJL's parameter arrays and Keras' {@code get_weights()}
 * arrays (both flat, row-major, in their own orders).
 */
interface WeightConverter {

  /** @return the Keras arrays from the DJL arrays */
  List<float[]> toKeras(List<float[]> djl);

  /** @return the DJL arrays from the Keras arrays */
  List<float[]> fromKeras(List<float[]> keras);

  /** One DJL array per Keras array, each a permutation of the other's axes. */
  final class Permuted implements WeightConverter {
    private final int[][] kerasShapes;
    private final int[][] axes;

    /**
     * @param kerasShapes Keras' shape of each array
     * @param axes for each array the permutation with {@code djl = keras.permute(axes)}, or null
     *     where the layouts agree
     */
    Permuted(int[][] kerasShapes, int[][] axes) {
      this.kerasShapes = kerasShapes;
      this.axes = axes;
    }

    @Override
    public List<float[]> toKeras(List<float[]> djl) {
      List<float[]> out = new ArrayList<>();
      for (int i = 0; i < djl.size(); i++) {
        if (axes[i] == null) {
          out.add(djl.get(i));
        } else {
          int[] inv = inverse(axes[i]);
          out.add(permute(djl.get(i), permuteShape(kerasShapes[i], axes[i]), inv));
        }
      }
      return out;
    }

    @Override
    public List<float[]> fromKeras(List<float[]> keras) {
      List<float[]> out = new ArrayList<>();
      for (int i = 0; i < keras.size(); i++) {
        out.add(axes[i] == null ? keras.get(i) : permute(keras.get(i), kerasShapes[i], axes[i]));
      }
      return out;
    }
  }

  /**
   * SimpleRNN / GRU / LSTM: PyTorch holds {@code W_ih (G*u, in), W_hh (G*u, u), b_ih, b_hh};
   * Keras holds {@code kernel (in, G*u), recurrent_kernel (u, G*u), bias}. LSTM and SimpleRNN
   * have one Keras bias ({@code b_ih + b_hh}; set as {@code b_ih}, with {@code b_hh = 0}); GRU
   * ({@code reset_after=True}) has {@code bias (2, 3u)} = both. GRU's gates are ordered {@code
   * z, r, h} in Keras and {@code r, z, n} in PyTorch. A GRU with {@code reset_after=False} has
   * one Keras bias {@code (3u)} like the LSTM; without biases there are two arrays on each side.
   */
  final class Recurrent implements WeightConverter {
    private final String kind;
    private final int units;
    private final int in;
    private final int gates;
    private final boolean useBias;
    private final boolean twoBiases;

    Recurrent(String kind, int units, int in, int gates) {
      this(kind, units, in, gates, true, true);
    }

    Recurrent(String kind, int units, int in, int gates, boolean useBias, boolean resetAfter) {
      this.kind = kind;
      this.units = units;
      this.in = in;
      this.gates = gates;
      this.useBias = useBias;
      this.twoBiases = "GRU".equals(kind) && resetAfter;
    }

    @Override
    public List<float[]> toKeras(List<float[]> djl) {
      int rows = gates * units;
      float[] kernel = transpose(reorder(djl.get(0), in), rows, in);
      float[] recurrent = transpose(reorder(djl.get(1), units), rows, units);
      if (!useBias) {
        return List.of(kernel, recurrent);
      }
      float[] bih = reorder(djl.get(2), 1);
      float[] bhh = reorder(djl.get(3), 1);
      float[] bias;
      if (twoBiases) {
        bias = new float[2 * rows];
        System.arraycopy(bih, 0, bias, 0, rows);
        System.arraycopy(bhh, 0, bias, rows, rows);
      } else {
        bias = new float[rows];
        for (int i = 0; i < rows; i++) {
          bias[i] = bih[i] + bhh[i];
        }
      }
      return List.of(kernel, recurrent, bias);
    }

    @Override
    public List<float[]> fromKeras(List<float[]> keras) {
      int rows = gates * units;
      float[] wih = reorder(transpose(keras.get(0), in, rows), in);
      float[] whh = reorder(transpose(keras.get(1), units, rows), units);
      if (!useBias) {
        return List.of(wih, whh);
      }
      float[] bih;
      float[] bhh;
      if (twoBiases) {
        bih = reorder(java.util.Arrays.copyOfRange(keras.get(2), 0, rows), 1);
        bhh = reorder(java.util.Arrays.copyOfRange(keras.get(2), rows, 2 * rows), 1);
      } else {
        bih = reorder(keras.get(2).clone(), 1);
        bhh = new float[rows];
      }
      return List.of(wih, whh, bih, bhh);
    }

    /** Swaps GRU's first two gate blocks (rows of {@code width} values); an involution. */
    private float[] reorder(float[] rowsMajor, int width) {
      if (!"GRU".equals(kind)) {
        return rowsMajor;
      }
      float[] out = rowsMajor.clone();
      int block = units * width;
      System.arraycopy(rowsMajor, 0, out, block, block);
      System.arraycopy(rowsMajor, block, out, 0, block);
      return out;
    }
  }

  /** Several layers' converters one after the other (a wrapped network's layers). */
  final class Concat implements WeightConverter {
    private final List<LayerWeights> layers;

    Concat(List<LayerWeights> layers) {
      this.layers = List.copyOf(layers);
    }

    @Override
    public List<float[]> toKeras(List<float[]> djl) {
      List<float[]> out = new ArrayList<>();
      int p = 0;
      for (LayerWeights l : layers) {
        out.addAll(l.converter().toKeras(djl.subList(p, p + l.paramCount())));
        p += l.paramCount();
      }
      return out;
    }

    @Override
    public List<float[]> fromKeras(List<float[]> keras) {
      List<float[]> out = new ArrayList<>();
      int k = 0;
      for (LayerWeights l : layers) {
        out.addAll(l.converter().fromKeras(keras.subList(k, k + l.keras().size())));
        k += l.keras().size();
      }
      return out;
    }
  }

  static float[] transpose(float[] v, int rows, int cols) {
    return FlatArrays.transpose(v, rows, cols);
  }

  static float[] permute(float[] data, int[] shape, int[] axes) {
    return FlatArrays.permute(data, shape, axes);
  }

  static int[] permuteShape(int[] shape, int[] axes) {
    return FlatArrays.permuteShape(shape, axes);
  }

  static int[] inverse(int[] axes) {
    int[] inv = new int[axes.length];
    for (int i = 0; i < axes.length; i++) {
      inv[axes[i]] = i;
    }
    return inv;
  }
}
