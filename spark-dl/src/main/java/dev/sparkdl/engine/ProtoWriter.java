package dev.sparkdl.engine;

import java.io.ByteArrayOutputStream;

/**
 * A protocol-buffer message encoded by hand, for the few binary formats written without
 * generated classes (TensorBoard event files, ONNX models): varints, 64- and 32-bit fixed
 * fields, length-delimited bytes, strings and sub-messages, packed doubles. Repeated scalars may
 * be written one key per element, which every protobuf parser accepts.
 */
public final class ProtoWriter {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  /** Writes an int64/int32/enum/bool field (wire type 0). */
  public ProtoWriter varint(int field, long value) {
    key(field, 0);
    rawVarint(value);
    return this;
  }

  /** Writes a double field (wire type 1). */
  public ProtoWriter fixed64(int field, double value) {
    key(field, 1);
    rawFixed64(Double.doubleToRawLongBits(value));
    return this;
  }

  /** Writes a float field (wire type 5). */
  public ProtoWriter fixed32(int field, float value) {
    key(field, 5);
    int bits = Float.floatToRawIntBits(value);
    for (int i = 0; i < 4; i++) {
      out.write(bits >>> (8 * i));
    }
    return this;
  }

  /** Writes a bytes, string or sub-message field (wire type 2). */
  public ProtoWriter bytes(int field, byte[] value) {
    key(field, 2);
    rawVarint(value.length);
    out.writeBytes(value);
    return this;
  }

  /** Writes a string field, UTF-8. */
  public ProtoWriter string(int field, String value) {
    return bytes(field, value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  /** Writes a sub-message field. */
  public ProtoWriter message(int field, ProtoWriter value) {
    return bytes(field, value.toByteArray());
  }

  /** Writes a packed repeated double field. */
  public ProtoWriter packedDoubles(int field, double[] values) {
    key(field, 2);
    rawVarint(8L * values.length);
    for (double v : values) {
      rawFixed64(Double.doubleToRawLongBits(v));
    }
    return this;
  }

  /** @return the encoded message */
  public byte[] toByteArray() {
    return out.toByteArray();
  }

  private void key(int field, int wireType) {
    rawVarint(((long) field << 3) | wireType);
  }

  private void rawVarint(long v) {
    while ((v & ~0x7FL) != 0) {
      out.write((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
  }

  private void rawFixed64(long bits) {
    for (int i = 0; i < 8; i++) {
      out.write((int) (bits >>> (8 * i)));
    }
  }
}
