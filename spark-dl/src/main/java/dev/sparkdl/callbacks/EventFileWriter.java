package dev.sparkdl.callbacks;

import dev.sparkdl.engine.ProtoWriter;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Writes one TensorBoard event file, {@code events.out.tfevents.<seconds>.<host>.<pid>.<n>.v2}
 * as TensorFlow 2 names it, into a directory on any Hadoop file system: TFRecords of {@code
 * tensorflow.Event} protocol buffers, the first carrying {@code file_version "brain.Event:2"},
 * then one event per scalar, histogram or text summary. Nothing reaches TensorBoard before
 * {@link #flush()} (an {@code hflush} on HDFS); {@link #close()} flushes and closes the file.
 *
 * <p>The protocol buffers are encoded here by hand (field numbers from TensorFlow's {@code
 * event.proto}, {@code summary.proto}, {@code histogram.proto}, {@code tensor.proto}), so writing
 * needs no TensorFlow or protobuf library. Not thread-safe.
 */
public final class EventFileWriter implements Closeable {
  /** The number of equal-width buckets of a histogram (TensorFlow 2's default). */
  public static final int HISTOGRAM_BUCKETS = 30;

  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static final int DT_STRING = 7;

  private final Path path;
  private final FSDataOutputStream out;

  private EventFileWriter(Path path, FSDataOutputStream out) {
    this.path = path;
    this.out = out;
  }

  /**
   * Creates the directory if needed and a new event file in it, and writes the file-version
   * event.
   *
   * @param dir a directory URI or path, e.g. {@code hdfs:///logs/run1/train}, {@code
   *     file:/tmp/logs/train}, or a path relative to the file system's working directory
   * @param conf the Hadoop configuration
   * @return the writer
   * @throws IOException if the file system fails
   */
  public static EventFileWriter create(String dir, Configuration conf) throws IOException {
    Path d = new Path(dir);
    FileSystem fs = d.getFileSystem(conf);
    if (fs instanceof ChecksumFileSystem cfs) {
      // The local file system would add a ".events.out.tfevents....crc" side file, which
      // TensorBoard takes for an event file (any name holding "tfevents") and fails to read.
      fs = cfs.getRawFileSystem();
    }
    fs.mkdirs(d);
    Path file = new Path(d, "events.out.tfevents." + System.currentTimeMillis() / 1000 + "."
        + hostName() + "." + ProcessHandle.current().pid() + "." + COUNTER.incrementAndGet()
        + ".v2");
    EventFileWriter w = new EventFileWriter(fs.makeQualified(file), fs.create(file, false));
    w.write(event(0).string(3, "brain.Event:2"));
    return w;
  }

  /** @return the event file written */
  public String path() {
    return path.toString();
  }

  /**
   * Writes a scalar (TensorBoard's Scalars tab), as a 32-bit float {@code simple_value}.
   *
   * @param tag the chart's name, e.g. {@code epoch_loss}
   * @param step the x coordinate
   * @param value the value
   * @throws IOException if the file system fails
   */
  public void scalar(String tag, long step, double value) throws IOException {
    write(summary(step, new ProtoWriter().string(1, tag).fixed32(2, (float) value)));
  }

  /**
   * Writes a histogram of the finite values (TensorBoard's Histograms and Distributions tabs):
   * count, sum, sum of squares, min and max exactly (in double), and {@value #HISTOGRAM_BUCKETS}
   * equal-width buckets between min and max.
   *
   * @param tag the chart's name, e.g. {@code dense/kernel/histogram}
   * @param step the x coordinate
   * @param values the values (non-finite ones are left out)
   * @throws IOException if the file system fails
   */
  public void histogram(String tag, long step, float[] values) throws IOException {
    write(summary(step, new ProtoWriter().string(1, tag).message(5, histogramProto(values))));
  }

  /**
   * Writes a text (TensorBoard's Text tab, which renders it as Markdown).
   *
   * @param tag the text's name
   * @param step the x coordinate
   * @param text the text
   * @throws IOException if the file system fails
   */
  public void text(String tag, long step, String text) throws IOException {
    ProtoWriter metadata = new ProtoWriter().message(1, new ProtoWriter().string(1, "text"));
    ProtoWriter tensor = new ProtoWriter()
        .varint(1, DT_STRING)
        .message(2, new ProtoWriter()) // shape []: a scalar string
        .string(8, text);
    write(summary(step, new ProtoWriter().string(1, tag).message(9, metadata).message(8, tensor)));
  }

  /**
   * Makes everything written so far visible to readers ({@code hflush}).
   *
   * @throws IOException if the file system fails
   */
  public void flush() throws IOException {
    out.hflush();
  }

  /** Flushes and closes the file. */
  @Override
  public void close() throws IOException {
    out.close();
  }

  @Override
  public String toString() {
    return "EventFileWriter(" + path + ")";
  }

  static ProtoWriter histogramProto(float[] values) {
    long num = 0;
    double sum = 0;
    double sumSquares = 0;
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (float f : values) {
      if (Float.isFinite(f)) {
        num++;
        sum += f;
        sumSquares += (double) f * f;
        min = Math.min(min, f);
        max = Math.max(max, f);
      }
    }
    if (num == 0) {
      min = 0;
      max = 0;
    }
    int k = max > min ? HISTOGRAM_BUCKETS : 1;
    double width = (max - min) / k;
    double[] limits = new double[k];
    double[] counts = new double[k];
    for (int i = 0; i < k; i++) {
      limits[i] = i == k - 1 ? max : min + (i + 1) * width;
    }
    for (float f : values) {
      if (Float.isFinite(f)) {
        int b = width > 0 ? (int) ((f - min) / width) : 0;
        counts[Math.min(k - 1, Math.max(0, b))]++;
      }
    }
    return new ProtoWriter()
        .fixed64(1, min)
        .fixed64(2, max)
        .fixed64(3, num)
        .fixed64(4, sum)
        .fixed64(5, sumSquares)
        .packedDoubles(6, limits)
        .packedDoubles(7, counts);
  }

  private static ProtoWriter event(long step) {
    ProtoWriter e = new ProtoWriter().fixed64(1, System.currentTimeMillis() / 1000.0);
    return step == 0 ? e : e.varint(2, step);
  }

  private static ProtoWriter summary(long step, ProtoWriter value) {
    return event(step).message(5, new ProtoWriter().message(1, value));
  }

  private void write(ProtoWriter event) throws IOException {
    out.write(TfRecord.frame(event.toByteArray()));
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "localhost";
    }
  }
}
