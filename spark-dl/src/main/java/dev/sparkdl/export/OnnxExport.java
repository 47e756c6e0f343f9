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
import dev.sparkdl.spec.Conv2D;
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
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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
 * o, f, c}. A layer it cannot express is refused with an {@link IllegalArgumentException} naming
 * it.
 */
public final class OnnxExport {
  /** The operator set version the model declares. */
  public static final int OPSET = 17;
  /** The ONNX IR version written (the one that goes with opset 17). */
  public static final int IR_VERSION = 8;
  /** The graph's input name. */
  public static final String INPUT = "input";
  /** The graph's output name. */
  public static final String OUTPUT = "output";

  private static final int FLOAT = 1;
  private static final int INT64 = 7;

  private final List<ProtoWriter> nodes = new ArrayList<>();
  private final List<ProtoWriter> initializers = new ArrayList<>();
  private int counter;

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
            + " Conv2D, Max/AveragePooling1D/2D, GlobalMax/AveragePooling1D/2D, Embedding,"
            + " SimpleRNN, GRU, LSTM.");
      }
      if (w + need > weights.size()) {
        throw new IllegalArgumentException("The weights end before layer " + i + " ("
            + layer.className() + "): " + weights.size() + " arrays for this network.");
      }
      x = layer(layer, shape, x, weights.subList(w, w + need));
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
        : l instanceof GlobalPooling g ? g.dataFormat() : "channels_last";
    return "channels_first".equals(f);
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
      return recurrent(r, shape, x, w);
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

  private String toChannelsFirst(String x, int rank) {
    long[] perm = rank == 2 ? new long[] {0, 3, 1, 2} : new long[] {0, 2, 1};
    return node("Transpose", List.of(x), attrInts("perm", perm));
  }

  private String toChannelsLast(String x, int rank) {
    long[] perm = rank == 2 ? new long[] {0, 2, 3, 1} : new long[] {0, 2, 1};
    return node("Transpose", List.of(x), attrInts("perm", perm));
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

  private String recurrent(Recurrent r, List<Integer> shape, String x, List<Tensor> w) {
    boolean standard = r.useBias() && !r.goBackwards()
        && ("SimpleRNN".equals(r.kind())
            ? List.of("tanh", "relu").contains(r.activation())
            : "tanh".equals(r.activation()) && "sigmoid".equals(r.recurrentActivation()))
        && (!"GRU".equals(r.kind()) || r.resetAfter());
    if (!standard) {
      throw new IllegalArgumentException("ONNX export supports " + r.kind() + " layers with"
          + " use_bias, activation tanh" + ("SimpleRNN".equals(r.kind()) ? " or relu"
          : ", recurrent_activation sigmoid") + ("GRU".equals(r.kind()) ? ", reset_after" : "")
          + " and without go_backwards; this one has activation=" + r.activation()
          + ", recurrent_activation=" + r.recurrentActivation() + ", use_bias=" + r.useBias()
          + ", go_backwards=" + r.goBackwards() + ", reset_after=" + r.resetAfter()
          + ". Export it as a Keras file (exportKeras) instead.");
    }
    int u = r.units();
    int in = shape.get(1);
    int gates = r.gates();
    int rows = gates * u;
    // Keras' gate blocks for each ONNX gate block: LSTM i,f,c,o -> i,o,f,c; GRU z,r,h and
    // SimpleRNN are in the same order in both
    int[] order = "LSTM".equals(r.kind()) ? new int[] {0, 3, 1, 2}
        : gates == 3 ? new int[] {0, 1, 2} : new int[] {0};
    float[] wk = regate(FlatArrays.transpose(w.get(0).values(), in, rows), order, u, in);
    float[] rk = regate(FlatArrays.transpose(w.get(1).values(), u, rows), order, u, u);
    float[] bias = new float[2 * rows];
    float[] kb = w.get(2).values();
    if ("GRU".equals(r.kind())) {
      System.arraycopy(kb, 0, bias, 0, 2 * rows); // (2, 3u): input bias, recurrent bias
    } else {
      System.arraycopy(regate(kb, order, u, 1), 0, bias, 0, rows);
    }
    String seq = node("Transpose", List.of(x), attrInts("perm", new long[] {1, 0, 2}));
    List<String> inputs = List.of(seq, init(new Tensor(new int[] {1, rows, in}, wk)),
        init(new Tensor(new int[] {1, rows, u}, rk)),
        init(new Tensor(new int[] {1, 2 * rows}, bias)));
    String op = switch (r.kind()) {
      case "LSTM" -> "LSTM";
      case "GRU" -> "GRU";
      default -> "RNN";
    };
    List<ProtoWriter> attrs = new ArrayList<>(List.of(attrInt("hidden_size", u)));
    if ("GRU".equals(r.kind())) {
      attrs.add(attrInt("linear_before_reset", 1));
    }
    if ("RNN".equals(op)) {
      attrs.add(attrStrings("activations", "relu".equals(r.activation()) ? "Relu" : "Tanh"));
    }
    String y = fresh(op + "_y");
    String h = fresh(op + "_h");
    nodes.add(nodeProto(op, inputs, List.of(y, h), attrs));
    if (r.returnSequences()) {
      String s = node("Squeeze", List.of(y, longs(new long[] {1}))); // (steps, batch, units)
      return node("Transpose", List.of(s), attrInts("perm", new long[] {1, 0, 2}));
    }
    return node("Squeeze", List.of(h, longs(new long[] {0})));
  }

  /** @return the {@code (gates * u, width)} rows with gate blocks taken in {@code order} */
  private static float[] regate(float[] rowsMajor, int[] order, int u, int width) {
    float[] out = new float[rowsMajor.length];
    int block = u * width;
    for (int g = 0; g < order.length; g++) {
      System.arraycopy(rowsMajor, order[g] * block, out, g * block, block);
    }
    return out;
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

  // ----- graph building -----

  private String fresh(String prefix) {
    return prefix + "_" + counter++;
  }

  private String node(String op, List<String> inputs, ProtoWriter... attrs) {
    String out = fresh(op.toLowerCase(java.util.Locale.ROOT));
    nodes.add(nodeProto(op, inputs, List.of(out), List.of(attrs)));
    return out;
  }

  private ProtoWriter nodeProto(String op, List<String> inputs, List<String> outputs,
      List<ProtoWriter> attrs) {
    ProtoWriter n = new ProtoWriter();
    inputs.forEach(i -> n.string(1, i));
    outputs.forEach(o -> n.string(2, o));
    n.string(3, outputs.get(0) + "_node").string(4, op);
    attrs.forEach(a -> n.message(5, a));
    return n;
  }

  private String init(Tensor t) {
    String name = fresh("w");
    float[] v = t.values();
    ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float f : v) {
      b.putFloat(f);
    }
    ProtoWriter p = new ProtoWriter();
    for (int d : t.shape()) {
      p.varint(1, d);
    }
    initializers.add(p.varint(2, FLOAT).string(8, name).bytes(9, b.array()));
    return name;
  }

  private String scalar(float value) {
    return init(new Tensor(new int[0], new float[] {value}));
  }

  private String longs(long[] values) {
    String name = fresh("c");
    ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (long v : values) {
      b.putLong(v);
    }
    initializers.add(new ProtoWriter().varint(1, values.length).varint(2, INT64).string(8, name)
        .bytes(9, b.array()));
    return name;
  }

  private static ProtoWriter valueInfo(String name, List<Integer> perSample) {
    ProtoWriter shape = new ProtoWriter().message(1, new ProtoWriter().string(2, "batch"));
    for (int d : perSample) {
      shape.message(1, new ProtoWriter().varint(1, d));
    }
    ProtoWriter tensor = new ProtoWriter().varint(1, FLOAT).message(2, shape);
    return new ProtoWriter().string(1, name).message(2, new ProtoWriter().message(1, tensor));
  }

  private static ProtoWriter attrInt(String name, long v) {
    return new ProtoWriter().string(1, name).varint(3, v).varint(20, 2);
  }

  private static ProtoWriter attrFloat(String name, float v) {
    return new ProtoWriter().string(1, name).fixed32(2, v).varint(20, 1);
  }

  private static ProtoWriter attrInts(String name, List<Integer> v) {
    return attrInts(name, v.stream().mapToLong(Integer::longValue).toArray());
  }

  private static ProtoWriter attrInts(String name, int[] v) {
    return attrInts(name, java.util.Arrays.stream(v).asLongStream().toArray());
  }

  private static ProtoWriter attrInts(String name, long[] v) {
    ProtoWriter p = new ProtoWriter().string(1, name);
    for (long x : v) {
      p.varint(8, x);
    }
    return p.varint(20, 7);
  }

  private static ProtoWriter attrStrings(String name, String... v) {
    ProtoWriter p = new ProtoWriter().string(1, name);
    for (String s : v) {
      p.string(9, s);
    }
    return p.varint(20, 8);
  }
}
