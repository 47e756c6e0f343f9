package dev.sparkdl.callbacks;

import dev.sparkdl.spec.Config;
import dev.sparkdl.spec.SpecException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Keras' {@code CSVLogger}: one row per epoch, {@code epoch} (counted from 0, as Keras writes it)
 * then every logged quantity in sorted order, to a file on any Hadoop file system. The file is
 * rewritten whole after each epoch (a new file renamed over the old), so it is complete at every
 * moment on file systems without append. With {@code append}, rows follow those already in the
 * file (a resumed fit).
 */
public final class CsvLogger implements KerasCallback {
  private final String filename;
  private final String separator;
  private final boolean append;
  private final List<String> lines = new ArrayList<>();
  private List<String> keys;

  /**
   * @param filename the CSV file, any Hadoop file system
   * @param separator the field separator
   * @param append keep the rows already in the file
   */
  public CsvLogger(String filename, String separator, boolean append) {
    if (filename == null || filename.isBlank()) {
      throw new SpecException("CSVLogger: filename is required, e.g. hdfs:///logs/training.csv.");
    }
    if (separator == null || separator.isEmpty()) {
      throw new SpecException("CSVLogger: separator must not be empty.");
    }
    this.filename = filename;
    this.separator = separator;
    this.append = append;
  }

  /** @param filename the CSV file, any Hadoop file system */
  public CsvLogger(String filename) {
    this(filename, ",", false);
  }

  static CsvLogger read(Config c) {
    if (!c.has("filename")) {
      throw new SpecException("CSVLogger: config needs \"filename\", e.g. \"training.csv\".");
    }
    return new CsvLogger(c.optString("filename", null), c.optString("separator", ","),
        c.optBoolean("append", false));
  }

  @Override
  public String className() {
    return "CSVLogger";
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("filename", filename);
    m.put("separator", separator);
    m.put("append", append);
    return m;
  }

  @Override
  public void onTrainBegin(TrainingContext context) {
    lines.clear();
    keys = null;
    if (!append) {
      return;
    }
    Path path = new Path(filename);
    try {
      FileSystem fs = path.getFileSystem(context.hadoopConf());
      if (fs.exists(path)) {
        try (BufferedReader r = new BufferedReader(
            new InputStreamReader(fs.open(path), StandardCharsets.UTF_8))) {
          for (String line = r.readLine(); line != null; line = r.readLine()) {
            lines.add(line);
          }
        }
        if (!lines.isEmpty()) {
          String[] header = lines.get(0).split(java.util.regex.Pattern.quote(separator), -1);
          keys = List.of(header).subList(1, header.length);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("CSVLogger could not read " + filename + ": "
          + e.getMessage(), e);
    }
  }

  @Override
  public void onEpochEnd(int epoch, Map<String, Double> logs, double seconds,
      TrainingContext context) {
    if (keys == null) {
      keys = List.copyOf(new TreeSet<>(logs.keySet()));
      lines.add("epoch" + separator + String.join(separator, keys));
    }
    StringBuilder row = new StringBuilder().append(epoch - 1);
    for (String k : keys) {
      Double v = logs.get(k);
      row.append(separator).append(v == null ? "NA" : Double.toString(v));
    }
    lines.add(row.toString());
    write(context);
  }

  private void write(TrainingContext context) {
    Path path = new Path(filename);
    try {
      FileSystem fs = path.getFileSystem(context.hadoopConf());
      Path parent = path.getParent();
      if (parent != null) {
        fs.mkdirs(parent);
      }
      Path tmp = new Path(parent, "." + path.getName() + "." + UUID.randomUUID() + ".tmp");
      try (OutputStream out = fs.create(tmp, true)) {
        out.write((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
      }
      fs.delete(path, false);
      if (!fs.rename(tmp, path)) {
        fs.delete(tmp, false);
        throw new IOException("could not rename " + tmp + " to " + path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("CSVLogger could not write " + filename + ": "
          + e.getMessage(), e);
    }
  }
}
