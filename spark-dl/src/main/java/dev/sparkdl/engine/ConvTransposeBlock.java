package dev.sparkdl.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.sparkdl.spec.Conv2DTranspose;

/**
 * Keras' (TensorFlow's) {@code Conv2DTranspose} on channels-first input {@code (batch,
 * channels, h, w)}, output {@code (batch, filters, h', w')}. PyTorch's transposed convolution
 * computes the full output {@code (in - 1) * stride + dilated kernel} per axis; TensorFlow's
 * output of Keras' length {@code L} is that full output from offset {@code P = max(full - L, 0)
 * / 2} for 'same' (the 'same' padding of the convolution whose gradient this is, with the odd
 * row after), 0 for 'valid', extended by zeros (and the bias) where {@code L} reaches past it
 * (output padding). Parameters as PyTorch's: {@code weight (channels,
 * filters, kh, kw)}, {@code bias (filters)}. DJL's {@code Conv2dTranspose} is not used: it
 * shapes the weight {@code (filters, channels, ...)}, and DJL's PyTorch engine does not
 * implement its operator.
 */
final class ConvTransposeBlock extends AbstractBlock {
  private static final byte VERSION = 1;
  private final Conv2DTranspose spec;
  private final int[] in;
  private final int[] out;
  private final int[] offset;
  private final long[] extension;
  private final Parameter weight;
  private final Parameter bias;

  /**
   * @param spec the layer
   * @param inputShape its channels-last input {@code (h, w, channels)}
   */
  ConvTransposeBlock(Conv2DTranspose spec, java.util.List<Integer> inputShape) {
    super(VERSION);
    this.spec = spec;
    in = new int[] {inputShape.get(0), inputShape.get(1)};
    out = new int[2];
    offset = new int[2];
    long[] ext = new long[2];
    for (int a = 0; a < 2; a++) {
      int k = spec.dilationRate().get(a) * (spec.kernelSize().get(a) - 1) + 1;
      int full = (in[a] - 1) * spec.strides().get(a) + k;
      out[a] = spec.outputLength(in[a], a);
      offset[a] = "same".equals(spec.padding()) ? Math.max(full - out[a], 0) / 2 : 0;
      ext[a] = Math.max(0, out[a] + offset[a] - full);
    }
    extension = ext;
    weight = addParameter(Parameter.builder().setName("weight").setType(Parameter.Type.WEIGHT)
        .optShape(new Shape(inputShape.get(2), spec.filters(), spec.kernelSize().get(0),
            spec.kernelSize().get(1))).build());
    bias = spec.useBias() ? addParameter(Parameter.builder().setName("bias")
        .setType(Parameter.Type.BIAS).optShape(new Shape(spec.filters())).build()) : null;
  }

  @Override
  protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
      PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    NDArray w = store.getValue(weight, x.getDevice(), training);
    // the full transposed convolution as a convolution of the input with stride - 1 zeros
    // between its values, padded by the dilated kernel - 1 on each side, with the kernel
    // flipped and its channel axes swapped (PyTorch's conv_transpose is not bound in DJL)
    NDArray u = x;
    for (int a = 0; a < 2; a++) {
      u = spread(u, 2 + a, spec.strides().get(a));
    }
    NDArray kernel = w.transpose(1, 0, 2, 3).flip(2, 3);
    long[] pad = new long[2];
    for (int a = 0; a < 2; a++) {
      pad[a] = (long) spec.dilationRate().get(a) * (spec.kernelSize().get(a) - 1);
    }
    NDArray full = x.getNDArrayInternal().convolution(u, kernel, null, new Shape(1, 1),
        new Shape(pad), new Shape(spec.dilationRate().get(0), spec.dilationRate().get(1)), 1)
        .singletonOrThrow();
    for (int a = 0; a < 2; a++) {
      if (extension[a] > 0) {
        long[] d = full.getShape().getShape();
        d[2 + a] = extension[a];
        full = full.concat(full.getManager().zeros(new Shape(d), full.getDataType()), 2 + a);
      }
    }
    NDArray y = full.get(":, :, " + offset[0] + ":" + (offset[0] + out[0]) + ", " + offset[1]
        + ":" + (offset[1] + out[1]));
    if (bias != null) {
      y = y.add(store.getValue(bias, x.getDevice(), training)
          .reshape(1, spec.filters(), 1, 1));
    }
    return new NDList(y);
  }

  /** Puts {@code stride - 1} zeros between consecutive values along {@code axis}. */
  private static NDArray spread(NDArray x, int axis, int stride) {
    if (stride == 1) {
      return x;
    }
    long[] d = x.getShape().getShape();
    long n = d[axis];
    NDArray one = x.expandDims(axis + 1);
    long[] zeros = one.getShape().getShape();
    zeros[axis + 1] = stride - 1;
    NDArray both = one.concat(x.getManager().zeros(new Shape(zeros), x.getDataType()), axis + 1);
    d[axis] = n * stride;
    return both.reshape(new Shape(d)).get(sliceAlong(d.length, axis, (n - 1) * stride + 1));
  }

  private static String sliceAlong(int rank, int axis, long length) {
    StringBuilder s = new StringBuilder();
    for (int a = 0; a < rank; a++) {
      s.append(a == 0 ? "" : ", ").append(a == axis ? "0:" + length : ":");
    }
    return s.toString();
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {new Shape(inputShapes[0].get(0), spec.filters(), out[0], out[1])};
  }
}
