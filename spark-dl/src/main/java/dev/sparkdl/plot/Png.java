package dev.sparkdl.plot;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** What both plots share: the size check, PNG encoding and writing to a Hadoop path. */
final class Png {
  /** Smallest width or height accepted, in pixels: below it titles and axes overlap. */
  static final int MIN_SIZE = 150;
  /** Largest width or height accepted, in pixels. */
  static final int MAX_SIZE = 10_000;

  private Png() {}

  static void checkSize(int width, int height) {
    check("width", width);
    check("height", height);
  }

  private static void check(String what, int pixels) {
    if (pixels < MIN_SIZE || pixels > MAX_SIZE) {
      throw new IllegalArgumentException("The plot's " + what + " must be between " + MIN_SIZE
          + " and " + MAX_SIZE + " pixels; received " + pixels + ".");
    }
  }

  static byte[] encode(BufferedImage image) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try {
      if (!ImageIO.write(image, "png", bytes)) {
        throw new IllegalStateException("No PNG writer in this JVM (javax.imageio).");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /**
   * Writes the bytes to {@code path} on its Hadoop file system, replacing an existing file.
   *
   * @throws UncheckedIOException naming the path when the file system refuses
   */
  static void write(byte[] png, String path, Configuration conf) {
    if (path == null || path.isBlank()) {
      throw new IllegalArgumentException("The plot's path is empty; give a file name such as"
          + " history.png (any Hadoop file system path).");
    }
    Path p = new Path(path);
    try {
      FileSystem fs = p.getFileSystem(conf == null ? new Configuration() : conf);
      try (OutputStream out = fs.create(p, true)) {
        out.write(png);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the plot to " + path + ": " + e.getMessage(), e);
    }
  }
}
