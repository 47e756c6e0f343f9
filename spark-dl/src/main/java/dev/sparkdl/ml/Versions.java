package dev.sparkdl.ml;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The versions of spark-dl and of what it was built against (from version.properties). */
public final class Versions {
  private static final Properties P = new Properties();

  static {
    try (InputStream in = Versions.class.getResourceAsStream("/dev/sparkdl/version.properties")) {
      if (in != null) {
        P.load(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Versions() {}

  /** @return this spark-dl release */
  public static String sparkDl() {
    return P.getProperty("version", "unknown");
  }

  /** @return the DJL version it was built with */
  public static String djl() {
    return P.getProperty("djl", "unknown");
  }

  /** @return the PyTorch natives it was built with */
  public static String pytorch() {
    return P.getProperty("pytorch", "unknown");
  }
}
