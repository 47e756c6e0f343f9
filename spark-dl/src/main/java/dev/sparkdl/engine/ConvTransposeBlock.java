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
    for (int a = 0; a < 2; a++) {
      int k = spec.dilationRate().get(a) * (spec.kernelSize().get(a) - 1) + 1;
      int full = (in[a] - 1) * spec.strides().get(a) + k;
      out[a] = spec.outputLength(in[a], a);
      offset[a] = "same".equals(spec.padding()) ? Math.max(full - out[a], 0) / 2 : 0;
    }
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
    // after each value, padded by the dilated kernel - 1 on each side, with the kernel flipped
    // and its channel axes swapped (DJL does not bind PyTorch's conv_transpose); the zeros
    // after the last value only add positions that the crop below removes
    long[] d = x.getShape().getShape();
    int sh = spec.strides().get(0);
    int sw = spec.strides().get(1);
    NDArray u = x;
    if (sh > 1 || sw > 1) {
      u = x.reshape(d[0], d[1], d[2], 1, d[3], 1)
          .pad(new Shape(0, sw - 1, 0, 0, 0, sh - 1), 0)
          .reshape(d[0], d[1], d[2] * sh, d[3] * sw);
    }
    NDArray kernel = w.transpose(1, 0, 2, 3).flip(2, 3);
    long[] pad = new long[2];
    for (int a = 0; a < 2; a++) {
      pad[a] = (long) spec.dilationRate().get(a) * (spec.kernelSize().get(a) - 1);
    }
    NDArray full = x.getNDArrayInternal().convolution(u, kernel, null, new Shape(1, 1),
        new Shape(pad), new Shape(spec.dilationRate().get(0), spec.dilationRate().get(1)), 1)
        .singletonOrThrow();
    // crop from the offset to the output length, zeros where that reaches past the full output
    long[] f = full.getShape().getShape();
    long endH = Math.min(offset[0] + out[0], f[2]);
    long endW = Math.min(offset[1] + out[1], f[3]);
    NDArray y = full.get(":, :, " + offset[0] + ":" + endH + ", " + offset[1] + ":" + endW);
    if (endH < offset[0] + out[0] || endW < offset[1] + out[1]) {
      y = y.pad(new Shape(0, offset[1] + out[1] - endW, 0, offset[0] + out[0] - endH), 0);
    }
    if (bias != null) {
      y = y.add(store.getValue(bias, x.getDevice(), training)
          .reshape(1, spec.filters(), 1, 1));
    }
    return new NDList(y);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {new Shape(inputShapes[0].get(0), spec.filters(), out[0], out[1])};
  }
}
