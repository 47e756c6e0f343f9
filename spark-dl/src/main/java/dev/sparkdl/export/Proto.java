package dev.sparkdl.export;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A protocol-buffer message encoded by hand: the wire types ONNX's ModelProto needs (varints,
 * 32-bit floats, length-delimited bytes, strings and sub-messages). Repeated scalars are written
 * one key per element, which every protobuf parser accepts.
 */
final class Proto {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  /** Writes an int64/int32/enum field (wire type 0). */
  Proto varint(int field, long value) {
    key(field, 0);
    rawVarint(value);
    return this;
  }

  /** Writes a float field (wire type 5). */
  Proto fixed32(int field, float value) {
    key(field, 5);
    int bits = Float.floatToRawIntBits(value);
    for (int i = 0; i < 4; i++) {
      out.write(bits >>> (8 * i));
    }
    return this;
  }

  /** Writes a bytes field (wire type 2). */
  Proto bytes(int field, byte[] value) {
    key(field, 2);
    rawVarint(value.length);
    out.writeBytes(value);
    return this;
  }

  /** Writes a string field, UTF-8. */
  Proto string(int field, String value) {
    return bytes(field, value.getBytes(StandardCharsets.UTF_8));
  }

  /** Writes a sub-message field. */
  Proto message(int field, Proto value) {
    return bytes(field, value.toByteArray());
  }

  byte[] toByteArray() {
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
}
