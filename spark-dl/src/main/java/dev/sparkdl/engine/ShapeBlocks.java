package dev.sparkdl.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import dev.sparkdl.spec.Cropping;
import dev.sparkdl.spec.LayerSpec;
import dev.sparkdl.spec.LayerTypes;
import dev.sparkdl.spec.Permute;
import dev.sparkdl.spec.RepeatVector;
import dev.sparkdl.spec.UpSampling;
import dev.sparkdl.spec.ZeroPadding;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The weightless layers that move values without computing new ones (and UpSampling2D's
 * bilinear interpolation): ZeroPadding1D/2D, Cropping1D/2D, UpSampling1D/2D, RepeatVector,
 * Permute. Each works on the layout it is given: the spatial axes start at 1 of {@code (batch,
 * spatial..., channels)}, or at 2 of {@code (batch, channels, spatial...)} for Keras' {@code
 * data_format='channels_first'}, so no transposes are needed.
 */
final class ShapeBlocks {
  private ShapeBlocks() {}

  /**
   * @param layer one of the layers above
   * @param shape its per-sample input shape
   * @return its block
   */
  static Block of(LayerSpec layer, List<Integer> shape) {
    String name = LayerTypes.snakeCase(layer.className());
    if (layer instanceof ZeroPadding z) {
      int first = "channels_first".equals(z.dataFormat()) ? 2 : 1;
      return lambda(x -> pad(x, z.padding(), first), name);
    } else if (layer instanceof Cropping c) {
      boolean cf = "channels_first".equals(c.dataFormat());
      int first = cf ? 1 : 0;
      StringBuilder index = new StringBuilder(cf ? ":, :" : ":");
      for (int a = 0; a < c.rank(); a++) {
        int n = shape.get(first + a);
        index.append(", ").append(c.cropping().get(2 * a)).append(':')
            .append(n - c.cropping().get(2 * a + 1));
      }
      String idx = index.toString();
      return lambda(x -> x.get(idx), name);
    } else if (layer instanceof UpSampling u) {
      int first = "channels_first".equals(u.dataFormat()) ? 2 : 1;
      if ("nearest".equals(u.interpolation())) {
        return lambda(x -> {
          NDArray y = x;
          for (int a = 0; a < u.rank(); a++) {
            if (u.size().get(a) > 1) {
              y = y.repeat(first + a, u.size().get(a));
            }
          }
          return y;
        }, name);
      }
      float[][] weights = new float[u.rank()][];
      int[] sizes = new int[u.rank()];
      for (int a = 0; a < u.rank(); a++) {
        sizes[a] = shape.get(first - 1 + a);
        weights[a] = bilinear(sizes[a], u.size().get(a));
      }
      return lambda(x -> {
        NDArray y = x;
        int last = x.getShape().dimension() - 1;
        for (int a = 0; a < u.rank(); a++) {
          int axis = first + a;
          NDArray w = x.getManager().create(weights[a],
              new Shape(sizes[a], (long) sizes[a] * u.size().get(a)));
          y = y.swapAxes(axis, last).matMul(w).swapAxes(axis, last);
        }
        return y;
      }, name);
    } else if (layer instanceof RepeatVector r) {
      return lambda(x -> x.expandDims(1).repeat(1, r.n()), name);
    } else if (layer instanceof Permute p) {
      int[] axes = new int[p.dims().size() + 1];
      for (int i = 0; i < p.dims().size(); i++) {
        axes[i + 1] = p.dims().get(i);
      }
      return lambda(x -> x.transpose(axes), name);
    }
    throw new IllegalArgumentException(layer.className() + " is not a shape layer");
  }

  /**
   * Keras 3's bilinear resize along one axis ({@code ops.image.resize}, half-pixel centres, as
   * TensorFlow's {@code resize_bilinear(half_pixel_centers=True)}): output {@code o} reads the
   * source coordinate {@code (o + 0.5) / factor - 0.5} between rows {@code max(floor, 0)} and
   * {@code min(ceil, n - 1)}.
   *
   * @return the {@code (n, n·factor)} matrix that maps an axis of length n to its resized values
   */
  static float[] bilinear(int n, int factor) {
    int out = n * factor;
    float[] w = new float[n * out];
    for (int o = 0; o < out; o++) {
      double src = (o + 0.5) / factor - 0.5;
      double floor = Math.floor(src);
      int lower = (int) Math.max(floor, 0);
      int upper = (int) Math.min(Math.ceil(src), n - 1);
      double lerp = src - floor;
      w[lower * out + o] += (float) (1 - lerp);
      w[upper * out + o] += (float) lerp;
    }
    return w;
  }

  /** Zeros before and after each spatial axis, from {@code firstAxis} on. */
  private static NDArray pad(NDArray x, List<Integer> padding, int firstAxis) {
    NDArray y = x;
    for (int a = 0; a < padding.size() / 2; a++) {
      int axis = firstAxis + a;
      NDList pieces = new NDList();
      for (int side = 0; side < 2; side++) {
        int n = padding.get(2 * a + side);
        if (side == 1) {
          pieces.add(y);
        }
        if (n > 0) {
          long[] d = y.getShape().getShape();
          d[axis] = n;
          pieces.add(y.getManager().zeros(new Shape(d), y.getDataType()));
        }
      }
      if (pieces.size() > 1) {
        y = NDArrays.concat(pieces, axis);
      }
    }
    return y;
  }

  private static Block lambda(UnaryOperator<NDArray> f, String name) {
    return new LambdaBlock(list -> new NDList(f.apply(list.singletonOrThrow())), name);
  }
}
