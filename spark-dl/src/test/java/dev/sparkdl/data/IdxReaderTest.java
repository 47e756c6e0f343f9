package dev.sparkdl.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkdl.testing.SharedData;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class IdxReaderTest {

  private static byte[] idx(int[] dims, byte[] values) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(b);
    out.writeInt(0x0800 | dims.length);
    for (int d : dims) {
      out.writeInt(d);
    }
    out.write(values);
    return b.toByteArray();
  }

  private static byte[] gzip(byte[] plain) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (GZIPOutputStream g = new GZIPOutputStream(b)) {
      g.write(plain);
    }
    return b.toByteArray();
  }

  @Test
  void readsPlainAndGzipped() throws IOException {
    byte[] values = {0, 1, 2, (byte) 255, 4, 5};
    byte[] file = idx(new int[] {2, 1, 3}, values);
    for (byte[] bytes : new byte[][] {file, gzip(file)}) {
      IdxReader.IdxArray a = IdxReader.read(new ByteArrayInputStream(bytes), "test");
      assertArrayEquals(new int[] {2, 1, 3}, a.dims());
      assertEquals(2, a.items());
      assertEquals(3, a.itemSize());
      assertEquals(255, a.get(1, 0));
      assertArrayEquals(values, a.data());
    }
  }

  @Test
  void malformedFilesAreNamed() throws IOException {
    byte[] file = idx(new int[] {10, 28, 28}, new byte[100]);
    IOException e = assertThrows(IOException.class,
        () -> IdxReader.read(new ByteArrayInputStream(file), "t10k-images"));
    assertTrue(e.getMessage().contains("t10k-images is truncated"), e.getMessage());
    byte[] csv = "a,b,c\n1,2,3\n".getBytes();
    e = assertThrows(IOException.class, () -> IdxReader.read(new ByteArrayInputStream(csv), "x.csv"));
    assertTrue(e.getMessage().contains("x.csv is not an IDX file"), e.getMessage());
    byte[] ints = Arrays.copyOf(idx(new int[] {1}, new byte[4]), 12);
    ints[2] = 0x0c;
    e = assertThrows(IOException.class, () -> IdxReader.read(new ByteArrayInputStream(ints), "f"));
    assertTrue(e.getMessage().contains("only unsigned bytes"), e.getMessage());
  }

  @Test
  void readsRealMnist() throws IOException {
    Path labels = SharedData.require("mnist/t10k-labels-idx1-ubyte.gz");
    Path images = SharedData.require("mnist/t10k-images-idx3-ubyte.gz");
    IdxReader.IdxArray l = IdxReader.read(labels);
    IdxReader.IdxArray x = IdxReader.read(images);
    assertArrayEquals(new int[] {10000}, l.dims());
    assertArrayEquals(new int[] {10000, 28, 28}, x.dims());
    assertEquals(7, l.get(0, 0)); // the first test digit is a 7
    int[] counts = new int[10];
    for (int i = 0; i < l.items(); i++) {
      counts[l.get(i, 0)]++;
    }
    assertEquals(1135, counts[1]);
  }
}
