package dev.sparkdl.export;

import dev.sparkdl.engine.FlatArrays;
import dev.sparkdl.engine.ProtoWriter;
import dev.sparkdl.engine.Tensor;
import dev.sparkdl.spec.Activation;
import dev.sparkdl.spec.ActivationLayer;
import dev.sparkdl.spec.ELU;
import dev.sparkdl.spec.LeakyReLU;
import dev.sparkdl.spec.ReLU;
import dev.sparkdl.spec.Softmax;
import dev.sparkdl.spec.ThresholdedReLU;
import dev.sparkdl.spec.BatchNormalization;
import dev.sparkdl.spec.Conv1D;
import dev.sparkdl.spec.Bidirectional;
import dev.sparkdl.spec.Conv2D;
import dev.sparkdl.spec.Conv2DTranspose;
import dev.sparkdl.spec.Cropping;
import dev.sparkdl.spec.DepthwiseConv2D;
import dev.sparkdl.spec.LayerNormalization;
import dev.sparkdl.spec.PReLU;
import dev.sparkdl.spec.Permute;
import dev.sparkdl.spec.RepeatVector;
import dev.sparkdl.spec.SeparableConv;
import dev.sparkdl.spec.TimeDistributed;
import dev.sparkdl.spec.UpSampling;
import dev.sparkdl.spec.ZeroPadding;
import dev.sparkdl.spec.Dense;
import dev.sparkdl.spec.Dropout;
import dev.sparkdl.spec.Embedding;
import dev.sparkdl.spec.Flatten;
import dev.sparkdl.spec.GlobalPooling;
import dev.sparkdl.spec.LayerSpec;
import dev.sparkdl.spec.Pooling;
import dev.sparkdl.spec.Recurrent;
import dev.sparkdl.spec.Rescaling;
import dev.sparkdl.spec.Reshape;
import dev.sparkdl.spec.Sequential;
import dev.sparkdl.spec.Shapes;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a Sequential network and its weights as an ONNX model (opset {@value #OPSET}, IR version
 * {@value #IR_VERSION}): one float32 input {@value #INPUT} of shape {@code (batch, ...)} with a
 * dynamic batch axis named {@code batch} and the per-sample shape of the network (channels-last,
 * as Keras), one output {@value #OUTPUT}, the network's prediction with its final activation
 * applied (class probabilities for a softmax or sigmoid head), as Keras' {@code model.predict}.
 *
 * <p>Each layer becomes the ONNX operators that compute it in inference mode: Dense as
 * MatMul + Add; convolution and pooling as Transpose to channels-first, Conv / MaxPool /
 * AveragePool (with explicit, possibly uneven, pads for 'same'), Transpose back;
 * BatchNormalization as the BatchNormalization operator with the moving statistics; Dropout as
 * nothing; Embedding as Cast to int64 + Gather; LSTM, GRU ({@code linear_before_reset=1}, Keras'
 * {@code reset_after=True}) and SimpleRNN as ONNX's LSTM, GRU and RNN operators over
 * time-major input, with the gates reordered from Keras' {@code i, f, c, o} to ONNX's {@code i,
 * o, f, c}; Bidirectional as one such operator with direction "bidirectional", then the merge;
 * TimeDistributed as the inner layer between Reshapes folding the steps into the batch.
 * PReLU is PRelu; LayerNormalization over the trailing axes is opset 17's LayerNormalization;
 * ZeroPadding is Pad, Cropping is Slice, UpSampling is Resize (nearest, or TF's half-pixel
 * bilinear as linear with half_pixel coordinates), RepeatVector is Unsqueeze + Tile, Permute is
 * Transpose; Conv2DTranspose is ConvTranspose with pads and output_padding giving Keras'
 * lengths; DepthwiseConv2D and SeparableConv are grouped Convs. A layer it cannot express is
 * refused with an {@link IllegalArgumentException} naming it.
 */
public final class OnnxExport extends OnnxGraph {
  /** The operator set version the model declares. */
  public static final int OPSET = 17;
  /** The ONNX IR version written (the one that goes with opset 17). */
  public static final int IR_VERSION = 8;
  /** The graph's input name. */
  public static final String INPUT = "input";
  /** The graph's output name. */
  public static final String OUTPUT = "output";

  private final OnnxRecurrent recurrent = new OnnxRecurrent(this);

  private OnnxExport() {}

  /**
   * @param spec the network, with its input shape
   * @param kerasWeights its weights in Keras' {@code get_weights()} order and layout
   * @param producerVersion written as the model's producer_version
   * @return the serialized ONNX ModelProto
   * @throws IllegalArgumentException naming a layer that cannot be exported, or if the weights
   *     do not match the network
   */
  public static byte[] toBytes(Sequential spec, List<Tensor> kerasWeights,
      String producerVersion) {
    if (spec.inputShape() == null) {
      throw new IllegalArgumentException("The network has no input shape; ONNX export needs one.");
    }
    return new OnnxExport().model(spec, kerasWeights, producerVersion);
  }

  private byte[] model(Sequential spec, List<Tensor> weights, String version) {
    List<Integer> shape = spec.inputShape();
    String x = INPUT;
    int w = 0;
    List<LayerSpec> layers = spec.layers();
    for (int i = 0; i < layers.size(); i++) {
      LayerSpec layer = layers.get(i);
      if (channelsFirst(layer)) {
        throw new IllegalArgumentException("Layer " + i + " (" + layer.className() + ") cannot"
            + " be exported to ONNX: data_format='channels_first' is not translated; export a"
            + " channels-last network.");
      }
      if (layer instanceof Embedding e && e.maskZero()) {
        throw new IllegalArgumentException("Layer " + i + " (Embedding) cannot be exported to"
            + " ONNX: mask_zero=True is not translated (the graph would not skip the padded"
            + " steps).");
      }
      int need = weightCount(layer);
      if (need < 0) {
        throw new IllegalArgumentException("Layer " + i + " (" + layer.className() + ") cannot"
            + " be exported to ONNX: no ONNX translation for it. Exportable layers: Dense,"
            + " Activation, ReLU, LeakyReLU, ELU, Softmax, ThresholdedReLU, Dropout,"
            + " SpatialDropout1D/2D, GaussianNoise, GaussianDropout, AlphaDropout,"
            + " BatchNormalization, Flatten, Reshape, Rescaling, Conv1D,"
            + " Conv2D, Conv2DTranspose, DepthwiseConv2D, SeparableConv1D/2D,"
            + " Max/AveragePooling1D/2D, GlobalMax/AveragePooling1D/2D, Embedding,"
            + " SimpleRNN, GRU, LSTM, Bidirectional, TimeDistributed, PReLU,"
            + " LayerNormalization, ZeroPadding1D/2D, Cropping1D/2D, UpSampling1D/2D,"
            + " RepeatVector, Permute.");
      }
      if (w + need > weights.size()) {
        throw new IllegalArgumentException("The weights end before layer " + i + " ("
            + layer.className() + "): " + weights.size() + " arrays for this network.");
      }
      try {
        x = layer(layer, shape, x, weights.subList(w, w + need));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("Layer " + i + " (" + layer.className() + ") cannot"
            + " be exported to ONNX: " + e.getMessage(), e);
      }
      w += need;
      shape = layer.outputShape(shape);
    }
    if (w != weights.size()) {
      throw new IllegalArgumentException("The network uses " + w + " weight arrays but "
          + weights.size() + " were given.");
    }
    nodes.add(new ProtoWriter().string(1, x).string(2, OUTPUT).string(3, "output_identity")
        .string(4, "Identity"));

    ProtoWriter graph = new ProtoWriter();
    nodes.forEach(n -> graph.message(1, n));
    graph.string(2, "sequential");
    initializers.forEach(t -> graph.message(5, t));
    graph.message(11, valueInfo(INPUT, spec.inputShape()));
    graph.message(12, valueInfo(OUTPUT, shape));
    return new ProtoWriter()
        .varint(1, IR_VERSION)
        .string(2, "spark-dl")
        .string(3, version == null ? "" : version)
        .message(7, graph)
        .message(8, new ProtoWriter().string(1, "").varint(2, OPSET))
        .toByteArray();
  }

  private static boolean channelsFirst(LayerSpec l) {
    String f = l instanceof Conv2D c ? c.dataFormat() : l instanceof Conv1D c ? c.dataFormat()
        : l instanceof Pooling p ? p.dataFormat()
        : l instanceof GlobalPooling g ? g.dataFormat()
        : l instanceof ZeroPadding z ? z.dataFormat() : l instanceof Cropping c ? c.dataFormat()
        : l instanceof UpSampling u ? u.dataFormat()
        : l instanceof Conv2DTranspose c ? c.dataFormat()
        : l instanceof DepthwiseConv2D c ? c.dataFormat()
        : l instanceof SeparableConv c ? c.dataFormat() : "channels_last";
    return "channels_first".equals(f)
        || l instanceof TimeDistributed t && channelsFirst(t.layer());
  }

  /** @return how many Keras arrays the layer holds, -1 if it cannot be exported */
  static int weightCount(LayerSpec l) {
    if (l instanceof Dense d) {
      return d.useBias() ? 2 : 1;
    } else if (l instanceof Conv2D c) {
      return c.useBias() ? 2 : 1;
    } else if (l instanceof Conv1D c) {
      return c.useBias() ? 2 : 1;
    } else if (l instanceof BatchNormalization) {
      return 4;
    } else if (l instanceof Embedding) {
      return 1;
    } else if (l instanceof Recurrent r) {
      return r.useBias() ? 3 : 2;
    } else if (l instanceof PReLU) {
      return 1;
    } else if (l instanceof LayerNormalization n) {
      return (n.scale() ? 1 : 0) + (n.center() ? 1 : 0); // gamma, then beta
    } else if (l instanceof Conv2DTranspose c) {
      return c.useBias() ? 2 : 1;
    } else if (l instanceof DepthwiseConv2D c) {
      return c.useBias() ? 2 : 1;
    } else if (l instanceof SeparableConv c) {
      return c.useBias() ? 3 : 2; // depthwise kernel, pointwise kernel, bias
    } else if (l instanceof Bidirectional b) {
      return 2 * weightCount(b.layer()); // the forward layer's, then the backward layer's
    } else if (l instanceof TimeDistributed t) {
      return weightCount(t.layer());
    } else if (l instanceof ZeroPadding || l instanceof Cropping || l instanceof UpSampling
        || l instanceof RepeatVector || l instanceof Permute) {
      return 0;
    } else if (l instanceof Activation || l instanceof ActivationLayer || l instanceof Dropout || l instanceof Flatten
        || l instanceof Reshape || l instanceof Rescaling || l instanceof Pooling
        || l instanceof GlobalPooling || l instanceof dev.sparkdl.spec.NoiseLayer) {
      return 0;
    }
    return -1;
  }

  private String layer(LayerSpec l, List<Integer> shape, String x, List<Tensor> w) {
    if (l instanceof Dense d) {
      String y = node("MatMul", List.of(x, init(w.get(0))));
      if (d.useBias()) {
        y = node("Add", List.of(y, init(w.get(1))));
      }
      return activation(d.activation(), y);
    } else if (l instanceof Activation a) {
      return activation(a.activation(), x);
    } else if (l instanceof ActivationLayer a) {
      return activationLayer(a, x);
    } else if (l instanceof Dropout || l instanceof dev.sparkdl.spec.NoiseLayer
        || l instanceof Flatten && shape.size() == 1) {
      return x;
    } else if (l instanceof Flatten) {
      return node("Flatten", List.of(x), attrInt("axis", 1));
    } else if (l instanceof Reshape r) {
      List<Integer> target = r.outputShape(shape);
      long[] dims = new long[target.size() + 1];
      dims[0] = -1;
      for (int i = 0; i < target.size(); i++) {
        dims[i + 1] = target.get(i);
      }
      return node("Reshape", List.of(x, longs(dims)));
    } else if (l instanceof Rescaling r) {
      String y = node("Mul", List.of(x, scalar((float) r.scale())));
      return node("Add", List.of(y, scalar((float) r.offset())));
    } else if (l instanceof BatchNormalization b) {
      return batchNorm(b, shape, x, w);
    } else if (l instanceof Conv2D c) {
      int[] pads = pads(c.padding(), shape, c.kernelSize(), c.strides(), c.dilationRate());
      String y = conv(x, 2, w, c.useBias(), new int[] {3, 2, 0, 1}, c.kernelSize(), c.strides(),
          c.dilationRate(), pads);
      return activation(c.activation(), y);
    } else if (l instanceof Conv1D c) {
      List<Integer> k = List.of(c.kernelSize());
      List<Integer> s = List.of(c.strides());
      List<Integer> d = List.of(c.dilationRate());
      String y = conv(x, 1, w, c.useBias(), new int[] {2, 1, 0}, k, s, d,
          pads(c.padding(), shape, k, s, d));
      return activation(c.activation(), y);
    } else if (l instanceof Pooling p) {
      int[] pads = pads(p.padding(), shape, p.poolSize(), p.strides(),
          java.util.Collections.nCopies(p.rank(), 1));
      String cf = toChannelsFirst(x, p.rank());
      List<ProtoWriter> attrs = new ArrayList<>(List.of(attrInts("kernel_shape", p.poolSize()),
          attrInts("strides", p.strides()), attrInts("pads", pads)));
      if ("Average".equals(p.kind())) {
        attrs.add(attrInt("count_include_pad", 0));
      }
      String y = node("Max".equals(p.kind()) ? "MaxPool" : "AveragePool", List.of(cf),
          attrs.toArray(new ProtoWriter[0]));
      return toChannelsLast(y, p.rank());
    } else if (l instanceof GlobalPooling g) {
      long[] axes = g.rank() == 2 ? new long[] {1, 2} : new long[] {1};
      return node("Max".equals(g.kind()) ? "ReduceMax" : "ReduceMean", List.of(x),
          attrInts("axes", axes), attrInt("keepdims", g.keepdims() ? 1 : 0));
    } else if (l instanceof Embedding) {
      String idx = node("Cast", List.of(x), attrInt("to", INT64));
      return node("Gather", List.of(init(w.get(0)), idx), attrInt("axis", 0));
    } else if (l instanceof Recurrent r) {
      return recurrent.recurrent(r, shape, x, w);
    } else if (l instanceof PReLU) {
      return node("PRelu", List.of(x, init(w.get(0)))); // alpha broadcasts over the batch
    } else if (l instanceof LayerNormalization n) {
      return layerNorm(n, shape, x, w);
    } else if (l instanceof ZeroPadding z) {
      return zeroPadding(z, x);
    } else if (l instanceof Cropping c) {
      return cropping(c, shape, x);
    } else if (l instanceof UpSampling u) {
      return upSampling(u, x);
    } else if (l instanceof RepeatVector r) {
      String y = node("Unsqueeze", List.of(x, longs(new long[] {1}))); // (batch, 1, features)
      return node("Tile", List.of(y, longs(new long[] {1, r.n(), 1})));
    } else if (l instanceof Permute p) {
      long[] perm = new long[p.dims().size() + 1];
      for (int i = 0; i < p.dims().size(); i++) {
        perm[i + 1] = p.dims().get(i);
      }
      return node("Transpose", List.of(x), attrInts("perm", perm));
    } else if (l instanceof Conv2DTranspose c) {
      return convTranspose(c, shape, x, w);
    } else if (l instanceof DepthwiseConv2D c) {
      List<Integer> k = c.kernelSize();
      String y = depthwise(toChannelsFirst(x, 2), 2, w.get(0), c.useBias() ? w.get(1) : null,
          k, c.strides(), c.dilationRate(),
          pads(c.padding(), shape, k, c.strides(), c.dilationRate()));
      return activation(c.activation(), toChannelsLast(y, 2));
    } else if (l instanceof SeparableConv c) {
      return separable(c, shape, x, w);
    } else if (l instanceof TimeDistributed t) {
      return timeDistributed(t, shape, x, w);
    } else if (l instanceof Bidirectional b) {
      return recurrent.bidirectional(b, shape, x, w);
    }
    throw new IllegalArgumentException(l.className() + " cannot be exported to ONNX.");
  }

  private String batchNorm(BatchNormalization b, List<Integer> shape, String x, List<Tensor> w) {
    List<String> in = new ArrayList<>();
    in.add(x);
    for (Tensor t : w) {
      in.add(init(t));
    }
    ProtoWriter eps = attrFloat("epsilon", (float) b.epsilon());
    if (shape.size() == 1) {
      return node("BatchNormalization", in, eps);
    }
    // ONNX normalizes axis 1; Keras the last: move the channels there and back
    int rank = shape.size() + 1;
    long[] first = new long[rank];
    long[] back = new long[rank];
    first[0] = 0;
    first[1] = rank - 1;
    for (int a = 2; a < rank; a++) {
      first[a] = a - 1;
    }
    for (int a = 0; a < rank; a++) {
      back[(int) first[a]] = a;
    }
    in.set(0, node("Transpose", List.of(x), attrInts("perm", first)));
    String y = node("BatchNormalization", in, eps);
    return node("Transpose", List.of(y), attrInts("perm", back));
  }

  private String conv(String x, int rank, List<Tensor> w, boolean bias, int[] axes,
      List<Integer> kernel, List<Integer> strides, List<Integer> dilations, int[] pads) {
    Tensor k = w.get(0);
    int[] oi = FlatArrays.permuteShape(k.shape(), axes);
    List<String> in = new ArrayList<>();
    in.add(toChannelsFirst(x, rank));
    in.add(init(new Tensor(oi, FlatArrays.permute(k.values(), k.shape(), axes))));
    if (bias) {
      in.add(init(w.get(1)));
    }
    String y = node("Conv", in, attrInts("kernel_shape", kernel), attrInts("strides", strides),
        attrInts("dilations", dilations), attrInts("pads", pads));
    return toChannelsLast(y, rank);
  }

  /** @return ONNX pads {@code [begin_0, begin_1, ..., end_0, end_1, ...]} */
  private static int[] pads(String padding, List<Integer> shape, List<Integer> kernel,
      List<Integer> strides, List<Integer> dilations) {
    int n = kernel.size();
    int[] pads = new int[2 * n];
    if ("same".equals(padding)) {
      for (int a = 0; a < n; a++) {
        int[] p = Shapes.samePadding(shape.get(a), kernel.get(a), strides.get(a),
            dilations.get(a));
        pads[a] = p[0];
        pads[n + a] = p[1];
      }
    } else if ("causal".equals(padding)) {
      for (int a = 0; a < n; a++) {
        pads[a] = (kernel.get(a) - 1) * dilations.get(a); // all before: Keras' causal Conv1D
      }
    }
    return pads;
  }

  /** LayerNormalization over the trailing axes: opset 17's LayerNormalization operator. */
  private String layerNorm(LayerNormalization n, List<Integer> shape, String x, List<Tensor> w) {
    int[] axes = n.sampleAxes(shape);
    for (int i = 0; i < axes.length; i++) {
      if (axes[i] != shape.size() - axes.length + i) {
        throw new IllegalArgumentException("axis=" + n.axis() + " on input " + shape
            + " are not its trailing axes, and the ONNX LayerNormalization operator"
            + " normalises the trailing axes only; normalise the last axes (e.g. axis=-1 or"
            + " axis=[" + shape.size() + "]), or export to .keras.");
      }
    }
    int[] wShape = n.weightShape(shape).stream().mapToInt(Integer::intValue).toArray();
    int size = java.util.Arrays.stream(wShape).reduce(1, (a, b) -> a * b);
    int k = 0;
    Tensor gamma = n.scale() ? w.get(k++) : null;
    Tensor beta = n.center() ? w.get(k) : null;
    float[] ones = new float[size];
    java.util.Arrays.fill(ones, 1f);
    List<String> in = new ArrayList<>(List.of(x,
        init(gamma == null ? new Tensor(wShape, ones) : reshaped(gamma, wShape))));
    if (beta != null) {
      in.add(init(reshaped(beta, wShape)));
    }
    return node("LayerNormalization", in, attrInt("axis", shape.size() - axes.length + 1),
        attrFloat("epsilon", (float) n.epsilon()));
  }

  private static Tensor reshaped(Tensor t, int[] shape) {
    return new Tensor(shape, t.values());
  }

  /** ZeroPadding1D/2D as Pad: zeros before and after the steps (rows, columns). */
  private String zeroPadding(ZeroPadding z, String x) {
    List<Integer> p = z.padding();
    long[] pads = z.rank() == 1 ? new long[] {0, p.get(0), 0, 0, p.get(1), 0}
        : new long[] {0, p.get(0), p.get(2), 0, 0, p.get(1), p.get(3), 0};
    return node("Pad", List.of(x, longs(pads)), attrString("mode", "constant"));
  }

  /** Cropping1D/2D as Slice along the steps (rows, columns). */
  private String cropping(Cropping c, List<Integer> shape, String x) {
    List<Integer> p = c.cropping();
    long[] starts = c.rank() == 1 ? new long[] {p.get(0)} : new long[] {p.get(0), p.get(2)};
    long[] ends = c.rank() == 1 ? new long[] {shape.get(0) - p.get(1)}
        : new long[] {shape.get(0) - p.get(1), shape.get(1) - p.get(3)};
    long[] axes = c.rank() == 1 ? new long[] {1} : new long[] {1, 2};
    return node("Slice", List.of(x, longs(starts), longs(ends), longs(axes)));
  }

  /**
   * UpSampling1D/2D as Resize on the channels-last tensor: nearest repeats each step
   * ({@code asymmetric} coordinates, {@code floor}); bilinear is TF's half-pixel resize, ONNX's
   * linear mode with {@code half_pixel} coordinates (both clamp at the edges).
   */
  private String upSampling(UpSampling u, String x) {
    float[] scales = new float[u.rank() + 2];
    java.util.Arrays.fill(scales, 1f);
    for (int a = 0; a < u.rank(); a++) {
      scales[a + 1] = u.size().get(a);
    }
    if ("bilinear".equals(u.interpolation())) {
      // ONNX Runtime's linear Resize wants the outer (batch, channel) scales 1 in NCHW
      String y = node("Resize", List.of(toChannelsFirst(x, 2), "",
              init(new Tensor(new int[] {4}, new float[] {1, 1, scales[1], scales[2]}))),
          attrString("mode", "linear"),
          attrString("coordinate_transformation_mode", "half_pixel"));
      return toChannelsLast(y, 2);
    }
    String s = init(new Tensor(new int[] {scales.length}, scales));
    return node("Resize", List.of(x, "", s), attrString("mode", "nearest"),
        attrString("coordinate_transformation_mode", "asymmetric"),
        attrString("nearest_mode", "floor"));
  }

  /**
   * Conv2DTranspose as ConvTranspose: the full transposed convolution, cropped by TF's 'same'
   * offset at the start and to Keras' output length at the end; where that length reaches past
   * the full output (output_padding, or 'valid' with strides above the kernel), ONNX's
   * output_padding adds the positions, which only the bias reaches.
   */
  private String convTranspose(Conv2DTranspose c, List<Integer> shape, String x,
      List<Tensor> w) {
    int[] pads = new int[4];
    int[] extra = new int[2];
    for (int a = 0; a < 2; a++) {
      int k = c.dilationRate().get(a) * (c.kernelSize().get(a) - 1) + 1;
      int full = (shape.get(a) - 1) * c.strides().get(a) + k;
      int out = c.outputLength(shape.get(a), a);
      int begin = "same".equals(c.padding()) ? Math.max(full - out, 0) / 2 : 0;
      int end = full - begin - out;
      pads[a] = begin;
      pads[2 + a] = Math.max(end, 0);
      extra[a] = Math.max(-end, 0);
    }
    Tensor k = w.get(0); // Keras (kh, kw, filters, in); ONNX (in, filters, kh, kw)
    int[] axes = {3, 2, 0, 1};
    List<String> in = new ArrayList<>(List.of(toChannelsFirst(x, 2),
        init(new Tensor(FlatArrays.permuteShape(k.shape(), axes),
            FlatArrays.permute(k.values(), k.shape(), axes)))));
    if (c.useBias()) {
      in.add(init(w.get(1)));
    }
    String y = node("ConvTranspose", in, attrInts("kernel_shape", c.kernelSize()),
        attrInts("strides", c.strides()), attrInts("dilations", c.dilationRate()),
        attrInts("pads", pads), attrInts("output_padding", extra));
    return activation(c.activation(), toChannelsLast(y, 2));
  }

  /**
   * A depthwise convolution of a channels-first tensor: Conv with one group per input channel.
   * Keras' kernel {@code (k..., in, multiplier)} becomes ONNX's {@code (in * multiplier, 1, k...)},
   * output channel {@code c * multiplier + m}, as Keras orders them.
   */
  private String depthwise(String cf, int rank, Tensor kernel, Tensor bias, List<Integer> k,
      List<Integer> strides, List<Integer> dilations, int[] pads) {
    int[] ks = kernel.shape();
    int[] axes = rank == 2 ? new int[] {2, 3, 0, 1} : new int[] {1, 2, 0};
    int channels = ks[rank];
    int multiplier = ks[rank + 1];
    int[] onnxShape = rank == 2 ? new int[] {channels * multiplier, 1, ks[0], ks[1]}
        : new int[] {channels * multiplier, 1, ks[0]};
    List<String> in = new ArrayList<>(List.of(cf, init(new Tensor(onnxShape,
        FlatArrays.permute(kernel.values(), ks, axes)))));
    if (bias != null) {
      in.add(init(bias));
    }
    return node("Conv", in, attrInts("kernel_shape", k), attrInts("strides", strides),
        attrInts("dilations", dilations), attrInts("pads", pads), attrInt("group", channels));
  }

  /** SeparableConv1D/2D: the depthwise Conv, then the pointwise 1x1 Conv with the bias. */
  private String separable(SeparableConv c, List<Integer> shape, String x, List<Tensor> w) {
    int rank = c.rank();
    String y = depthwise(toChannelsFirst(x, rank), rank, w.get(0), null, c.kernelSize(),
        c.strides(), c.dilationRate(),
        pads(c.padding(), shape, c.kernelSize(), c.strides(), c.dilationRate()));
    Tensor p = w.get(1); // Keras (1..., in * multiplier, filters); ONNX (filters, in * m, 1...)
    int[] axes = rank == 2 ? new int[] {3, 2, 0, 1} : new int[] {2, 1, 0};
    List<String> in = new ArrayList<>(List.of(y, init(new Tensor(
        FlatArrays.permuteShape(p.shape(), axes), FlatArrays.permute(p.values(), p.shape(),
            axes)))));
    if (c.useBias()) {
      in.add(init(w.get(2)));
    }
    List<Integer> ones = java.util.Collections.nCopies(rank, 1);
    y = node("Conv", in, attrInts("kernel_shape", ones), attrInts("strides", ones),
        attrInts("pads", new int[2 * rank]));
    return activation(c.activation(), toChannelsLast(y, rank));
  }

  /** TimeDistributed: the steps folded into the batch, the inner layer, the steps unfolded. */
  private String timeDistributed(TimeDistributed t, List<Integer> shape, String x,
      List<Tensor> w) {
    List<Integer> inner = shape.subList(1, shape.size());
    long[] folded = new long[inner.size() + 1];
    folded[0] = -1;
    for (int i = 0; i < inner.size(); i++) {
      folded[i + 1] = inner.get(i);
    }
    String y = layer(t.layer(), inner, node("Reshape", List.of(x, longs(folded))), w);
    List<Integer> out = t.layer().outputShape(inner);
    long[] unfolded = new long[out.size() + 2];
    unfolded[0] = -1;
    unfolded[1] = shape.get(0);
    for (int i = 0; i < out.size(); i++) {
      unfolded[i + 2] = out.get(i);
    }
    return node("Reshape", List.of(y, longs(unfolded)));
  }

  /** Keras' advanced-activation layers as ONNX operators. */
  private String activationLayer(ActivationLayer l, String x) {
    if (l instanceof ReLU r) {
      // Keras: x * (x > threshold), at most max_value, minus slope * relu(threshold - x)
      float t = (float) r.threshold();
      String y = t == 0f ? node("Relu", List.of(x))
          : node("Mul", List.of(x, node("Cast", List.of(node("Greater", List.of(x, scalar(t)))),
              attrInt("to", FLOAT))));
      if (r.maxValue() != null) {
        y = node("Min", List.of(y, scalar((float) r.maxValue().doubleValue())));
      }
      if (r.negativeSlope() != 0) {
        String below = node("Relu", List.of(node("Sub", List.of(scalar(t), x))));
        y = node("Sub", List.of(y, node("Mul", List.of(below,
            scalar((float) r.negativeSlope())))));
      }
      return y;
    } else if (l instanceof LeakyReLU k) {
      return node("LeakyRelu", List.of(x), attrFloat("alpha", (float) k.negativeSlope()));
    } else if (l instanceof ELU e) {
      return node("Elu", List.of(x), attrFloat("alpha", (float) e.alpha()));
    } else if (l instanceof Softmax s) {
      return node("Softmax", List.of(x), attrInt("axis", s.axis()));
    } else if (l instanceof ThresholdedReLU t) {
      return node("ThresholdedRelu", List.of(x), attrFloat("alpha", (float) t.theta()));
    }
    throw new IllegalArgumentException("The layer " + l.className() + " cannot be exported to"
        + " ONNX.");
  }

  private String activation(String name, String x) {
    return switch (name) {
      case "linear" -> x;
      case "relu" -> node("Relu", List.of(x));
      case "sigmoid" -> node("Sigmoid", List.of(x));
      case "tanh" -> node("Tanh", List.of(x));
      case "softmax" -> node("Softmax", List.of(x), attrInt("axis", -1));
      case "elu" -> node("Elu", List.of(x), attrFloat("alpha", 1f));
      case "selu" -> node("Selu", List.of(x));
      case "leaky_relu" -> node("LeakyRelu", List.of(x), attrFloat("alpha", 0.2f));
      case "softplus" -> node("Softplus", List.of(x));
      case "swish" -> node("Mul", List.of(x, node("Sigmoid", List.of(x))));
      case "gelu" -> {
        // exact GELU, 0.5 x (1 + erf(x / sqrt 2)); the Gelu operator needs opset 20
        String e = node("Erf", List.of(node("Div", List.of(x, scalar((float) Math.sqrt(2))))));
        String one = node("Add", List.of(e, scalar(1f)));
        yield node("Mul", List.of(node("Mul", List.of(x, scalar(0.5f))), one));
      }
      default -> throw new IllegalArgumentException("The activation '" + name + "' cannot be"
          + " exported to ONNX.");
    };
  }

}
