package dev.sparkdl.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * The shared real data sets ({@code ../shared/data}, or {@code -Dsparkdl.data=DIR}). Tests that
 * need one skip with a message naming the path when it is absent.
 */
public final class SharedData {
  private SharedData() {}

  /** @return the data directory (may not exist) */
  public static Path dir() {
    String p = System.getProperty("sparkdl.data");
    return p == null ? Paths.get("../../shared/data") : Paths.get(p);
  }

  /**
   * @param relative e.g. {@code uci-banknote-authentication/banknote_authentication.csv}
   * @return the file; the calling test is skipped if it does not exist
   */
  public static Path require(String relative) {
    Path f = dir().resolve(relative).normalize();
    assumeTrue(Files.exists(f),
        "skipped: shared data set " + f + " not found (set -Dsparkdl.data=DIR to the folder that"
            + " holds " + relative + ")");
    return f;
  }
}
