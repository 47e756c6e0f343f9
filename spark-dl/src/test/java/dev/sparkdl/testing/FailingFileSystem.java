package dev.sparkdl.testing;

import java.io.IOException;
import java.net.URI;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.util.Progressable;

/**
 * The local file system under the scheme {@code failing:}, except that creating a file named
 * {@code weights.bin} fails: a save that breaks midway, after Spark's metadata was written.
 */
public class FailingFileSystem extends RawLocalFileSystem {
  private static final URI NAME = URI.create("failing:///");

  @Override
  public URI getUri() {
    return NAME;
  }

  @Override
  public String getScheme() {
    return "failing";
  }

  @Override
  public void initialize(URI uri, Configuration conf) throws IOException {
    super.initialize(NAME, conf);
  }

  @Override
  public FSDataOutputStream create(Path f, FsPermission permission, boolean overwrite,
      int bufferSize, short replication, long blockSize, Progressable progress)
      throws IOException {
    refuse(f);
    return super.create(f, permission, overwrite, bufferSize, replication, blockSize, progress);
  }

  @Override
  public FSDataOutputStream create(Path f, boolean overwrite, int bufferSize, short replication,
      long blockSize, Progressable progress) throws IOException {
    refuse(f);
    return super.create(f, overwrite, bufferSize, replication, blockSize, progress);
  }

  private static void refuse(Path f) throws IOException {
    if ("weights.bin".equals(f.getName())) {
      throw new IOException("disk full while writing " + f);
    }
  }
}
