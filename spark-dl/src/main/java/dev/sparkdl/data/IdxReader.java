package dev.sparkdl.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads the IDX format of MNIST (Y. LeCun's original files), gzip-compressed or not: a magic
 * number {@code 0x00 0x00 type rank}, {@code rank} big-endian int32 dimensions, then the values.
 * Only unsigned bytes (type 0x08) are supported, which is what MNIST uses.
 */
public final class IdxReader {
  private IdxReader() {}

  /**
   * An IDX array.
   *
   * @param dims the dimensions, e.g. {@code [60000, 28, 28]}
   * @param data the values as unsigned bytes (0..255) in row-major order
   */
  public record IdxArray(int[] dims, byte[] data) {
    /** @return the first dimension (the number of items) */
    public int items() {
      return dims[0];
    }

    /** @return values per item */
    public int itemSize() {
      int n = 1;
      for (int i = 1; i < dims.length; i++) {
        n *= dims[i];
      }
      return n;
    }

    /** @return value {@code j} of item {@code i} as 0..255 */
    public int get(int i, int j) {
      return data[i * itemSize() + j] & 0xff;
    }
  }

  /**
   * Reads an IDX file; a name ending in {@code .gz}, or gzip's magic bytes, means compressed.
   *
   * @param file the file
   * @return the array
   * @throws IOException for unreadable or malformed files, naming the file and the problem
   */
  public static IdxArray read(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return read(in, file.toString());
    }
  }

  /**
   * Reads an IDX stream (compressed or not).
   *
   * @param raw the stream
   * @param name a name for messages
   * @return the array
   * @throws IOException for malformed content
   */
  public static IdxArray read(InputStream raw, String name) throws IOException {
    BufferedInputStream buffered = new BufferedInputStream(raw, 1 << 16);
    buffered.mark(2);
    int b0 = buffered.read();
    int b1 = buffered.read();
    buffered.reset();
    InputStream in = b0 == 0x1f && b1 == 0x8b ? new GZIPInputStream(buffered, 1 << 16) : buffered;
    DataInputStream data = new DataInputStream(in);
    try {
      int[] dims = header(data, name);
      long n = 1;
      for (int d : dims) {
        n *= d;
      }
      if (n > Integer.MAX_VALUE - 8) {
        throw new IOException(name + ": " + n + " values is more than one array can hold");
      }
      byte[] values = new byte[(int) n];
      data.readFully(values);
      return new IdxArray(dims, values);
    } catch (EOFException e) {
      throw new IOException(name + " is truncated: it ends before all its values were read.", e);
    }
  }

  /**
   * Reads and checks an IDX header (magic number and dimensions) from an uncompressed stream,
   * leaving it at the first value.
   *
   * @param in the stream, positioned at the start of the file
   * @param name a name for messages
   * @return the dimensions
   * @throws IOException if it is not an IDX file of unsigned bytes
   */
  public static int[] header(DataInputStream in, String name) throws IOException {
    try {
      int magic = in.readInt();
      int type = (magic >> 8) & 0xff;
      int rank = magic & 0xff;
      if ((magic >>> 16) != 0 || rank == 0) {
        throw new IOException(
            name + " is not an IDX file: magic number 0x" + Integer.toHexString(magic)
                + ", expected 0x0000 followed by a type byte and a rank byte (MNIST: 0x00000801"
                + " for labels, 0x00000803 for images).");
      }
      if (type != 0x08) {
        throw new IOException(
            name + ": IDX value type 0x" + Integer.toHexString(type)
                + " is not supported; only unsigned bytes (0x08), as in MNIST.");
      }
      int[] dims = new int[rank];
      for (int i = 0; i < rank; i++) {
        dims[i] = in.readInt();
        if (dims[i] < 0) {
          throw new IOException(name + ": negative dimension " + dims[i]);
        }
      }
      return dims;
    } catch (EOFException e) {
      throw new IOException(name + " is truncated: it ends inside its header.", e);
    }
  }
}
