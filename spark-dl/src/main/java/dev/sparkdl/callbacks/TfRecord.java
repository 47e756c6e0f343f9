package dev.sparkdl.callbacks;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * TensorFlow's TFRecord framing, the container of a TensorBoard event file: per record a uint64
 * little-endian length, the masked CRC32C of those 8 bytes, the data, the masked CRC32C of the
 * data. Masking ({@code ((crc >>> 15) | (crc << 17)) + 0xa282ead8}) is TensorFlow's, so that a
 * CRC of data that itself holds CRCs stays well distributed.
 */
final class TfRecord {
  private static final int MASK_DELTA = 0xa282ead8;

  private TfRecord() {}

  /** @return the masked CRC32C of {@code len} bytes of {@code b} from {@code off} */
  static int maskedCrc(byte[] b, int off, int len) {
    CRC32C crc = new CRC32C();
    crc.update(b, off, len);
    int c = (int) crc.getValue();
    return ((c >>> 15) | (c << 17)) + MASK_DELTA;
  }

  /** @return {@code data} framed as one record: 8 + 4 + data.length + 4 bytes */
  static byte[] frame(byte[] data) {
    ByteBuffer buf = ByteBuffer.allocate(16 + data.length).order(ByteOrder.LITTLE_ENDIAN);
    byte[] len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN)
        .putLong(data.length).array();
    buf.put(len).putInt(maskedCrc(len, 0, 8)).put(data).putInt(maskedCrc(data, 0, data.length));
    return buf.array();
  }

  /**
   * Reads every record, checking both CRCs of each.
   *
   * @param in the file's bytes (not closed)
   * @return the records' data, in order
   * @throws IOException if a CRC does not match or the stream ends inside a record, naming the
   *     record and its offset
   */
  static List<byte[]> readAll(InputStream in) throws IOException {
    DataInputStream d = new DataInputStream(in);
    List<byte[]> out = new ArrayList<>();
    long offset = 0;
    byte[] header = new byte[12];
    while (true) {
      int first = d.read();
      if (first < 0) {
        return out;
      }
      header[0] = (byte) first;
      readFully(d, header, 1, 11, out.size(), offset);
      ByteBuffer h = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
      long length = h.getLong(0);
      if (h.getInt(8) != maskedCrc(header, 0, 8)) {
        throw new IOException("Corrupt TFRecord " + out.size() + " at byte " + offset
            + ": the CRC of its length does not match.");
      }
      if (length < 0 || length > Integer.MAX_VALUE - 16) {
        throw new IOException("Corrupt TFRecord " + out.size() + " at byte " + offset
            + ": length " + length + " is out of range.");
      }
      byte[] data = new byte[(int) length];
      readFully(d, data, 0, data.length, out.size(), offset);
      byte[] crc = new byte[4];
      readFully(d, crc, 0, 4, out.size(), offset);
      if (ByteBuffer.wrap(crc).order(ByteOrder.LITTLE_ENDIAN).getInt()
          != maskedCrc(data, 0, data.length)) {
        throw new IOException("Corrupt TFRecord " + out.size() + " at byte " + offset
            + ": the CRC of its " + length + " data bytes does not match.");
      }
      out.add(data);
      offset += 16 + length;
    }
  }

  private static void readFully(DataInputStream d, byte[] b, int off, int len, int record,
      long offset) throws IOException {
    try {
      d.readFully(b, off, len);
    } catch (EOFException e) {
      throw new IOException("Truncated TFRecord " + record + " at byte " + offset
          + ": the file ends inside it.", e);
    }
  }
}
