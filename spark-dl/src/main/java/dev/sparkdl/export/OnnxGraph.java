package dev.sparkdl.export;

import dev.sparkdl.engine.ProtoWriter;
import dev.sparkdl.engine.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The ONNX graph under construction: its nodes and initializers, fresh value names, and the
 * protobuf of nodes, tensors and attributes (ONNX's onnx.proto field numbers).
 */
class OnnxGraph {
  static final int FLOAT = 1;
  static final int INT64 = 7;

  final List<ProtoWriter> nodes = new ArrayList<>();
  final List<ProtoWriter> initializers = new ArrayList<>();
  private int counter;

  /** @return {@code x} (channels-last, 1 or 2 spatial axes) transposed to channels-first */
  String toChannelsFirst(String x, int rank) {
    long[] perm = rank == 2 ? new long[] {0, 3, 1, 2} : new long[] {0, 2, 1};
    return node("Transpose", List.of(x), attrInts("perm", perm));
  }

  /** @return {@code x} (channels-first) transposed back to channels-last */
  String toChannelsLast(String x, int rank) {
    long[] perm = rank == 2 ? new long[] {0, 2, 3, 1} : new long[] {0, 2, 1};
    return node("Transpose", List.of(x), attrInts("perm", perm));
  }

  String fresh(String prefix) {
    return prefix + "_" + counter++;
  }

  String node(String op, List<String> inputs, ProtoWriter... attrs) {
    String out = fresh(op.toLowerCase(java.util.Locale.ROOT));
    nodes.add(nodeProto(op, inputs, List.of(out), List.of(attrs)));
    return out;
  }

  ProtoWriter nodeProto(String op, List<String> inputs, List<String> outputs,
      List<ProtoWriter> attrs) {
    ProtoWriter n = new ProtoWriter();
    inputs.forEach(i -> n.string(1, i));
    outputs.forEach(o -> n.string(2, o));
    n.string(3, outputs.get(0) + "_node").string(4, op);
    attrs.forEach(a -> n.message(5, a));
    return n;
  }

  String init(Tensor t) {
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

  String scalar(float value) {
    return init(new Tensor(new int[0], new float[] {value}));
  }

  String longs(long[] values) {
    String name = fresh("c");
    ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (long v : values) {
      b.putLong(v);
    }
    initializers.add(new ProtoWriter().varint(1, values.length).varint(2, INT64).string(8, name)
        .bytes(9, b.array()));
    return name;
  }

  String longScalar(long value) {
    String name = fresh("c");
    ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value);
    initializers.add(new ProtoWriter().varint(2, INT64).string(8, name).bytes(9, b.array()));
    return name;
  }

  static ProtoWriter valueInfo(String name, List<Integer> perSample) {
    ProtoWriter shape = new ProtoWriter().message(1, new ProtoWriter().string(2, "batch"));
    for (int d : perSample) {
      shape.message(1, new ProtoWriter().varint(1, d));
    }
    ProtoWriter tensor = new ProtoWriter().varint(1, FLOAT).message(2, shape);
    return new ProtoWriter().string(1, name).message(2, new ProtoWriter().message(1, tensor));
  }

  static ProtoWriter attrInt(String name, long v) {
    return new ProtoWriter().string(1, name).varint(3, v).varint(20, 2);
  }

  static ProtoWriter attrFloat(String name, float v) {
    return new ProtoWriter().string(1, name).fixed32(2, v).varint(20, 1);
  }

  static ProtoWriter attrInts(String name, List<Integer> v) {
    return attrInts(name, v.stream().mapToLong(Integer::longValue).toArray());
  }

  static ProtoWriter attrInts(String name, int[] v) {
    return attrInts(name, java.util.Arrays.stream(v).asLongStream().toArray());
  }

  static ProtoWriter attrInts(String name, long[] v) {
    ProtoWriter p = new ProtoWriter().string(1, name);
    for (long x : v) {
      p.varint(8, x);
    }
    return p.varint(20, 7);
  }

  static ProtoWriter attrString(String name, String v) {
    return new ProtoWriter().string(1, name).string(4, v).varint(20, 3);
  }

  static ProtoWriter attrStrings(String name, String... v) {
    ProtoWriter p = new ProtoWriter().string(1, name);
    for (String s : v) {
      p.string(9, s);
    }
    return p.varint(20, 8);
  }
}
