package dev.sparkdl.engine;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * The binary form of a {@link WeightSnapshot} and its {@link OptimizerState}, versioned and
 * checksummed:
 *
 * <pre>
 * int32 magic 0x53444C57 ("SDLW"), int32 version
 * int32 arrays; per array: UTF name, int32 rank, int64 dims..., int32 count, float32 values...
 * byte hasOptimizer; if 1: int64 iterations, int32 slots; per slot: int32 count, float32 values...
 *   version 2 only: byte hasOuter; if 1: int32 arrays; per array: int32 count (-1: none),
 *   float32 values...   (the distributed trainer's outer momentum)
 * int64 CRC-32 of every byte before it
 * </pre>
 *
 * Version 1 is written when there is no outer momentum, so such files stay readable by earlier
 * releases.
 *
 * All numbers big-endian. Readers refuse unknown versions, truncated streams and checksum
 * mismatches with a message naming the file.
 */
public final class WeightsCodec {
  /** "SDLW". */
  public static final int MAGIC = 0x53444C57;
  /** The version this release writes, and the newest it reads. */
  public static final int VERSION = 2;
  private static final int MAX_RANK = 16;

  /**
   * What a weights file holds.
   *
   * @param weights the weights
   * @param optimizer the optimizer state, or null
   */
  public record Decoded(WeightSnapshot weights, OptimizerState optimizer) {}

  private WeightsCodec() {}

  /** Writes weights and (optionally) optimizer state; does not close {@code out}. */
  public static void write(OutputStream out, WeightSnapshot weights, OptimizerState optimizer)
      throws IOException {
    CRC32 crc = new CRC32();
    DataOutputStream data = new DataOutputStream(new CheckedOutputStream(out, crc));
    boolean outer = optimizer != null && optimizer.outerVelocity() != null;
    data.writeInt(MAGIC);
    data.writeInt(outer ? 2 : 1);
    data.writeInt(weights.size());
    for (int i = 0; i < weights.size(); i++) {
      data.writeUTF(weights.name(i));
      long[] shape = weights.shape(i);
      data.writeInt(shape.length);
      for (long d : shape) {
        data.writeLong(d);
      }
      writeFloats(data, weights.values(i));
    }
    data.writeBoolean(optimizer != null);
    if (optimizer != null) {
      data.writeLong(optimizer.iterations());
      data.writeInt(optimizer.slots().length);
      for (float[] s : optimizer.slots()) {
        writeFloats(data, s);
      }
      if (outer) {
        data.writeBoolean(true);
        float[][] v = optimizer.outerVelocity();
        data.writeInt(v.length);
        for (float[] a : v) {
          if (a == null) {
            data.writeInt(-1);
          } else {
            writeFloats(data, a);
          }
        }
      }
    }
    data.flush();
    new DataOutputStream(out).writeLong(crc.getValue());
    out.flush();
  }

  /**
   * Reads what {@link #write} wrote.
   *
   * @param in the stream
   * @param name the file's name, for messages
   * @return weights and optimizer state
   * @throws IOException naming the file for a foreign, newer, truncated or corrupted file
   */
  public static Decoded read(InputStream in, String name) throws IOException {
    CRC32 crc = new CRC32();
    DataInputStream data = new DataInputStream(new CheckedInputStream(in, crc));
    try {
      int magic = data.readInt();
      if (magic != MAGIC) {
        throw new IOException(
            name + " is not a spark-dl weights file (it does not start with \"SDLW\").");
      }
      int version = data.readInt();
      if (version > VERSION || version < 1) {
        throw new IOException(
            name + " is weights format " + version + "; this release reads up to format "
                + VERSION + ". Load it with a newer spark-dl.");
      }
      int n = data.readInt();
      check(n >= 0 && n < 1_000_000, name, "array count " + n);
      String[] names = new String[n];
      long[][] shapes = new long[n][];
      float[][] values = new float[n][];
      for (int i = 0; i < n; i++) {
        names[i] = data.readUTF();
        int rank = data.readInt();
        check(rank >= 0 && rank <= MAX_RANK, name, "rank " + rank + " of " + names[i]);
        shapes[i] = new long[rank];
        for (int r = 0; r < rank; r++) {
          shapes[i][r] = data.readLong();
        }
        values[i] = readFloats(data, name);
      }
      OptimizerState optimizer = null;
      if (data.readBoolean()) {
        long iterations = data.readLong();
        int slots = data.readInt();
        check(slots >= 0 && slots < 10_000_000, name, "slot count " + slots);
        float[][] s = new float[slots][];
        for (int i = 0; i < slots; i++) {
          s[i] = readFloats(data, name);
        }
        float[][] outer = null;
        if (version >= 2 && data.readBoolean()) {
          int arrays = data.readInt();
          check(arrays == n, name, "outer momentum for " + arrays + " of " + n + " arrays");
          outer = new float[arrays][];
          for (int i = 0; i < arrays; i++) {
            int count = data.readInt();
            check(count >= -1, name, "outer momentum count " + count);
            if (count >= 0) {
              outer[i] = readFloats(data, count, name);
              check(outer[i].length == values[i].length, name,
                  "outer momentum of " + names[i] + " holds " + count + " values");
            }
          }
        }
        optimizer = new OptimizerState(iterations, s, outer);
      }
      long expected = crc.getValue();
      long stored = new DataInputStream(in).readLong();
      if (stored != expected) {
        throw new IOException(
            name + " is corrupted: its checksum does not match its content. Save the model"
                + " again.");
      }
      try {
        return new Decoded(new WeightSnapshot(names, shapes, values), optimizer);
      } catch (IllegalArgumentException e) {
        throw new IOException(name + " is inconsistent: " + e.getMessage(), e);
      }
    } catch (EOFException e) {
      throw new IOException(
          name + " is truncated: it ends before all the weights were read. The save that wrote"
              + " it did not finish; save the model again.", e);
    }
  }

  private static void writeFloats(DataOutputStream out, float[] v) throws IOException {
    out.writeInt(v.length);
    ByteBuffer b = ByteBuffer.allocate(v.length * Float.BYTES);
    b.asFloatBuffer().put(v);
    out.write(b.array());
  }

  private static float[] readFloats(DataInputStream in, String name) throws IOException {
    return readFloats(in, in.readInt(), name);
  }

  private static float[] readFloats(DataInputStream in, int count, String name)
      throws IOException {
    check(count >= 0 && count < Integer.MAX_VALUE / Float.BYTES, name, "array length " + count);
    byte[] bytes = new byte[count * Float.BYTES];
    in.readFully(bytes);
    float[] v = new float[count];
    ByteBuffer.wrap(bytes).asFloatBuffer().get(v);
    return v;
  }

  private static void check(boolean ok, String name, String what) throws IOException {
    if (!ok) {
      throw new IOException(name + " is corrupted: implausible " + what + ".");
    }
  }
}
