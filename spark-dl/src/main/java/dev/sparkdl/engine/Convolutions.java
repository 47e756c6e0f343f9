package dev.sparkdl.engine;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv1d;
import ai.djl.nn.convolutional.Conv2d;
import dev.sparkdl.spec.Conv2DTranspose;
import dev.sparkdl.spec.DepthwiseConv2D;
import dev.sparkdl.spec.SeparableConv;
import dev.sparkdl.spec.Shapes;
import java.util.ArrayList;
import java.util.List;

/**
 * The blocks of Conv2DTranspose, DepthwiseConv2D and SeparableConv1D/2D over channels-last
 * input (each transposes to PyTorch's channels-first and back around its kernels), with their
 * weights in Keras' layouts: a transposed kernel {@code (kh, kw, filters, channels)} is PyTorch's
 * {@code (channels, filters, kh, kw)}; a depthwise kernel {@code (k..., channels, multiplier)} is
 * PyTorch's grouped {@code (channels * multiplier, 1, k...)}; a pointwise kernel {@code (1...,
 * channels * multiplier, filters)} is a 1x1 convolution's {@code (filters, channels *
 * multiplier, 1...)}.
 */
final class Convolutions {
  private static final int[] TRANSPOSED_AXES = {3, 2, 0, 1};
  private static final int[][] DEPTHWISE_AXES = {{1, 2, 0}, {2, 3, 0, 1}};
  private static final int[][] POINTWISE_AXES = {{2, 1, 0}, {3, 2, 0, 1}};

  private Convolutions() {}

  static void transposed(SequentialBlock body, List<NetworkBuilder.Part> parts, int i,
      Conv2DTranspose c, List<Integer> shape) {
    body.add(NetworkBuilder.lambda(x -> x.transpose(0, 3, 1, 2), "channels_first"));
    ConvTransposeBlock b = new ConvTransposeBlock(c, shape);
    body.add(b);
    body.add(NetworkBuilder.lambda(x -> x.transpose(0, 2, 3, 1), "channels_last"));
    int[] kernel = {c.kernelSize().get(0), c.kernelSize().get(1), c.filters(), shape.get(2)};
    parts.add(NetworkBuilder.permuted(i, b, c.useBias(), kernel, TRANSPOSED_AXES,
        c.kernelInitializer(), c.filters(), c.biasInitializer()));
  }

  static void depthwise(SequentialBlock body, List<NetworkBuilder.Part> parts, int i,
      DepthwiseConv2D c, List<Integer> shape) {
    int channels = shape.get(2);
    int outChannels = channels * c.depthMultiplier();
    int[] pad = samePadding(body, 2, shape, c.padding(), c.kernelSize(), c.strides(),
        c.dilationRate());
    Block conv = Conv2d.builder()
        .setKernelShape(new Shape(c.kernelSize().get(0), c.kernelSize().get(1)))
        .setFilters(outChannels)
        .optStride(new Shape(c.strides().get(0), c.strides().get(1)))
        .optPadding(new Shape(pad[0], pad[1]))
        .optDilation(new Shape(c.dilationRate().get(0), c.dilationRate().get(1)))
        .optGroups(channels)
        .optBias(c.useBias())
        .build();
    body.add(conv);
    body.add(NetworkBuilder.lambda(x -> x.transpose(0, 2, 3, 1), "channels_last"));
    int[] kernel = {c.kernelSize().get(0), c.kernelSize().get(1), channels, c.depthMultiplier()};
    List<KerasWeight> keras = new ArrayList<>(List.of(
        new KerasWeight("depthwise_kernel", kernel, c.depthwiseInitializer())));
    List<int[]> shapes = new ArrayList<>(List.of(kernel));
    List<int[]> axes = new ArrayList<>(List.of(DEPTHWISE_AXES[1]));
    List<String> names = new ArrayList<>(List.of("depthwise_kernel"));
    if (c.useBias()) {
      keras.add(new KerasWeight("bias", new int[] {outChannels}, c.biasInitializer()));
      shapes.add(new int[] {outChannels});
      axes.add(null);
      names.add("bias");
    }
    parts.add(new NetworkBuilder.Part(i, conv, keras, new WeightConverter.Permuted(
        shapes.toArray(new int[0][]), axes.toArray(new int[0][])), names));
  }

