package dev.sparkdl.export;

import static dev.sparkdl.export.OnnxGraph.attrInt;
import static dev.sparkdl.export.OnnxGraph.attrInts;
import static dev.sparkdl.export.OnnxGraph.attrString;
import static dev.sparkdl.export.OnnxGraph.attrStrings;

import dev.sparkdl.engine.FlatArrays;
import dev.sparkdl.engine.ProtoWriter;
import dev.sparkdl.engine.Tensor;
import dev.sparkdl.spec.Bidirectional;
import dev.sparkdl.spec.Recurrent;
import java.util.ArrayList;
import java.util.List;

/**
 * LSTM, GRU, SimpleRNN and Bidirectional as ONNX's LSTM, GRU and RNN operators over time-major
 * input, Keras' gate blocks reordered to ONNX's.
 */
final class OnnxRecurrent {
  private final OnnxGraph g;

  OnnxRecurrent(OnnxGraph graph) {
    this.g = graph;
  }

  /** @throws IllegalArgumentException for a form ONNX's operators do not compute, naming it */
  private void checkExportable(Recurrent r) {
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
  }

  /** @return the output of LSTM / GRU / SimpleRNN {@code r} on {@code x}, batch-major */
  String recurrent(Recurrent r, List<Integer> shape, String x, List<Tensor> w) {
    checkExportable(r);
    String[] out = recurrentNode(r, x, shape.get(1),
        new float[][][] {onnxWeights(r, shape.get(1), w)});
    if (r.returnSequences()) {
      String s = g.node("Squeeze", List.of(out[0], g.longs(new long[] {1}))); // (steps, batch, u)
      return g.node("Transpose", List.of(s), attrInts("perm", new long[] {1, 0, 2}));
    }
    return g.node("Squeeze", List.of(out[1], g.longs(new long[] {0})));
  }

  /** @return ONNX's W, R and B of one direction from Keras' kernel, recurrent kernel, bias */
  private static float[][] onnxWeights(Recurrent r, int in, List<Tensor> w) {
    int u = r.units();
    int rows = r.gates() * u;
    // Keras' gate blocks for each ONNX gate block: LSTM i,f,c,o -> i,o,f,c; GRU z,r,h and
    // SimpleRNN are in the same order in both
    int[] order = "LSTM".equals(r.kind()) ? new int[] {0, 3, 1, 2}
        : r.gates() == 3 ? new int[] {0, 1, 2} : new int[] {0};
    float[] wk = regate(FlatArrays.transpose(w.get(0).values(), in, rows), order, u, in);
    float[] rk = regate(FlatArrays.transpose(w.get(1).values(), u, rows), order, u, u);
    float[] bias = new float[2 * rows];
    float[] kb = w.get(2).values();
    if ("GRU".equals(r.kind())) {
      System.arraycopy(kb, 0, bias, 0, 2 * rows); // (2, 3u): input bias, recurrent bias
    } else {
      System.arraycopy(regate(kb, order, u, 1), 0, bias, 0, rows);
    }
    return new float[][] {wk, rk, bias};
  }

  /**
   * @param directions one (forward) or two (forward, reverse) sets of ONNX weights
   * @return the node's outputs Y {@code (steps, directions, batch, units)} and Y_h
   *     {@code (directions, batch, units)}
   */
  private String[] recurrentNode(Recurrent r, String x, int in, float[][][] directions) {
    int u = r.units();
    int rows = r.gates() * u;
    int n = directions.length;
    float[][] joined = new float[3][];
    for (int k = 0; k < 3; k++) {
      int len = directions[0][k].length;
      joined[k] = new float[n * len];
      for (int d = 0; d < n; d++) {
        System.arraycopy(directions[d][k], 0, joined[k], d * len, len);
      }
    }
    String seq = g.node("Transpose", List.of(x), attrInts("perm", new long[] {1, 0, 2}));
    List<String> inputs = List.of(seq, g.init(new Tensor(new int[] {n, rows, in}, joined[0])),
        g.init(new Tensor(new int[] {n, rows, u}, joined[1])),
        g.init(new Tensor(new int[] {n, 2 * rows}, joined[2])));
    String op = switch (r.kind()) {
      case "LSTM" -> "LSTM";
      case "GRU" -> "GRU";
      default -> "RNN";
    };
    List<ProtoWriter> attrs = new ArrayList<>(List.of(attrInt("hidden_size", u)));
    if (n == 2) {
      attrs.add(attrString("direction", "bidirectional"));
    }
    if ("GRU".equals(r.kind())) {
      attrs.add(attrInt("linear_before_reset", 1));
    }
    if ("RNN".equals(op)) {
      String a = "relu".equals(r.activation()) ? "Relu" : "Tanh";
      attrs.add(n == 2 ? attrStrings("activations", a, a) : attrStrings("activations", a));
    }
    String y = g.fresh(op + "_y");
    String h = g.fresh(op + "_h");
    g.nodes.add(g.nodeProto(op, inputs, List.of(y, h), attrs));
    return new String[] {y, h};
  }

  /**
   * Bidirectional: one ONNX recurrent node with direction "bidirectional" (its reverse direction
   * is Keras' backward layer, outputs already in input order), then the merge.
   */
  String bidirectional(Bidirectional b, List<Integer> shape, String x, List<Tensor> w) {
    Recurrent r = b.layer();
    checkExportable(r);
    int half = w.size() / 2;
    float[][] fw = onnxWeights(r, shape.get(1), w.subList(0, half));
    float[][] bw = onnxWeights(r, shape.get(1), w.subList(half, w.size()));
    String[] out = recurrentNode(r, x, shape.get(1), new float[][][] {fw, bw});
    String y;
    long axis;
    if (r.returnSequences()) {
      y = out[0]; // (steps, 2, batch, units)
      axis = 1;
    } else {
      y = out[1]; // (2, batch, units)
      axis = 0;
    }
    String f = g.node("Gather", List.of(y, g.longScalar(0)), attrInt("axis", axis));
    String back = g.node("Gather", List.of(y, g.longScalar(1)), attrInt("axis", axis));
    String merged = switch (b.mergeMode()) {
      case "concat" -> g.node("Concat", List.of(f, back), attrInt("axis", -1));
      case "sum" -> g.node("Add", List.of(f, back));
      case "mul" -> g.node("Mul", List.of(f, back));
      default -> g.node("Mul", List.of(g.node("Add", List.of(f, back)), g.scalar(0.5f)));
    };
    return r.returnSequences()
        ? g.node("Transpose", List.of(merged), attrInts("perm", new long[] {1, 0, 2})) : merged;
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
}