  static void separable(SequentialBlock body, List<NetworkBuilder.Part> parts, int i,
      SeparableConv c, List<Integer> shape) {
    int rank = c.rank();
    int channels = shape.get(rank);
    int mid = channels * c.depthMultiplier();
    int[] pad = samePadding(body, rank, shape, c.padding(), c.kernelSize(), c.strides(),
        c.dilationRate());
    long[] k = new long[rank];
    long[] s = new long[rank];
    long[] p = new long[rank];
    long[] d = new long[rank];
    long[] one = new long[rank];
    for (int a = 0; a < rank; a++) {
      k[a] = c.kernelSize().get(a);
      s[a] = c.strides().get(a);
      p[a] = pad[a];
      d[a] = c.dilationRate().get(a);
      one[a] = 1;
    }
    SequentialBlock both = new SequentialBlock();
    if (rank == 2) {
      both.add(Conv2d.builder().setKernelShape(new Shape(k)).setFilters(mid)
          .optStride(new Shape(s)).optPadding(new Shape(p)).optDilation(new Shape(d))
          .optGroups(channels).optBias(false).build());
      both.add(Conv2d.builder().setKernelShape(new Shape(one)).setFilters(c.filters())
          .optBias(c.useBias()).build());
    } else {
      both.add(Conv1d.builder().setKernelShape(new Shape(k)).setFilters(mid)
          .optStride(new Shape(s)).optPadding(new Shape(p)).optDilation(new Shape(d))
          .optGroups(channels).optBias(false).build());
      both.add(Conv1d.builder().setKernelShape(new Shape(one)).setFilters(c.filters())
          .optBias(c.useBias()).build());
    }
    body.add(both);
    int[] back = rank == 2 ? new int[] {0, 2, 3, 1} : new int[] {0, 2, 1};
    body.add(NetworkBuilder.lambda(x -> x.transpose(back), "channels_last"));
    int[] depthwise = new int[rank + 2];
    int[] pointwise = new int[rank + 2];
    for (int a = 0; a < rank; a++) {
      depthwise[a] = c.kernelSize().get(a);
      pointwise[a] = 1;
    }
    depthwise[rank] = channels;
    depthwise[rank + 1] = c.depthMultiplier();
    pointwise[rank] = mid;
    pointwise[rank + 1] = c.filters();
    List<KerasWeight> keras = new ArrayList<>(List.of(
        new KerasWeight("depthwise_kernel", depthwise, c.depthwiseInitializer()),
        new KerasWeight("pointwise_kernel", pointwise, c.pointwiseInitializer())));
    List<int[]> shapes = new ArrayList<>(List.of(depthwise, pointwise));
    List<int[]> axes = new ArrayList<>(List.of(DEPTHWISE_AXES[rank - 1],
        POINTWISE_AXES[rank - 1]));
    List<String> names = new ArrayList<>(List.of("depthwise_kernel", "pointwise_kernel"));
    if (c.useBias()) {
      keras.add(new KerasWeight("bias", new int[] {c.filters()}, c.biasInitializer()));
      shapes.add(new int[] {c.filters()});
      axes.add(null);
      names.add("bias");
    }
    parts.add(new NetworkBuilder.Part(i, both, keras, new WeightConverter.Permuted(
        shapes.toArray(new int[0][]), axes.toArray(new int[0][])), names));
  }

  /**
   * Transposes channels-last input to channels-first and pads Keras' 'same' padding: the
   * symmetric part is returned for the kernel to pad, the extra row after is padded here.
   */
  private static int[] samePadding(SequentialBlock body, int rank, List<Integer> shape,
      String padding, List<Integer> kernel, List<Integer> strides, List<Integer> dilation) {
    int[] pad = new int[rank];
    int[][] extra = new int[rank][];
    for (int a = 0; a < rank; a++) {
      if ("same".equals(padding)) {
        int[] p = Shapes.samePadding(shape.get(a), kernel.get(a), strides.get(a),
            dilation.get(a));
        pad[a] = Math.min(p[0], p[1]);
        extra[a] = new int[] {p[0] - pad[a], p[1] - pad[a]};
      }
    }
    int[] first = rank == 2 ? new int[] {0, 3, 1, 2} : new int[] {0, 2, 1};
    body.add(NetworkBuilder.lambda(x -> x.transpose(first), "channels_first"));
    NetworkBuilder.addPadding(body, extra, 2, 0f);
    return pad;
  }
}
